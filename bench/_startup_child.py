"""One measured start-up, run by bench/startup.py in a fresh process inside a pseudo-terminal.

Usage: _startup_child.py kiosk|bare REPORT_FD [CONFIG]

The child writes ``EVENT SECONDS`` lines to the pipe REPORT_FD, where SECONDS is
`time.monotonic()` (CLOCK_MONOTONIC: one clock for every process on a Linux host, so the
parent can subtract the `time.monotonic()` it read just before starting this process):

- ``python``: this script starts running (the interpreter is up);
- ``imported``: the app's modules are imported;
- ``drawn``: bare: ``call_after_refresh`` from ``on_mount`` runs; kiosk: `LoginScreen.Shown`
  (posted after the login screen's first refresh) reaches the app;
- ``ready`` (kiosk only): `KioskApp.ServicesOpened` has been handled, a badge can be checked;
- ``failed MESSAGE``: the app could not get there (the child then exits with status 1).

Textual and the kiosk are imported only inside the mode's function, after the process has
started, so that their import cost is part of what is measured, and each mode pays only for
what it uses (the bare app never imports the kiosk).
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

# Annotations only. kiosk.services loads the database layer, which the app defers until the
# login screen is drawn; importing it here would move that cost in front of the first frame.
if TYPE_CHECKING:
    from textual.worker import Worker

    from kiosk.services import Services
    from screens.login import LoginScreen

_PYTHON_UP = time.monotonic()


class _Reporter:
    def __init__(self, fd: int) -> None:
        self._fd = fd

    def at(self, event: str, when: float | None = None) -> None:
        stamp = time.monotonic() if when is None else when
        os.write(self._fd, f"{event} {stamp:.6f}\n".encode())

    def failed(self, message: str) -> None:
        os.write(self._fd, f"failed {' '.join(message.split())}\n".encode())


def run_bare(report: _Reporter) -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Input

    report.at("imported")

    class BareApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Input()
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self._report_drawn)

        def _report_drawn(self) -> None:
            report.at("drawn")
            self.exit()

    BareApp().run()
    return 0


def run_kiosk(report: _Reporter, config_path: str) -> int:
    # The same modules `kiosk run` loads before the first frame (kiosk.cli, then kiosk.app).
    from pathlib import Path

    from textual.worker import WorkerState

    from kiosk.app import KioskApp
    from kiosk.clock import SystemClock
    from kiosk.config import load_config

    report.at("imported")

    # Textual calls the handler of *every* class in the MRO that defines one, subclass
    # first. So these overrides must not call super(): KioskApp's own handler runs right
    # after them anyway, and through super() it would run twice (starting the worker that
    # opens the database twice).
    class TimedKioskApp(KioskApp):
        failure: str | None = None

        def on_login_screen_shown(self, _message: LoginScreen.Shown) -> None:
            report.at("drawn")

        def on_kiosk_app_services_opened(self, message: KioskApp.ServicesOpened) -> None:
            # Let KioskApp's handler hand the services to the login screen first.
            self.call_next(self._report_ready)

        def _report_ready(self) -> None:
            report.at("ready")
            self.exit()

        def on_kiosk_app_store_failed(self, message: KioskApp.StoreFailed) -> None:
            self.failure = f"store failed: {message.error}"
            self.exit()

        def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
            if event.state is WorkerState.ERROR and event.worker.group == "open":
                self.failure = f"opening the services raised {event.worker.error!r}"
                self.exit()

    config = load_config(Path(config_path))
    clock = SystemClock()

    # Exactly what kiosk.app.create_app passes (it cannot be given a subclass).
    def open_services() -> Services:
        from kiosk.services import open_services

        return open_services(config, clock)

    app = TimedKioskApp(config, clock, open_services)
    app.run()
    if app.failure is not None:
        report.failed(app.failure)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] not in ("kiosk", "bare"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, report = argv[1], _Reporter(int(argv[2]))
    report.at("python", _PYTHON_UP)
    if mode == "bare":
        return run_bare(report)
    if len(argv) < 4:
        report.failed("kiosk mode needs a CONFIG path")
        return 2
    return run_kiosk(report, argv[3])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
