"""`kiosk demo --hub`: the demo hub holds the demo plant with the station's own ids."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlmodel import func, select

from hub.demo import start_demo_hub
from kiosk.clock import SystemClock
from kiosk.config import HubSection
from kiosk.demo import prepare_demo
from kiosk.demo_data import demo_reference
from kiosk.store.database import open_store
from kiosk.store.models import (
    BomLine,
    Event,
    MaterialLot,
    Operation,
    SopDocument,
    User,
    WorkOrder,
)
from sync.client import SyncClient
from sync.station_state import queue_state, sync_issues

TABLES = (User, WorkOrder, Operation, BomLine, MaterialLot, SopDocument)


def test_the_demo_station_and_its_hub_agree_on_every_row(tmp_path: Path) -> None:
    clock = SystemClock()
    config = prepare_demo(tmp_path, clock)  # the demo shift's events wait in the outbox
    store = open_store(config.database.path, config.station.id, clock)

    def counts() -> list[int]:
        with store.read() as session:
            return [session.exec(select(func.count()).select_from(t)).one() for t in TABLES]

    before = counts()
    with store.read() as session:
        shift = session.exec(select(Event)).all()
    today = clock.now().astimezone().date()
    hub = start_demo_hub(
        tmp_path, config.station.id, config.station.work_centers, demo_reference(today)
    )
    try:
        sync = SyncClient(store, HubSection(url=hub.url, token=hub.station_token), clock)
        report = sync.sync_once()
        sync.close()
    finally:
        hub.stop()
    # The shift: sign-in, the daily checks of her three machines and their start, the
    # revised SOP acknowledged, two starts, a pause, sign-out.
    kinds = Counter(event.type for event in shift)
    assert kinds["operation.started"] == 2 and kinds["operation.paused"] == 1
    assert kinds["equipment.checked"] == 3 and kinds["equipment.state_changed"] == 3
    assert report.pushed == len(shift) and report.pulled > 0
    assert counts() == before  # every record the hub sent was a row the station had
    assert queue_state(store).queued == 0
    assert sync_issues(store) == []  # the shift's operations are known to the hub
    # The second start reuses the hub and its tokens.
    again = start_demo_hub(tmp_path, config.station.id, config.station.work_centers, [])
    again.stop()
    assert again.station_token == hub.station_token
