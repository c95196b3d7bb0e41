"""A hub for `kiosk demo --hub`: a SQLite hub beside the demo station, its plant loaded."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.admin import add_admin_token, add_station
from hub.db import open_hub_db, write
from hub.records import Record, write_records

_TOKENS = "hub-tokens.json"


@dataclass(frozen=True)
class DemoHub:
    url: str
    station_token: str
    admin_token: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_demo_hub(
    folder: Path,
    station_id: str,
    work_centers: Sequence[str],
    records: Sequence[tuple[str, str, tuple[str, ...], dict[str, Any]]],
) -> DemoHub:
    """Create the demo hub on first use (plant loaded, station enrolled), then serve it."""
    url = f"sqlite:///{folder / 'hub.db'}"
    tokens_file = folder / _TOKENS
    if not tokens_file.exists():
        engine = open_hub_db(url)
        now = datetime.now(UTC)
        with write(engine) as conn:
            write_records(conn, [Record(*record) for record in records], now)
        tokens = {
            "station": add_station(engine, station_id, list(work_centers), now),
            # A demo keeps its tokens in its folder; a real hub prints them once, only.
            "admin": add_admin_token(engine, "demo", now),
        }
        engine.dispose()
        tokens_file.write_text(json.dumps(tokens), encoding="utf-8")
    tokens = json.loads(tokens_file.read_text(encoding="utf-8"))
    port = _free_port()
    with (folder / "hub.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "hub", "serve", "--db", url, "--port", str(port)],
            stdout=log,
            stderr=log,
        )
    _wait_listening(port, process)
    return DemoHub(f"http://127.0.0.1:{port}", tokens["station"], tokens["admin"], process)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the demo hub did not start: see hub.log in the demo folder")
