"""Work reports: good and scrap with reasons, partial and final, labour, the plan, labels."""

from __future__ import annotations

import json
from collections.abc import Iterator

import msgspec
import pytest
from sqlmodel import col, select

from kiosk.config import LabelsSection, StationConfig
from kiosk.demo_data import demo_serial, seed_demo
from kiosk.report_values import ReportRequest
from kiosk.reporting import box_lot
from kiosk.serial_values import SerialVerdict
from kiosk.services import Services, open_services
from kiosk.store.models import Event, Operation, PrintJob, SerialUnit, WorkOrder, WorkReport
from kiosk.work import OperationStatus, PauseReason, Refusal, Refused
from tests.conftest import TODAY
from tests.fakes import FakeClock
from tests.test_materials import signed_in
from tests.test_serials import started


def reported_events(services: Services) -> list[dict[str, object]]:
    with services.store.read() as session:
        rows = session.exec(
            select(Event).where(Event.type == "operation.reported").order_by(col(Event.seq))
        ).all()
    return [json.loads(row.payload) for row in rows]


def quantities(services: Services, operation_id: str) -> tuple[int, int, str]:
    with services.store.read() as session:
        op = session.get(Operation, operation_id)
    assert op is not None
    return op.qty_good, op.qty_scrap, op.status


def refusal(services: Services, operation_id: str, request: ReportRequest) -> Refusal:
    kevin = signed_in(services, "E1003")
    with pytest.raises(Refused) as refused:
        services.reports.report(operation_id, request, kevin)
    return refused.value.reason


@pytest.fixture
def packing(config: StationConfig, clock: FakeClock) -> Iterator[Services]:
    """The demo station set to print product and box labels for final assembly."""
    labels = LabelsSection(product_labels_at=["WC-ASM"], box_labels_at=["WC-ASM"])
    opened = open_services(msgspec.structs.replace(config, labels=labels), clock)
    seed_demo(opened.store, TODAY)
    yield opened
    opened.close()


def test_partial_then_final_report_with_scrap_reason_and_labour(
    services: Services, clock: FakeClock
) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 32, 20, kevin)  # MC-200 reflow: 340 of 500 done, no SNs
    clock.advance(600)
    services.tasks.pause(reflow.operation_id, kevin, PauseReason.BREAK)
    clock.advance(300)  # paused: not labour
    sheet = services.reports.sheet(reflow.operation_id)
    assert (sheet.qty_planned, sheet.qty_good, sheet.labour_seconds) == (500, 340, 600)

    partial = services.reports.report(
        reflow.operation_id, ReportRequest(100, 3, "SOLDER", final=False), kevin
    )
    services.tasks.resume(reflow.operation_id, kevin)
    clock.advance(120)
    final = services.reports.report(
        reflow.operation_id, ReportRequest(57, 0, None, final=True), kevin
    )

    assert (partial.good, partial.scrap, partial.final, partial.labels) == (100, 3, False, 0)
    assert final.final
    assert quantities(services, reflow.operation_id) == (497, 3, OperationStatus.DONE)
    events = reported_events(services)
    assert [(e["good"], e["scrap"], e["scrap_reason"], e["final"]) for e in events] == [
        (100, 3, "SOLDER", False),
        (57, 0, None, True),
    ]
    assert [e["labour_seconds"] for e in events] == [600, 120]
    assert events[0]["report_id"] == partial.report_id
    assert refusal(services, reflow.operation_id, ReportRequest(1, 0, None, False)) == (
        Refusal.CLOSED
    )


def test_scrap_needs_a_reason_from_the_plants_list(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 32, 20, kevin)
    reasons = services.reports.scrap_reasons("en")
    assert ("SOLDER", "Solder defect") in [(r.code, r.name) for r in reasons]
    assert "焊接不良" in [r.name for r in services.reports.scrap_reasons("zh_CN")]

    assert refusal(services, reflow.operation_id, ReportRequest(0, 2, None, False)) == (
        Refusal.SCRAP_REASON_NEEDED
    )
    assert refusal(services, reflow.operation_id, ReportRequest(0, 2, "GREMLINS", False)) == (
        Refusal.UNKNOWN_SCRAP_REASON
    )
    assert refusal(services, reflow.operation_id, ReportRequest(0, 0, None, False)) == (
        Refusal.NOTHING_TO_REPORT
    )
    assert reported_events(services) == []


def test_an_operation_not_started_cannot_be_reported(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 35, 20, kevin)
    pending = next(t for t in services.tasks.open_tasks() if t.status == "pending" and t.seq == 10)
    assert refusal(services, pending.operation_id, ReportRequest(1, 0, None, False)) == (
        Refusal.NOT_STARTED
    )
    assert reflow.status == "running"


def test_more_than_planned_needs_a_team_lead(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 32, 20, kevin)  # 340 of 500 done
    operator = signed_in(services, "E1001")
    lead = signed_in(services, "E1010", "8642")

    assert refusal(services, reflow.operation_id, ReportRequest(159, 2, "SOLDER", False)) == (
        Refusal.OVER_PLAN
    )
    with pytest.raises(Refused) as refused:
        services.reports.report(
            reflow.operation_id, ReportRequest(161, 0, None, False), kevin, approver=operator
        )
    assert refused.value.reason is Refusal.NOT_PERMITTED
    services.reports.report(
        reflow.operation_id, ReportRequest(161, 0, None, False), kevin, approver=lead
    )

    assert reported_events(services)[-1]["approved_by"] == lead.user_id
    with services.store.read() as session:
        report = session.exec(select(WorkReport)).one()
    assert (report.good, report.approved_by, report.user_id) == (161, lead.user_id, kevin.user_id)


def test_serial_numbers_count_the_good_units_and_labels_print(packing: Services) -> None:
    services = packing
    kevin = signed_in(services, "E1003")
    assembly = started(services, 31, 30, kevin)  # final assembly: 120 of 200 done
    units = [demo_serial(TODAY, 31, n) for n in (1, 2)]
    for sn in units:
        assert services.serials.bind(assembly.operation_id, sn, kevin).ok
    assert services.reports.sheet(assembly.operation_id).unreported_serials == 2

    assert refusal(services, assembly.operation_id, ReportRequest(3, 0, None, False)) == (
        Refusal.SERIALS_MISSING
    )
    done = services.reports.report(
        assembly.operation_id, ReportRequest(2, 0, None, final=False), kevin
    )

    assert done.serials == tuple(units)
    assert done.labels == 3  # a product label per unit, and the box
    with services.store.read() as session:
        counted = session.exec(
            select(SerialUnit.sn).where(SerialUnit.report_id == done.report_id)
        ).all()
        jobs = session.exec(select(PrintJob).order_by(col(PrintJob.id))).all()
    assert sorted(counted) == units
    assert [job.kind for job in jobs] == ["product", "product", "box"]
    assert [json.loads(job.data)["serial"] for job in jobs[:2]] == units
    box = json.loads(jobs[2].data)
    lot = box_lot(f"WO-{TODAY:%y%m}-0031", done.report_id)
    assert box == {"part": "FG-GW310", "lot": lot, "quantity": 2, "serials": units}
    assert len(lot) == 20 and lot.startswith(f"WO-{TODAY:%y%m}-0031-")
    assert reported_events(services)[-1]["serials"] == units
    assert services.reports.sheet(assembly.operation_id).unreported_serials == 0


def test_labels_print_only_where_configured_and_for_good_units(packing: Services) -> None:
    services = packing
    kevin = signed_in(services, "E1003")
    reflow = started(services, 32, 20, kevin)  # SMT: no labels configured there
    services.reports.report(reflow.operation_id, ReportRequest(5, 0, None, False), kevin)
    assembly = started(services, 31, 30, kevin)
    services.reports.report(assembly.operation_id, ReportRequest(0, 1, "COSMETIC", False), kevin)

    assert services.printing.waiting() == 0


def test_a_label_that_cannot_be_made_does_not_cost_the_report(packing: Services) -> None:
    services = packing
    kevin = signed_in(services, "E1003")
    assembly = started(services, 31, 30, kevin)
    with services.store.write() as session:
        order = session.exec(select(WorkOrder).where(WorkOrder.number.endswith("-0031"))).one()
        order.number = "WO-2611-0031-RUSH-REWORK"  # a box lot of this is past GS1's 20
        session.add(order)
    assert services.serials.bind(assembly.operation_id, demo_serial(TODAY, 31, 1), kevin).ok

    done = services.reports.report(assembly.operation_id, ReportRequest(1, 0, None, False), kevin)

    assert (done.good, done.labels) == (1, 1)  # the unit's label prints; the box's cannot
    assert "lot" in done.label_problem
    assert reported_events(services)[-1]["report_id"] == done.report_id
    assert services.printing.waiting() == 1


def test_scrapped_units_are_named_and_never_come_back_as_good(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 35, 20, kevin)  # GW-310 reflow binds serial numbers
    assembly = started(services, 35, 30, kevin)
    boards = [f"SN2611003500{n:03d}" for n in (1, 2, 3)]
    for sn in boards:
        assert services.serials.bind(reflow.operation_id, sn, kevin).ok

    assert refusal(
        services, reflow.operation_id, ReportRequest(2, 1, "SOLDER", False, ("SN-NOT-HERE",))
    ) == (Refusal.SERIAL_NOT_HERE)
    assert refusal(
        services, reflow.operation_id, ReportRequest(3, 1, "SOLDER", False, (boards[1],))
    ) == (Refusal.SERIALS_MISSING)
    # Final with a unit neither good nor scrapped: every unit must be accounted for.
    assert refusal(
        services, reflow.operation_id, ReportRequest(1, 1, "SOLDER", True, (boards[1],))
    ) == (Refusal.SERIALS_UNACCOUNTED)
    done = services.reports.report(
        reflow.operation_id, ReportRequest(2, 1, "SOLDER", True, (boards[1],)), kevin
    )

    assert done.serials == (boards[0], boards[2])
    event = reported_events(services)[-1]
    assert (event["serials"], event["scrapped_serials"]) == ([boards[0], boards[2]], [boards[1]])
    scrapped = services.serials.bind(assembly.operation_id, boards[1], kevin)
    assert scrapped.verdict is SerialVerdict.SCRAPPED
    assert scrapped.detail == "20 Reflow & AOI 回流焊/AOI"
    assert services.serials.bind(assembly.operation_id, boards[0], kevin).ok


def test_a_previous_operation_at_another_stations_work_center_is_left_to_the_hub(
    config: StationConfig, clock: FakeClock
) -> None:
    """An assembly-only station cannot know offline what SMT bound: it binds, the hub checks."""
    station = msgspec.structs.replace(config.station, work_centers=["WC-ASM"])
    opened = open_services(msgspec.structs.replace(config, station=station), clock)
    seed_demo(opened.store, TODAY)
    try:
        kevin = signed_in(opened, "E1003")
        assembly = started(opened, 35, 30, kevin)
        unseen = opened.serials.bind(assembly.operation_id, "SN261100350099", kevin)
    finally:
        opened.close()
    assert unseen.verdict is SerialVerdict.BOUND
