"""The failure scenarios of offline-first sync, each against a real hub process on loopback.

After each: every event is on the hub exactly once, in station order; every hub change
reached the stations it concerns; nothing the station accepted is missing.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import httpx
import msgspec
import pytest
from sqlmodel import select

from hub.admin import accept_epoch
from kiosk.clock import SystemClock
from kiosk.config import HubSection
from kiosk.store.database import Store
from kiosk.store.models import Event, Operation
from sync.client import HubUnreachable, SyncClient, push_body
from sync.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PUSH_PATH,
    OutboxEvent,
    PushResponse,
)
from sync.station_state import queue_state, unsent
from tests.hub_harness import (
    HubProcess,
    assert_exactly_once,
    client,
    make_plant,
    open_station,
    operation_records,
    running_hub,
    station_events,
    write_events,
    write_events_fast,
)


def _push_until_empty(sync: SyncClient, deadline_s: float = 120.0) -> None:
    """What the station's background loop does: retry transport failures until all sent."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            sync.sync_once()
            return
        except HubUnreachable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_hub_down_for_a_whole_shift_then_back(hub_db_url: str, tmp_path: Path) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")
    store = open_station(tmp_path, "ST-1")
    hub = HubProcess(hub_db_url, tmp_path / "hub.log")  # not started: the hub is down
    sync = client(store, hub.url, token, batch_size=500)
    for _ in range(10):  # the shift: work goes on, every sync attempt fails
        write_events_fast(store, 1000)
        with pytest.raises(HubUnreachable):
            sync.sync_once()
    assert queue_state(store).queued == 10_000
    hub.start()
    try:
        report = sync.sync_once()
    finally:
        hub.kill()
        sync.close()
    assert report.pushed == 10_000
    assert queue_state(store).queued == 0
    assert_exactly_once(plant, store)


def test_same_batch_delivered_twice_and_out_of_order(hub_db_url: str, tmp_path: Path) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")
    store = open_station(tmp_path, "ST-1")
    write_events(store, 10)
    events = unsent(store, 100)
    first, second = events[:5], events[5:]

    def deliver(http: httpx.Client, batch: list[OutboxEvent]) -> list[str]:
        """Each event's status in sequence order; the hub names only those not accepted."""
        body = push_body("ST-1", store.epoch, batch[0].occurred_at, batch)
        response = http.post(PUSH_PATH, content=body)
        response.raise_for_status()
        named = {
            r.seq: r.status.value
            for r in msgspec.json.decode(response.content, type=PushResponse).results
        }
        return [named.get(event.seq, "accepted") for event in sorted(batch, key=lambda e: e.seq)]

    with running_hub(hub_db_url, tmp_path) as hub:
        headers = {
            "Authorization": f"Bearer {token}",
            PROTOCOL_HEADER: str(PROTOCOL_VERSION),
            "Content-Type": "application/json",
        }
        with httpx.Client(base_url=hub.url, headers=headers) as http:
            assert deliver(http, second) == ["gap"] * 5  # the hub waits for 1-5 first
            assert deliver(http, first) == ["accepted"] * 5
            assert deliver(http, first) == ["duplicate"] * 5
            assert deliver(http, list(reversed(second))) == ["accepted"] * 5
            assert deliver(http, second + first) == ["duplicate"] * 10
        sync = client(store, hub.url, token)
        sync.sync_once()  # the station learns that all of them arrived
        sync.close()
    assert_exactly_once(plant, store)


class _FirstPushLate(httpx.BaseTransport):
    """Loopback HTTP that holds the first push back, so the second batch in flight reaches
    the hub before it (as two connections may, or two hub processes)."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self._held = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == PUSH_PATH and not self._held.is_set():
            self._held.set()
            time.sleep(0.5)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def test_a_batch_that_overtakes_the_one_before_is_sent_again(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")
    store = open_station(tmp_path, "ST-1")
    write_events(store, 10)
    with running_hub(hub_db_url, tmp_path) as hub:
        section = HubSection(url=hub.url, token=token, timeout_seconds=10.0, batch_size=5)
        sync = SyncClient(store, section, SystemClock(), _FirstPushLate())
        try:
            # The second batch arrives first and is answered "gap" (1-5 are not there yet);
            # it must not count as delivered, nor stop the push: it goes again after 1-5.
            assert sync.push_pending() == 10
        finally:
            sync.close()
    assert queue_state(store).queued == 0
    assert_exactly_once(plant, store)
    gaps = [e for e in plant.events("ST-1") if e.status != "accepted"]
    assert gaps == []


def test_hub_killed_mid_batch_and_restarted(hub_db_url: str, tmp_path: Path) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")
    store = open_station(tmp_path, "ST-1")
    write_events_fast(store, 20_000)
    hub = HubProcess(hub_db_url, tmp_path / "hub.log").start()
    sync = client(store, hub.url, token, batch_size=200)
    pusher = threading.Thread(target=_push_until_empty, args=(sync,))
    pusher.start()
    try:
        deadline = time.monotonic() + 60
        while not plant.events("ST-1") and time.monotonic() < deadline:
            time.sleep(0.01)
        hub.kill()  # in the middle of a batch, most likely mid-transaction
        arrived = len(plant.events("ST-1"))
        assert 0 < arrived < 20_000
        time.sleep(0.3)
        hub.start()
        pusher.join(timeout=120)
        assert not pusher.is_alive()
    finally:
        hub.kill()
        sync.close()
    assert_exactly_once(plant, store)


def test_poisoned_events_are_answered_and_the_queue_moves_on(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")
    plant.write(operation_records("WC-A", 1) + operation_records("WC-B", 1))
    store = open_station(tmp_path, "ST-1")
    write_events(store, 3)
    write_events(store, 1, "bogus.event", anything=1)
    write_events(store, 1, "operation.started", work_order="WO-WC-A-0", seq=1)  # no operation_id
    write_events(
        store, 1, "operation.started", operation_id="op-WO-WC-B-0-1", work_order="x", seq=1
    )
    write_events(store, 3)
    with running_hub(hub_db_url, tmp_path) as hub:
        sync = client(store, hub.url, token, batch_size=500)
        sync.sync_once()
        sync.close()
    assert queue_state(store).queued == 0
    answers = {e.type + str(e.payload.get("operation_id", "")): e for e in _answered(store)}
    assert answers["bogus.event"].sync_reason == "unknown_type"
    assert answers["operation.started"].sync_reason == "bad_payload"
    assert "operation_id" in answers["operation.started"].sync_detail
    not_served = answers["operation.startedop-WO-WC-B-0-1"]
    assert not_served.sync_status == "rejected"
    assert not_served.sync_reason == "work_center_not_served"
    statuses = [e.sync_status for e in station_events(store)]
    assert statuses == ["accepted"] * 3 + ["rejected"] * 3 + ["accepted"] * 3
    assert_exactly_once(plant, store)  # refused events are on the hub too, marked so
    assert [row.status for row in plant.events("ST-1")] == statuses


class _Answered:
    def __init__(self, event: Event) -> None:
        self.type = event.type
        self.payload = json.loads(event.payload)
        self.sync_status = event.sync_status
        self.sync_reason = event.sync_reason
        self.sync_detail = event.sync_detail


def _answered(store: Store) -> list[_Answered]:
    return [_Answered(e) for e in station_events(store)]


def test_station_restored_from_an_old_copy_is_held_until_an_admin_accepts(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")
    live = tmp_path / "live"
    live.mkdir()
    store = open_station(live, "ST-1")
    with running_hub(hub_db_url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        write_events(store, 5)
        sync.sync_once()
        backup = tmp_path / "backup.db"
        with store.write() as session:  # a consistent copy: nobody writes meanwhile
            session.exec(select(Event)).first()
            shutil.copy(live / "ST-1.db", backup)
            wal = live / "ST-1.db-wal"
            if wal.exists():
                shutil.copy(wal, tmp_path / "backup.db-wal")
        write_events(store, 5)
        sync.sync_once()
        sync.close()
        store.close()
        before = [(row.id, row.seq) for row in plant.events("ST-1")]
        assert len(before) == 10
        # The disk dies; the station comes back from yesterday's copy and works on.
        for suffix in ("", "-wal", "-shm"):
            (live / f"ST-1.db{suffix}").unlink(missing_ok=True)
        shutil.copy(backup, live / "ST-1.db")
        if (tmp_path / "backup.db-wal").exists():
            shutil.copy(tmp_path / "backup.db-wal", live / "ST-1.db-wal")
        store = open_station(live, "ST-1")
        write_events(store, 3)  # sequences 6-8 again, with new ids
        sync = client(store, hub.url, token)
        report = sync.sync_once()
        assert "restored from an older copy" in report.blocked
        assert queue_state(store).blocked == report.blocked
        assert [(row.id, row.seq) for row in plant.events("ST-1")] == before  # nothing mixed
        print(accept_epoch(plant.engine, "ST-1", store.epoch))
        report = sync.sync_once()
        sync.close()
    assert report.blocked == ""
    assert queue_state(store).blocked == ""
    remote = [(row.id, row.seq) for row in plant.events("ST-1")]
    local = [(e.id, e.seq) for e in station_events(store)]
    assert remote[:10] == before  # what the hub had stays
    assert set(local) <= set(remote)  # nothing the restored station accepted is missing
    assert remote[10:] == local[5:]  # the new events, once each, in station order


def test_a_new_database_for_an_enrolled_station_waits_for_an_admin(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old = open_station(tmp_path / "old", "ST-1")
    new = open_station(tmp_path / "new", "ST-1")  # reinstalled: a new epoch, seq from 1
    write_events(old, 4)
    write_events(new, 2)
    with running_hub(hub_db_url, tmp_path) as hub:
        for store in (old, new):
            sync = client(store, hub.url, token)
            report = sync.sync_once()
            sync.close()
        assert "new database" in report.blocked
        accept_epoch(plant.engine, "ST-1", new.epoch)
        sync = client(new, hub.url, token)
        sync.sync_once()
        sync.close()
    remote = [(row.epoch, row.seq) for row in plant.events("ST-1")]
    assert remote == [(old.epoch, n) for n in range(1, 5)] + [(new.epoch, 1), (new.epoch, 2)]


def test_three_stations_at_once_with_hub_changes(hub_db_url: str, tmp_path: Path) -> None:
    plant = make_plant(hub_db_url)
    stations = [("ST-1", "WC-A"), ("ST-2", "WC-A"), ("ST-3", "WC-B")]
    tokens = {sid: plant.enrol(sid, wc) for sid, wc in stations}
    plant.write(operation_records("WC-A", 5) + operation_records("WC-B", 5))
    stores = {sid: open_station(tmp_path, sid) for sid, _ in stations}
    with running_hub(hub_db_url, tmp_path) as hub:

        def work(sid: str) -> None:
            sync = client(stores[sid], hub.url, tokens[sid], batch_size=50)
            for _ in range(10):
                write_events(stores[sid], 30)
                _push_until_empty(sync)
            sync.close()

        threads = [threading.Thread(target=work, args=(sid,)) for sid, _ in stations]
        for thread in threads:
            thread.start()
        for round_no in range(10):  # the planner re-plans while the stations work
            plant.write(operation_records("WC-A", 2, prefix=f"R{round_no}"))
            plant.write(operation_records("WC-B", 2, prefix=f"R{round_no}"))
        for thread in threads:
            thread.join(timeout=120)
        for sid, _ in stations:  # a last round picks up what was planned at the end
            sync = client(stores[sid], hub.url, tokens[sid])
            sync.sync_once()
            sync.close()
    for sid, work_center in stations:
        assert_exactly_once(plant, stores[sid])
        with stores[sid].read() as session:
            ops = session.exec(select(Operation)).all()
        assert {op.work_center for op in ops} == {work_center}
        assert len(ops) == 5 + 10 * 2


def test_protocol_mismatch_is_explained_on_both_sides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    store = open_station(tmp_path, "ST-1")
    write_events(store, 1)
    monkeypatch.setattr("sync.client.PROTOCOL_VERSION", PROTOCOL_VERSION + 1)
    from sync.client import SyncRefused

    with running_hub(url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        with pytest.raises(SyncRefused) as refused:
            sync.sync_once()
        sync.close()
    assert refused.value.code.value == "protocol_mismatch"
    assert f"station speaks sync protocol {PROTOCOL_VERSION + 1}" in refused.value.detail
    assert f"this hub speaks {PROTOCOL_VERSION}" in refused.value.detail
    assert queue_state(store).queued == 1  # nothing lost: it waits for an update
    hub_log = (tmp_path / "hub.log").read_text()
    assert f"station speaks sync protocol {PROTOCOL_VERSION + 1}" in hub_log
