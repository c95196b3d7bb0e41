"""Inspection results and signed dispositions flow to the hub: the demo station inspects a
first article, fails it, signs a concession, and the demo hub takes every event of it."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from hub.demo import start_demo_hub
from kiosk.clock import SystemClock
from kiosk.config import HubSection
from kiosk.demo import prepare_demo, ready_machines
from kiosk.demo_data import demo_reference
from kiosk.qc_values import Decision, InspectionKind
from kiosk.services import open_services
from kiosk.store.models import Event
from sync.client import SyncClient
from sync.station_state import queue_state, sync_issues
from tests.test_materials import signed_in


def test_results_and_a_signed_disposition_reach_the_hub(tmp_path: Path) -> None:
    clock = SystemClock()
    config = prepare_demo(tmp_path, clock)
    services = open_services(config, clock)
    try:
        operator = signed_in(services, "E1003")
        inspector = signed_in(services, "E1014")
        # Starting an MC-200 placement raises its first article (the demo's FA-MC200-SMT).
        placement = next(
            t for t in services.tasks.open_tasks()
            if (t.item_code, t.seq, t.status) == ("FG-MC200", 10, "pending")
        )  # fmt: skip
        # The demo's machines were checked up to two hours ago: a new shift may have begun
        # since, and then she does its daily check first, as at any shift's start.
        ready_machines(services, placement.work_center, operator)
        services.tasks.start(placement.operation_id, operator)
        [first] = [s for s in services.qc.to_do("en") if s.kind is InspectionKind.FIRST_ARTICLE]
        detail = services.qc.detail(first.inspection_id, "en")
        bad = {
            c.code: (c.lsl or 0.0) - 1.0 if c.kind == "variable" else (True, "")
            for c in detail.characteristics
        }
        for unit in range(1, detail.summary.sample_size + 1):
            services.qc.record_sample(first.inspection_id, unit, bad, inspector)
        services.qc.disposition(
            first.inspection_id, Decision.CONCESSION, "paste re-measured", "2580", inspector, "en"
        )
        with services.store.read() as session:
            qc_events = session.exec(
                select(Event.type).where(col(Event.type).startswith("qc."))
            ).all()
        today = clock.now().astimezone().date()
        hub = start_demo_hub(
            tmp_path, config.station.id, config.station.work_centers, demo_reference(today)
        )
        try:
            sync = SyncClient(
                services.store, HubSection(url=hub.url, token=hub.station_token), clock
            )
            sync.sync_once()
            sync.close()
        finally:
            hub.stop()
        assert {"qc.inspection_raised", "qc.sample_recorded", "qc.inspection_judged",
                "qc.dispositioned"} <= set(qc_events)  # fmt: skip
        assert queue_state(services.store).queued == 0
        assert [(i.type, i.status, i.detail) for i in sync_issues(services.store)] == []
    finally:
        services.close()
