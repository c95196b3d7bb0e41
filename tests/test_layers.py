"""House rules that a test can hold: what each layer may load."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import kiosk

UI_SHELL = {"kiosk.app", "kiosk.cli", "kiosk.__main__"}


def loaded_after(imports: list[str]) -> set[str]:
    code = "import sys\n" + "".join(f"import {m}\n" for m in imports)
    code += "print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def kiosk_core_modules() -> list[str]:
    found = [
        module.name
        for module in pkgutil.walk_packages(kiosk.__path__, "kiosk.")
        if "migrations" not in module.name
    ]
    return [name for name in found if name not in UI_SHELL]


def test_core_is_found() -> None:
    core = kiosk_core_modules()
    assert {"kiosk.auth", "kiosk.tasks", "kiosk.store.database", "kiosk.config"} <= set(core)


def test_store_and_domain_never_load_the_ui() -> None:
    modules = loaded_after(kiosk_core_modules())
    assert "kiosk.tasks" in modules  # the imports did run
    assert not {m for m in modules if m.split(".")[0] in {"textual", "screens"}}


def test_the_app_shell_loads_no_database_layer_before_the_login_screen() -> None:
    # Start-up speed: SQLAlchemy/SQLModel/Alembic load in a worker after the first paint.
    modules = loaded_after(["kiosk.app", "kiosk.cli"])
    assert "textual.app" in modules
    assert not {m for m in modules if m.split(".")[0] in {"sqlalchemy", "sqlmodel", "alembic"}}
