"""Maintenance orders: a breakdown to its close, exceptions, refusals, preventive plans."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from kiosk.andon_records import Raise, raise_in
from kiosk.equipment_records import Change, last_state, record_in
from kiosk.equipment_values import MachineState
from kiosk.identity import SignedIn
from kiosk.maintenance_records import CORRECTIVE, Opening, open_in
from kiosk.maintenance_values import OrderStatus, PartLine, RepairRecord
from kiosk.report_values import ReportRequest
from kiosk.services import Services
from kiosk.store.models import Event, MaintenanceOrder, MaintenancePart, ReferenceRecord
from kiosk.work import Refusal, Refused
from sync.events import read_payload
from tests.fakes import FakeClock
from tests.test_materials import signed_in
from tests.test_serials import started

HOUR = 3600.0


def keep_plan(services: Services, code: str, equipment: str, **every: float | str) -> None:
    """A maintenance plan as the hub sends it, beside the demo plant's."""
    plan = {"code": code, "equipment": equipment, "title_zh": "保养", "title_en": "Service"}
    with services.store.write() as session:
        data = json.dumps(plan | every, ensure_ascii=False)
        session.add(ReferenceRecord(entity="maintenance_plan", key=code, data=data))


def change_state(services: Services, clock: FakeClock, equipment: str, state: str) -> str:
    with services.store.write() as session:
        change = Change(equipment, state, "JAM" if state == "down" else "")
        return record_in(session, services.store.outbox, clock, change, None).id


def breaks_down(services: Services, clock: FakeClock, equipment: str) -> str:
    """What the equipment service does on a change to "down": the state and its order."""
    with services.store.write() as session:
        outbox = services.store.outbox
        down = record_in(session, outbox, clock, Change(equipment, "down", "JAM"), None)
        opening = Opening(CORRECTIVE, equipment, "Feeder jam", down_state_id=down.id)
        return open_in(session, outbox, clock, opening, None).id


def events(services: Services, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """Events of a type prefix, each checked against the payload the hub expects."""
    with services.store.read() as session:
        rows = session.exec(
            select(Event).where(col(Event.type).startswith(prefix)).order_by(col(Event.seq))
        ).all()
    for row in rows:
        read_payload(row.type, row.payload)
    return [(row.type, json.loads(row.payload)) for row in rows]


def order_row(services: Services, order_id: str) -> MaintenanceOrder:
    with services.store.read() as session:
        order = session.get(MaintenanceOrder, order_id)
    assert order is not None
    return order


def state_of(services: Services, equipment: str) -> tuple[str, str | None]:
    with services.store.read() as session:
        state = last_state(session, equipment)
    assert state is not None
    return state.state, state.maintenance_order_id


def refused(call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refused) as refusal:
        call(*args)
    return refusal.value.reason


@pytest.fixture
def people(services: Services) -> dict[str, SignedIn]:
    return {
        "technician": signed_in(services, "E1011"),
        "operator": signed_in(services, "E1003"),
        "lead": signed_in(services, "E1009", "1357"),
    }


# From the demo plant's lists of causes and actions.
REPAIR = RepairRecord(
    cause="WORN_PART",
    actions=("CLEANED", "PART_REPLACED"),
    note="bearing of the Y axis",
    parts=(PartLine("BRG-6204", 2.0, "L2611-0001"), PartLine("GREASE-EP2", 1.0)),
)


def test_a_breakdown_is_taken_repaired_and_confirmed_with_labour_parts_and_downtime(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    change_state(services, clock, "SMT1-PNP", "running")
    clock.advance(600)
    order_id = breaks_down(services, clock, "SMT1-PNP")
    clock.advance(300)  # nobody there yet
    [waiting] = services.maintenance.open_orders("en")
    assert (waiting.order_id, waiting.status, waiting.kind) == (order_id, "open", CORRECTIVE)
    assert waiting.age_seconds == 300

    taken = services.maintenance.claim(order_id, people["technician"])
    assert (taken.status, taken.claimed_by) == (OrderStatus.CLAIMED, "吴军")
    assert state_of(services, "SMT1-PNP") == ("maintenance", order_id)
    clock.advance(1200)
    clock.set_wall(clock.wall - timedelta(hours=2))  # someone sets the clock back mid-repair
    clock.advance(600)
    sheet = services.maintenance.repair_sheet(order_id, "zh_CN")
    assert sheet.labour_seconds == 1800
    assert [c.name for c in sheet.causes][:2] == ["设备故障", "来料不良"]  # by code
    assert "PART_REPLACED" in [a.code for a in sheet.actions]

    done = services.maintenance.record(order_id, REPAIR, people["technician"])
    assert done.status is OrderStatus.DONE
    clock.advance(240)  # the operator tries the machine
    closed = services.maintenance.confirm(order_id, people["operator"])

    assert closed.status is OrderStatus.CLOSED
    assert closed.downtime_seconds == 300 + 1200 + 600 + 240  # monotonic: the jump bent nothing
    assert state_of(services, "SMT1-PNP") == ("idle", order_id)
    assert services.maintenance.open_orders("en") == []
    row = order_row(services, order_id)
    assert (row.cause, row.actions, row.labour_seconds) == (
        "WORN_PART",
        "CLEANED,PART_REPLACED",
        1800,
    )
    assert (row.claimed_by, row.done_by) == (people["technician"].user_id,) * 2
    assert row.confirmed_by == people["operator"].user_id
    with services.store.read() as session:
        parts = session.exec(select(MaintenancePart).order_by(col(MaintenancePart.item_code)))
        assert [(p.item_code, p.qty, p.lot_no) for p in parts] == [
            ("BRG-6204", 2.0, "L2611-0001"),
            ("GREASE-EP2", 1.0, ""),
        ]
    assert [kind for kind, _ in events(services, "maintenance.")] == [
        "maintenance.opened",
        "maintenance.claimed",
        "maintenance.done",
        "maintenance.confirmed",
    ]
    _, done_event = events(services, "maintenance.done")[0]
    assert done_event["labour_seconds"] == 1800
    assert done_event["parts"] == [
        {"item_code": "BRG-6204", "qty": 2.0, "lot_no": "L2611-0001"},
        {"item_code": "GREASE-EP2", "qty": 1.0, "lot_no": ""},
    ]
    _, confirmed = events(services, "maintenance.confirmed")[0]
    assert confirmed == {
        "maintenance_order": order_id,
        "confirmed_by": people["operator"].user_id,
        "downtime_seconds": 2340.0,
    }
    states = [p["state"] for _, p in events(services, "equipment.state_changed")]
    assert states == ["running", "down", "maintenance", "idle"]


def test_labour_corrected_by_the_technician_and_downtime_across_a_reboot(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    order_id = breaks_down(services, clock, "SMT1-REFLOW")
    services.maintenance.claim(order_id, people["technician"])
    clock.reboot("boot-2", downtime=900)  # the station itself was off for 15 minutes
    clock.advance(600)
    corrected = RepairRecord("MACHINE_FAULT", ("ADJUSTED",), "", (), labour_seconds=25 * 60)
    services.maintenance.record(order_id, corrected, people["technician"])
    closed = services.maintenance.confirm(order_id, people["lead"])
    assert order_row(services, order_id).labour_seconds == 1500
    assert closed.downtime_seconds == 1500  # across boots: by wall time


def test_an_equipment_exception_opens_one_order_for_its_machine(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    with services.store.write() as session:
        what = Raise("equipment", "high", "WC-ASM", "torque drifts", "ASM1-SCREW")
        exception = raise_in(session, services.store.outbox, clock, "ST", what, None)
        quality = Raise("quality", "low", "WC-ASM", "scratches")
        not_equipment = raise_in(session, services.store.outbox, clock, "ST", quality, None)
        elsewhere = Raise("equipment", "low", "WC-TEST", "", "TST1-FCT")
        other_station = raise_in(session, services.store.outbox, clock, "ST", elsewhere, None)

    order = services.maintenance.open_from_exception(exception.id, people["lead"])
    again = services.maintenance.open_from_exception(exception.id, people["operator"])

    assert again.order_id == order.order_id
    assert (order.kind, order.equipment, order.title) == (CORRECTIVE, "ASM1-SCREW", "torque drifts")
    row = order_row(services, order.order_id)
    assert (row.exception_id, row.down_state_id, row.opened_by) == (
        exception.id,
        None,
        people["lead"].user_id,
    )
    [(_, opened)] = events(services, "maintenance.opened")
    assert (opened["exception_id"], opened["equipment"]) == (exception.id, "ASM1-SCREW")
    maintain = services.maintenance
    assert (
        refused(maintain.open_from_exception, "nope", people["lead"]) is Refusal.UNKNOWN_EXCEPTION
    )
    for other in (not_equipment.id, other_station.id):
        assert refused(maintain.open_from_exception, other, people["lead"]) is (
            Refusal.UNKNOWN_EQUIPMENT
        )
    # Without a down state the machine was never stopped: no downtime to count.
    maintain.claim(order.order_id, people["technician"])
    maintain.record(order.order_id, REPAIR, people["technician"])
    assert maintain.confirm(order.order_id, people["operator"]).downtime_seconds is None


def test_an_exception_on_a_machine_already_down_answers_its_breakdown_order(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    order_id = breaks_down(services, clock, "SMT1-PNP")
    with services.store.write() as session:
        what = Raise("equipment", "high", "WC-SMT", "", "SMT1-PNP")
        exception = raise_in(session, services.store.outbox, clock, "ST", what, None)
    answered = services.maintenance.open_from_exception(exception.id, people["lead"])
    assert answered.order_id == order_id
    assert len(events(services, "maintenance.opened")) == 1


def test_refusals_say_why_and_change_nothing(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    technician, operator, lead = people["technician"], people["operator"], people["lead"]
    maintain = services.maintenance
    order_id = breaks_down(services, clock, "SMT1-PNP")
    assert refused(maintain.claim, "nope", technician) is Refusal.UNKNOWN_MAINTENANCE_ORDER
    assert refused(maintain.claim, order_id, operator) is Refusal.NOT_PERMITTED
    assert refused(maintain.record, order_id, REPAIR, technician) is Refusal.NOT_CLAIMED
    assert refused(maintain.confirm, order_id, operator) is Refusal.MAINTENANCE_NOT_DONE

    maintain.claim(order_id, technician)
    assert maintain.claim(order_id, technician).status is OrderStatus.CLAIMED  # a second press
    assert refused(maintain.record, order_id, REPAIR, operator) is Refusal.NOT_PERMITTED
    unknown_cause = RepairRecord("GREMLINS", ("CLEANED",), "", ())
    assert refused(maintain.record, order_id, unknown_cause, technician) is Refusal.UNKNOWN_CAUSE
    no_action = RepairRecord("WORN_PART", (), "", ())
    assert refused(maintain.record, order_id, no_action, technician) is Refusal.UNKNOWN_ACTION
    unknown_action = RepairRecord("WORN_PART", ("PRAY",), "", ())
    assert refused(maintain.record, order_id, unknown_action, technician) is (
        Refusal.UNKNOWN_ACTION
    )
    assert refused(maintain.confirm, order_id, lead) is Refusal.MAINTENANCE_NOT_DONE
    assert order_row(services, order_id).status == "claimed"

    maintain.record(order_id, REPAIR, technician)
    assert refused(maintain.claim, order_id, technician) is Refusal.ALREADY_CLAIMED
    assert refused(maintain.confirm, order_id, technician) is Refusal.NOT_PERMITTED
    maintain.confirm(order_id, lead)
    for act, who in ((maintain.claim, technician), (maintain.confirm, operator)):
        assert refused(act, order_id, who) is Refusal.MAINTENANCE_CLOSED
    assert refused(maintain.record, order_id, REPAIR, technician) is Refusal.MAINTENANCE_CLOSED
    with services.store.read() as session:
        assert len(session.exec(select(MaintenancePart)).all()) == len(REPAIR.parts)
    assert len(events(services, "maintenance.done")) == 1

    # A machine of another station's work center is not this station's to maintain.
    elsewhere = breaks_down(services, clock, "TST1-FCT")
    assert refused(maintain.claim, elsewhere, technician) is Refusal.UNKNOWN_MAINTENANCE_ORDER
    assert [o.equipment for o in maintain.open_orders("en")] == []


def test_a_plan_by_run_hours_falls_due_once_and_counts_again_from_its_close(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    """The demo's PM-PNP-NOZZLE: clean the placement nozzles every 8 running hours."""
    technician = people["technician"]
    maintain = services.maintenance
    assert maintain.open_due(technician) == []  # nothing recorded yet: nothing to count from
    change_state(services, clock, "SMT1-PNP", "running")
    clock.advance(6 * HOUR)
    change_state(services, clock, "SMT1-PNP", "idle")
    clock.advance(3 * HOUR)  # idle time is not run time
    clock.set_wall(clock.wall + timedelta(hours=5))  # nor is a clock jumping ahead
    assert maintain.open_due(technician) == []
    change_state(services, clock, "SMT1-PNP", "running")
    clock.advance(2.1 * HOUR)

    [opened] = maintain.open_due(technician)
    assert maintain.open_due(technician) == []  # one order per plan while it is open
    assert (opened.kind, opened.equipment) == ("preventive", "SMT1-PNP")
    assert opened.title == "吸嘴清洁"  # in the technician's language
    assert maintain.open_orders("en")[0].title == "Clean the nozzles"
    [(_, event)] = events(services, "maintenance.opened")
    assert (event["plan"], event["kind"]) == ("PM-PNP-NOZZLE", "preventive")

    maintain.claim(opened.order_id, technician)
    clock.advance(HOUR)  # in maintenance: not running
    maintain.record(opened.order_id, REPAIR, technician)
    maintain.confirm(opened.order_id, people["operator"])
    change_state(services, clock, "SMT1-PNP", "running")
    clock.advance(7.9 * HOUR)
    assert maintain.open_due(technician) == []  # counted from the close, not from before
    clock.advance(0.2 * HOUR)
    assert [o.title for o in maintain.open_due(technician)] == ["吸嘴清洁"]


def test_a_plan_by_days_falls_due_on_the_monotonic_clock(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    """The demo's PM-SCREW-CAL: calibrate the screwdriver's torque every 7 days."""
    change_state(services, clock, "ASM1-SCREW", "idle")
    clock.advance(6 * 24 * HOUR)
    clock.set_wall(clock.wall + timedelta(days=3))  # the wall clock says it is due: it is not
    assert services.maintenance.open_due(people["technician"]) == []
    clock.advance(24 * HOUR + 60)
    [opened] = services.maintenance.open_due(people["technician"])
    assert (opened.equipment, opened.title) == ("ASM1-SCREW", "扭矩校准")


def test_a_new_plan_counts_from_when_the_hub_had_it_not_from_the_machines_history(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    technician = people["technician"]
    change_state(services, clock, "SMT1-REFLOW", "idle")
    clock.advance(30 * 24 * HOUR)  # a month of history before the plan arrives
    keep_plan(
        services, "PM-REFLOW-FANS", "SMT1-REFLOW", every_days=7, counts_from=clock.wall.isoformat()
    )
    assert services.maintenance.open_due(technician) == []
    clock.advance(7 * 24 * HOUR - 60)
    assert services.maintenance.open_due(technician) == []
    clock.advance(120)
    [opened] = services.maintenance.open_due(technician)
    assert opened.equipment == "SMT1-REFLOW"


def test_a_plan_by_units_counts_good_units_reported_at_its_work_center(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    operator = people["operator"]
    keep_plan(services, "PM-REFLOW-FLUX", "SMT1-REFLOW", every_units=100)
    keep_plan(services, "PM-SCREW-BITS", "ASM1-SCREW", every_units=100)
    change_state(services, clock, "SMT1-REFLOW", "running")
    change_state(services, clock, "ASM1-SCREW", "running")
    clock.advance(60)
    reflow = started(services, 32, 20, operator)  # MC-200 reflow at WC-SMT, no serials
    services.reports.report(reflow.operation_id, ReportRequest(60, 5, "SOLDER", False), operator)
    assert services.maintenance.open_due(operator) == []  # 60 good; scrap does not count
    services.reports.report(reflow.operation_id, ReportRequest(40, 0, None, False), operator)
    [opened] = services.maintenance.open_due(operator)
    # The demo's chain plan (5000 units) waits; WC-ASM's screwdriver has built nothing.
    assert (opened.equipment, opened.title) == ("SMT1-REFLOW", "Service")


def test_down_again_after_the_repair_is_a_new_breakdown_and_keeps_the_machine_down(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    maintain = services.maintenance
    technician, operator = people["technician"], people["operator"]
    first = breaks_down(services, clock, "SMT1-PNP")
    maintain.claim(first, technician)
    maintain.record(first, REPAIR, technician)
    services.equipment.change("SMT1-PNP", MachineState.RUNNING, "", technician)
    clock.advance(600)
    changed = services.equipment.change("SMT1-PNP", MachineState.DOWN, "BREAKDOWN", operator)
    assert changed.maintenance_order is not None  # a second order for the second breakdown
    maintain.confirm(first, operator)  # the first repair is confirmed all the same...
    assert state_of(services, "SMT1-PNP")[0] == "down"  # ...and the machine stays down
    assert [o.status for o in maintain.open_orders("en")] == [OrderStatus.OPEN]


def test_an_order_from_an_exception_counts_downtime_from_the_machine_going_down(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    maintain = services.maintenance
    technician, operator, lead = people["technician"], people["operator"], people["lead"]
    services.equipment.change("SMT1-PNP", MachineState.RUNNING, "", operator)
    with services.store.write() as session:
        what = Raise("equipment", "high", "WC-SMT", "vacuum low", "SMT1-PNP")
        exception = raise_in(session, services.store.outbox, clock, "ST-TEST", what, None)
    order = maintain.open_from_exception(exception.id, operator)  # it still runs, for now
    clock.advance(300)
    services.equipment.change("SMT1-PNP", MachineState.DOWN, "BREAKDOWN", operator)
    clock.advance(1200)
    maintain.claim(order.order_id, technician)
    # Only its technician (or the order's confirmation) takes it out of maintenance.
    assert (
        refused(services.equipment.change, "SMT1-PNP", MachineState.RUNNING, "", operator)
        is Refusal.IN_MAINTENANCE
    )
    maintain.record(order.order_id, REPAIR, technician)
    clock.advance(600)
    closed = maintain.confirm(order.order_id, lead)
    assert closed.downtime_seconds == 1800  # from the down state, not from the exception
    assert state_of(services, "SMT1-PNP")[0] == "idle"
    quality = signed_in(services, "E1008")  # a QC inspector runs no machine
    assert refused(maintain.open_from_exception, exception.id, quality) is Refusal.NOT_PERMITTED


def test_a_breakdown_is_titled_by_its_stop_reason_in_the_readers_language(
    services: Services, people: dict[str, SignedIn]
) -> None:
    kevin = people["operator"]  # works in English
    services.equipment.change("SMT1-REFLOW", MachineState.DOWN, "BREAKDOWN", kevin)
    [chinese] = services.maintenance.open_orders("zh_CN")
    [english] = services.maintenance.open_orders("en")
    assert (chinese.title, english.title) == ("设备故障", "Breakdown")
