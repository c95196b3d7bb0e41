"""A real hub process on loopback and real station stores: the basic round trip."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from kiosk.store.models import Operation, WorkOrder
from tests.hub_harness import (
    assert_exactly_once,
    client,
    make_plant,
    open_station,
    operation_records,
    running_hub,
    write_events,
)


def test_station_pulls_its_work_and_pushes_its_events(hub_db_url: str, tmp_path: Path) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")
    plant.write(operation_records("WC-A", 3) + operation_records("WC-B", 2))
    store = open_station(tmp_path, "ST-1")
    with running_hub(hub_db_url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        write_events(store, 5)
        report = sync.sync_once()
        sync.close()
    assert report.pushed == 5
    assert_exactly_once(plant, store)
    with store.read() as session:
        orders = sorted(wo.number for wo in session.exec(select(WorkOrder)))
        operations = session.exec(select(Operation)).all()
    # Only its own work center's orders reached the station.
    assert orders == ["WO-WC-A-0", "WO-WC-A-1", "WO-WC-A-2"]
    assert {op.work_center for op in operations} == {"WC-A"}


def test_the_background_sync_reports_a_first_syncs_progress(tmp_path: Path) -> None:
    import threading

    from sync.runner import run_sync
    from sync.status import HubStatus

    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    plant.write(operation_records("WC-A", 2500))  # 5002 records: three pages
    store = open_station(tmp_path, "ST-1")
    stop = threading.Event()
    seen: list[HubStatus] = []

    def report(status: HubStatus) -> None:
        seen.append(status)
        if status.receiving is None and status.last_sync_at is not None:
            stop.set()  # the first round is done

    with running_hub(url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        run_sync(sync, store, stop, report, every=60)
        sync.close()
    assert [s.receiving for s in seen] == [(2000, 5002), (4000, 5002), None]
    assert seen[-1].online and seen[-1].queued == 0


def test_the_push_body_the_station_encodes_is_a_valid_push_request(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    import msgspec

    from sync.client import push_body
    from sync.events import payload_object
    from sync.protocol import PushRequest
    from sync.station_state import unsent

    store = open_station(tmp_path, "ST-1")
    write_events(store, 1, "label.queued", job_id="j", kind="product", label={"名": "板 ✓"})
    with store.write() as session:
        store.outbox.append(session, "terminal.closed", {}, None)
    rows = unsent(store, 10)
    sent_at = datetime(2026, 11, 25, 8, tzinfo=UTC)
    request = msgspec.json.decode(push_body("ST-1", store.epoch, sent_at, rows), type=PushRequest)
    assert request.sent_at == sent_at and request.epoch == store.epoch
    assert [e.seq for e in request.events] == [1, 2]
    first, second = (payload_object(event.payload) for event in request.events)
    assert first == {"job_id": "j", "kind": "product", "label": {"名": "板 ✓"}}
    assert request.events[1].user_id is None and second == {}
    assert request.events[0].occurred_at == rows[0].occurred_at
