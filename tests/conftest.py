from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import StationConfig, load_config
from kiosk.demo_data import DEMO_STATION_ID, DEMO_WORK_CENTERS, seed_demo
from kiosk.services import Services, open_services
from tests.fakes import FakeClock
from tests.postgres import PG_ROOT, PostgresServer, find_bin_dir

TODAY = date(2026, 11, 25)


def write_config(folder: Path, **overrides: str) -> Path:
    """A station config for the demo plant in `folder`; overrides replace whole lines."""
    values = {
        "id": f'"{DEMO_STATION_ID}"',
        "work_centers": "[" + ", ".join(f'"{wc}"' for wc in DEMO_WORK_CENTERS) + "]",
        "language": '"en"',
        "idle_logout_seconds": "60",
        "max_failed_attempts": "3",
        "lockout_seconds": "300",
    } | overrides
    path = folder / "kiosk.toml"
    path.write_text(
        f"""
[station]
id = {values["id"]}
name = "Test station"
work_centers = {values["work_centers"]}
language = {values["language"]}
idle_logout_seconds = {values["idle_logout_seconds"]}

[database]
path = "station.db"

[security]
max_failed_attempts = {values["max_failed_attempts"]}
lockout_seconds = {values["lockout_seconds"]}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(tmp_path: Path) -> StationConfig:
    return load_config(write_config(tmp_path))


@pytest.fixture
def services(config: StationConfig, clock: FakeClock) -> Iterator[Services]:
    """The demo plant in a real SQLite file, opened through the real services."""
    opened = open_services(config, clock)
    seed_demo(opened.store, TODAY)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the run, started only if a test asks for it."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        # A failure, never a skip: a missing server must not pass CI by testing nothing.
        pytest.fail(
            f"PostgreSQL server binaries not found ({PG_ROOT}/*/bin/initdb): "
            "run `./dev test`, which installs Debian's postgresql package",
            pytrace=False,
        )
    server = PostgresServer.start(bin_dir)
    yield server
    server.stop()


_database_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database for this test; its SQLAlchemy URL."""
    name = f"test_{next(_database_numbers)}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The hub's database URL, once per engine the hub runs on."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    # Looked up lazily, so the SQLite runs never start a server.
    url: str = request.getfixturevalue("postgres_url")
    return url
