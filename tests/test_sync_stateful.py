"""Randomised sync: hypothesis interleaves station writes, pushes, pulls, hub-side changes,
lost answers and restarts of either side, and checks the invariants after every step.

The hub runs in-process here (the same FastAPI app, reached through a transport that can
lose answers) so hundreds of steps stay fast; the fixed scenarios use a real server.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import Engine, select
from sqlmodel import select as sql_select

from hub.app import create_hub_app
from hub.db import open_hub_db
from hub.records import Record
from hub.tables import hub_event, record
from kiosk.clock import SystemClock
from kiosk.config import HubSection
from kiosk.store.database import Store, open_store
from kiosk.store.models import Operation
from sync.client import HubUnreachable, SyncClient
from tests.hub_harness import make_plant, operation_records, station_events, write_events

STATIONS = {"ST-1": "WC-A", "ST-2": "WC-B"}


class _Link(httpx.BaseTransport):
    """The network between a station and the in-process hub: may be down, may lose answers."""

    def __init__(self, machine: SyncMachine) -> None:
        self._machine = machine

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._machine.hub_up:
            raise httpx.ConnectError("hub down", request=request)
        answer = self._machine.http.request(
            request.method, request.url.path, content=request.content, headers=request.headers
        )
        if self._machine.drop_next:
            self._machine.drop_next = False
            raise httpx.ReadError("answer lost", request=request)  # applied, never heard
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-sync-"))
        self.hub_up = True
        self.drop_next = False
        self.written = dict.fromkeys(STATIONS, 0)
        self.plan_version = 0
        self.hub_url = f"sqlite:///{self.folder / 'hub.db'}"
        plant = make_plant(self.hub_url)
        self.tokens = {sid: plant.enrol(sid, wc) for sid, wc in STATIONS.items()}
        plant.write(operation_records("WC-A", 2) + operation_records("WC-B", 2))
        plant.engine.dispose()
        self.engine: Engine = open_hub_db(self.hub_url)
        self.http = TestClient(create_hub_app(self.engine))
        self.stores: dict[str, Store] = {}
        self.clients: dict[str, SyncClient] = {}
        for sid in STATIONS:
            self._open_station(sid)
        # Whether each station's reference data must equal the hub's (after a full pull).
        self.pulled = dict.fromkeys(STATIONS, False)

    def _open_station(self, sid: str) -> None:
        self.stores[sid] = open_store(self.folder / f"{sid}.db", sid, SystemClock())
        section = HubSection(url="http://hub", token=self.tokens[sid], batch_size=3)
        self.clients[sid] = SyncClient(self.stores[sid], section, SystemClock(), _Link(self))

    def teardown(self) -> None:
        try:
            self.hub_up, self.drop_next = True, False
            for sid in STATIONS:  # the network heals: one last round must settle everything
                self.clients[sid].sync_once()
                self._check_delivered(sid, complete=True)
                self._check_reference(sid)
        finally:
            for sid in STATIONS:
                self.clients[sid].close()
                self.stores[sid].close()
            self.http.close()
            self.engine.dispose()
            shutil.rmtree(self.folder, ignore_errors=True)

    @initialize()
    def start(self) -> None:
        for sid in STATIONS:
            self.clients[sid].pull_all()
            self.pulled[sid] = True

    station = st.sampled_from(sorted(STATIONS))

    @rule(sid=station, count=st.integers(1, 5))
    def work(self, sid: str, count: int) -> None:
        write_events(self.stores[sid], count)
        self.written[sid] += count

    @rule(sid=station, lose_answer=st.booleans())
    def push(self, sid: str, lose_answer: bool) -> None:
        self.drop_next = lose_answer
        with contextlib.suppress(HubUnreachable):
            self.clients[sid].push_pending()
        self.drop_next = False

    @rule(sid=station, lose_answer=st.booleans())
    def pull(self, sid: str, lose_answer: bool) -> None:
        self.drop_next = lose_answer
        try:
            self.clients[sid].pull_all()
            self.pulled[sid] = True
        except HubUnreachable:
            pass
        self.drop_next = False

    @rule(work_center=st.sampled_from(sorted(set(STATIONS.values()))), n=st.integers(0, 3))
    def replan(self, work_center: str, n: int) -> None:
        """The planner adds an order, re-prioritises one, or deletes an operation."""
        self.plan_version += 1
        if n == 3:
            doomed = operation_records(work_center, 2)[3]  # the first order's operation
            self._write([Record(doomed.entity, doomed.key, doomed.scope, None)])
        else:
            records = operation_records(work_center, 1, prefix=f"P{n}")
            order = records[2]
            assert order.data is not None
            priority = {**order.data, "priority": self.plan_version % 9 + 1}
            self._write([*records[:2], Record(order.entity, order.key, order.scope, priority)])
            self._write(records[3:])
        self.pulled = dict.fromkeys(STATIONS, False)

    def _write(self, records: list[Record]) -> None:
        from hub.db import write
        from hub.records import write_records

        with write(self.engine) as conn:
            write_records(conn, records, datetime.now(UTC))

    @rule()
    def restart_hub(self) -> None:
        self.http.close()
        self.engine.dispose()
        self.engine = open_hub_db(self.hub_url)
        self.http = TestClient(create_hub_app(self.engine))

    @rule(down=st.booleans())
    def network(self, down: bool) -> None:
        self.hub_up = not down

    @rule(sid=station)
    def restart_station(self, sid: str) -> None:
        self.clients[sid].close()
        self.stores[sid].close()
        self._open_station(sid)

    # Invariants, after every step.

    def _hub_events(self, sid: str) -> list[Any]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(hub_event.c.id, hub_event.c.seq)
                    .where(hub_event.c.station_id == sid)
                    .order_by(hub_event.c.no)
                )
            )

    def _check_delivered(self, sid: str, complete: bool = False) -> None:
        local = station_events(self.stores[sid])
        remote = [(row.id, row.seq) for row in self._hub_events(sid)]
        # Nothing the station accepted is lost, and it is still in its own order.
        assert [e.seq for e in local] == list(range(1, self.written[sid] + 1))
        # The hub has a prefix of the station's history: each event once, in order.
        assert remote == [(e.id, e.seq) for e in local[: len(remote)]]
        # What the station believes delivered is on the hub.
        delivered = {e.id for e in local if e.synced_at is not None}
        assert delivered <= {event_id for event_id, _ in remote}
        if complete:
            assert len(remote) == len(local) and len(delivered) == len(local)

    def _check_reference(self, sid: str) -> None:
        work_center = STATIONS[sid]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(record.c.record_id).where(
                    record.c.entity == "operation",
                    record.c.data.is_not(None),
                    record.c.scope.like(f"%|{work_center}|%"),
                )
            )
            on_hub = {row.record_id for row in rows}
        with self.stores[sid].read() as session:
            here = {op.id for op in session.exec(sql_select(Operation))}
        assert here == on_hub

    @invariant()
    def events_exactly_once_in_order(self) -> None:
        for sid in STATIONS:
            self._check_delivered(sid)

    @invariant()
    def a_full_pull_brings_every_hub_change(self) -> None:
        for sid, done in self.pulled.items():
            if done:
                self._check_reference(sid)


SyncMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_sync_randomised = SyncMachine.TestCase
