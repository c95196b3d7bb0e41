"""Real hubs and stations for sync tests: `kiosk hub serve` processes on loopback, station
stores in real SQLite files, and the reference data they share."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, select

from hub.admin import add_admin_token, add_station
from hub.db import open_hub_db, write
from hub.records import Record, write_records
from hub.tables import hub_event
from kiosk.clock import SystemClock
from kiosk.config import HubSection
from kiosk.store.database import Store, open_store
from kiosk.store.models import Event
from sync.client import SyncClient

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HubProcess:
    """`kiosk hub serve` in its own process, so it can be killed like a real one."""

    def __init__(
        self,
        db_url: str,
        log: Path,
        cert: Path | None = None,
        key: Path | None = None,
        workers: int = 1,
    ) -> None:
        self.db_url = db_url
        self.workers = workers
        self.port = free_port()
        self._log = log
        self._tls = ["--cert", str(cert), "--key", str(key)] if cert and key else []
        self.url = f"{'https' if cert else 'http'}://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> HubProcess:
        command = [
            sys.executable,
            "-m",
            "kiosk",
            "hub",
            "serve",
            "--db",
            self.db_url,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                command + self._tls,
                stdout=log,
                stderr=log,
                cwd=ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                # Its own process group, so a kill reaches --workers' processes too.
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"hub exited: {self._log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"hub did not listen: {self._log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing; what was not committed is lost."""
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
            self._process = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the hub is not running")
        return self._process.pid

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@contextmanager
def running_hub(db_url: str, tmp: Path, name: str = "hub") -> Iterator[HubProcess]:
    hub = HubProcess(db_url, tmp / f"{name}.log").start()
    try:
        yield hub
    finally:
        hub.kill()


@dataclass
class Plant:
    """The hub's database handle and the tokens made for a test."""

    engine: Engine
    admin_token: str

    def enrol(self, station_id: str, *work_centers: str) -> str:
        return add_station(self.engine, station_id, list(work_centers), datetime.now(UTC))

    def write(self, records: list[Record]) -> None:
        with write(self.engine) as conn:
            write_records(conn, records, datetime.now(UTC))

    def events(self, station_id: str) -> list[Any]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(hub_event)
                    .where(hub_event.c.station_id == station_id)
                    .order_by(hub_event.c.no)
                )
            )


def make_plant(db_url: str) -> Plant:
    engine = open_hub_db(db_url)
    return Plant(engine, add_admin_token(engine, "tests", datetime.now(UTC)))


def operation_records(
    work_center: str, orders: int, ops_per_order: int = 1, prefix: str = "WO"
) -> list[Record]:
    """Work orders with operations at `work_center`, plus the item and work center."""
    records = [
        Record(
            "work_center", work_center, (work_center,), {"code": work_center, "name": work_center}
        ),
        Record("item", "ITEM-1", (), {"code": "ITEM-1", "description": "Board", "unit": "pcs"}),
    ]
    for n in range(orders):
        number = f"{prefix}-{work_center}-{n}"
        records.append(
            Record(
                "work_order",
                number,
                (work_center,),
                {
                    "id": f"wo-{number}",
                    "number": number,
                    "item_code": "ITEM-1",
                    "qty_planned": 10,
                    "priority": 5,
                    "due_date": date(2026, 12, 1).isoformat(),
                    "status": "released",
                },
            )
        )
        for seq in range(1, ops_per_order + 1):
            records.append(
                Record(
                    "operation",
                    f"{number}:{seq}",
                    (work_center,),
                    {
                        "id": f"op-{number}-{seq}",
                        "work_order_id": f"wo-{number}",
                        "seq": seq,
                        "name": f"Step {seq}",
                        "work_center": work_center,
                        "qty_planned": 10,
                        "sop_code": None,
                    },
                )
            )
    return records


def open_station(folder: Path, station_id: str) -> Store:
    return open_store(folder / f"{station_id}.db", station_id, SystemClock())


def client(store: Store, hub_url: str, token: str, batch_size: int = 500, **hub: Any) -> SyncClient:
    section = HubSection(
        url=hub_url, token=token, timeout_seconds=10.0, batch_size=batch_size, **hub
    )
    return SyncClient(store, section, SystemClock())


def write_events(store: Store, count: int, type_: str = "auth.login", **payload: Any) -> None:
    """`count` events, one transaction each, as a station writes them on the floor."""
    for _ in range(count):
        with store.write() as session:
            store.outbox.append(session, type_, payload or {"session_id": "s"}, "user-1")


def write_events_fast(store: Store, count: int) -> None:
    """Many events in one transaction: a whole shift's worth without a shift's wait."""
    with store.write() as session:
        for _ in range(count):
            store.outbox.append(session, "auth.login", {"session_id": "s"}, "user-1")


def station_events(store: Store) -> list[Event]:
    from sqlmodel import col
    from sqlmodel import select as sql_select

    with store.read() as session:
        return list(session.exec(sql_select(Event).order_by(col(Event.seq))))


def assert_exactly_once(plant: Plant, store: Store) -> None:
    """Every event the station has is on the hub once, in station order, nothing else."""
    local = [(e.id, e.seq) for e in station_events(store)]
    remote = [(row.id, row.seq) for row in plant.events(store.station_id)]
    assert remote == local
    assert all(e.synced_at is not None for e in station_events(store))


def admin_get(hub_url: str, token: str, path: str) -> Any:
    response = httpx.get(
        f"{hub_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    response.raise_for_status()
    return json.loads(response.content)
