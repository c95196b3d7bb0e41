"""Exceptions of the line on every terminal: raised at one station, shown, acknowledged,
escalated and resolved on the others of its work center, over a real hub on loopback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import select

from hub.db import write
from hub.tables import station
from kiosk.andon_records import Raise, raise_in
from kiosk.clock import SystemClock
from kiosk.config import HubSection
from kiosk.store.database import Store
from kiosk.store.models import Andon
from sync.client import HubUnreachable, SyncClient
from sync.protocol import EXCEPTIONS_PATH
from sync.station_state import sync_issues
from tests.hub_harness import client, make_plant, open_station, running_hub, write_events


def _raise(store: Store, work_center: str, note: str) -> str:
    with store.write() as session:
        row = raise_in(
            session,
            store.outbox,
            SystemClock(),
            store.station_id,
            Raise("equipment", "high", work_center, note=note, equipment="EQ-1"),
            "op-7",
        )
        return row.id


def _andon(store: Store) -> dict[str, Andon]:
    with store.read() as session:
        return {row.id: row for row in session.exec(select(Andon))}


def test_an_exception_shows_on_every_terminal_of_its_line(hub_db_url: str, tmp_path: Path) -> None:
    plant = make_plant(hub_db_url)
    centers = {"ST-1": "WC-A", "ST-2": "WC-A", "ST-3": "WC-B"}
    tokens = {sid: plant.enrol(sid, center) for sid, center in centers.items()}
    stores = {sid: open_station(tmp_path, sid) for sid in centers}
    with running_hub(hub_db_url, tmp_path) as hub:
        syncs = {sid: client(stores[sid], hub.url, tokens[sid]) for sid in centers}

        def sync(*sids: str) -> None:
            for sid in sids:
                syncs[sid].sync_once()

        raised = _raise(stores["ST-1"], "WC-A", "reflow oven alarm")
        sync("ST-1", "ST-2", "ST-3")
        shown = _andon(stores["ST-2"])[raised]
        assert (shown.station_id, shown.work_center, shown.note) == (
            "ST-1",
            "WC-A",
            "reflow oven alarm",
        )
        assert (shown.equipment, shown.raised_by, shown.level) == ("EQ-1", "op-7", 0)
        assert shown.acknowledged_at is None and shown.resolved_at is None
        assert _andon(stores["ST-3"]) == {}  # another line's

        write_events(stores["ST-2"], 1, "exception.acknowledged", exception_id=raised, seconds=42.5)
        sync("ST-2", "ST-1")
        own = _andon(stores["ST-1"])[raised]
        assert (own.acknowledged_by, own.ack_seconds) == ("user-1", 42.5)
        assert _andon(stores["ST-2"])[raised].acknowledged_by == "user-1"

        write_events(stores["ST-1"], 1, "exception.escalated", exception_id=raised, level=2)
        sync("ST-1", "ST-2")
        assert _andon(stores["ST-2"])[raised].level == 2

        write_events(
            stores["ST-2"], 1, "exception.resolved", exception_id=raised, cause="sensor",
            action="replaced", note="new thermocouple", seconds=600.0,
        )  # fmt: skip
        sync("ST-2", "ST-1")
        for sid in ("ST-1", "ST-2"):
            done = _andon(stores[sid])[raised]
            assert (done.resolved_by, done.cause, done.action) == ("user-1", "sensor", "replaced")
            assert (done.resolution_note, done.resolve_seconds) == ("new thermocouple", 600.0)

        # A station cannot put an exception on a line it does not serve.
        foreign = _raise(stores["ST-3"], "WC-A", "not my line")
        sync("ST-3", "ST-2")
        assert foreign not in _andon(stores["ST-2"])
        [issue] = sync_issues(stores["ST-3"])
        assert (issue.type, issue.status, issue.reason) == (
            "exception.raised",
            "rejected",
            "work_center_not_served",
        )

        # Offline, each terminal keeps what it has.
        second = _raise(stores["ST-1"], "WC-A", "feeder jam")
        sync("ST-1", "ST-2")
        hub.kill()
        with pytest.raises(HubUnreachable):
            syncs["ST-2"].sync_once()
        assert _andon(stores["ST-2"])[second].resolved_at is None
        for each in syncs.values():
            each.close()


def test_a_line_left_makes_its_open_exceptions_go(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    raiser, watcher = plant.enrol("ST-1", "WC-A"), plant.enrol("ST-2", "WC-A")
    stores = {sid: open_station(tmp_path, sid) for sid in ("ST-1", "ST-2")}
    with running_hub(url, tmp_path) as hub:
        raised = _raise(stores["ST-1"], "WC-A", "no paste")
        first, second = (
            client(stores["ST-1"], hub.url, raiser),
            client(stores["ST-2"], hub.url, watcher),
        )
        first.sync_once()
        second.sync_once()
        assert raised in _andon(stores["ST-2"])
        # ST-2 moves to another line; ST-1's own row stays, whatever the hub answers.
        with write(plant.engine) as conn:
            conn.execute(
                update(station).where(station.c.id == "ST-2").values(work_centers="|WC-B|")
            )
        second.sync_once()
        first.sync_once()
        first.close()
        second.close()
    assert raised not in _andon(stores["ST-2"])
    assert _andon(stores["ST-1"])[raised].resolved_at is None


def test_a_hub_without_the_call_leaves_the_round_and_the_table_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    store = open_station(tmp_path, "ST-1")
    raised = _raise(store, "WC-A", "missing parts")
    real = httpx.HTTPTransport()
    asked: list[str] = []

    def older_hub(request: httpx.Request) -> httpx.Response:
        # The hub as it was before this call: Starlette's own 404.
        if request.url.path == EXCEPTIONS_PATH:
            asked.append(request.url.path)
            return httpx.Response(404, json={"detail": "Not Found"})
        response = real.handle_request(request)
        response.read()
        return response

    with running_hub(url, tmp_path) as hub:
        section = HubSection(url=hub.url, token=token, timeout_seconds=10.0, batch_size=500)
        sync = SyncClient(store, section, SystemClock(), transport=httpx.MockTransport(older_hub))
        report = sync.sync_once()
        sync.close()
    assert asked == [EXCEPTIONS_PATH]
    assert report.pushed == 1
    assert _andon(store)[raised].resolved_at is None
