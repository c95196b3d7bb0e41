"""Equipment states: reasons, refusals, a breakdown's maintenance order, the shift's times."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from kiosk.equipment_values import MachineState
from kiosk.identity import SignedIn
from kiosk.services import Services
from kiosk.shifts import shift_start
from kiosk.store.models import EquipmentState, Event, MaintenanceOrder
from kiosk.work import Refusal, Refused
from sync.events import read_payload
from tests.fakes import FakeClock
from tests.test_tasks import sign_in

SHIFTS = ["08:00", "20:00"]


def events(services: Services, event_type: str) -> list[dict[str, Any]]:
    with services.store.read() as session:
        rows = session.exec(
            select(Event).where(Event.type == event_type).order_by(col(Event.seq))
        ).all()
    for row in rows:
        read_payload(row.type, row.payload)  # what the hub would accept
    return [json.loads(row.payload) for row in rows]


def at_shift_start(clock: FakeClock, minutes: float = 0) -> None:
    """Put the wall clock `minutes` into the current shift (wherever the machine's zone)."""
    clock.set_wall(shift_start(clock.now(), SHIFTS) + timedelta(minutes=minutes))


@pytest.fixture
def operator(services: Services) -> SignedIn:
    return sign_in(services, "E1003")  # Kevin Chen, English


def test_station_equipment_and_stop_reasons_in_the_persons_language(
    services: Services, operator: SignedIn
) -> None:
    codes = [machine.code for machine in services.equipment.equipment()]
    assert codes == ["SMT1-PNP", "SMT1-REFLOW", "ASM1-SCREW"]  # not the tester: not here
    chinese = services.equipment.stop_reasons("zh_CN")  # the demo plant's list, by code
    assert [(r.code, r.name) for r in chinese][:3] == [
        ("BREAKDOWN", "设备故障"),
        ("CHANGEOVER", "换线换型"),
        ("NO_MATERIAL", "待料"),
    ]
    assert services.equipment.stop_reasons("en")[0].name == "Breakdown"


def test_a_stop_needs_a_reason_from_the_list_and_running_needs_none(
    services: Services, clock: FakeClock, operator: SignedIn
) -> None:
    equipment = services.equipment
    with pytest.raises(Refused) as refused:
        equipment.change("SMT1-PNP", MachineState.IDLE, "", operator)
    assert refused.value.reason is Refusal.STOP_REASON_NEEDED
    with pytest.raises(Refused) as refused:
        equipment.change("SMT1-PNP", MachineState.CHANGEOVER, "LUNCH", operator)
    assert refused.value.reason is Refusal.UNKNOWN_STOP_REASON
    assert events(services, "equipment.state_changed") == []

    equipment.change("SMT1-PNP", MachineState.RUNNING, "", operator)
    clock.advance(125)
    changed = equipment.change("SMT1-PNP", MachineState.CHANGEOVER, "CHANGEOVER", operator)
    assert (changed.previous, changed.maintenance_order) == ("running", None)
    first, second = events(services, "equipment.state_changed")
    assert first == first | {"state": "running", "previous": "", "reason": ""}
    assert second == second | {
        "equipment": "SMT1-PNP",
        "state": "changeover",
        "previous": "running",
        "reason": "CHANGEOVER",
        "seconds_in_previous": 125.0,
    }
    with services.store.read() as session:
        rows = session.exec(select(EquipmentState)).all()
    assert {row.user_id for row in rows} == {operator.user_id}


def test_same_state_unknown_equipment_and_people_who_may_not_are_refused(
    services: Services, operator: SignedIn
) -> None:
    equipment = services.equipment
    equipment.change("SMT1-PNP", MachineState.RUNNING, "", operator)
    cases = [
        (("SMT1-PNP", MachineState.RUNNING, "", operator), Refusal.SAME_STATE),
        (("TST1-FCT", MachineState.RUNNING, "", operator), Refusal.UNKNOWN_EQUIPMENT),
        (("NOPE", MachineState.RUNNING, "", operator), Refusal.UNKNOWN_EQUIPMENT),
        # Maintenance is the technician's to enter; an operator calls one by "down".
        (("SMT1-PNP", MachineState.MAINTENANCE, "", operator), Refusal.NOT_PERMITTED),
        (
            ("SMT1-PNP", MachineState.IDLE, "NO_MATERIAL", sign_in(services, "E1008")),
            Refusal.NOT_PERMITTED,
        ),
    ]
    for args, reason in cases:
        with pytest.raises(Refused) as refused:
            equipment.change(*args)
        assert refused.value.reason is reason
    assert len(events(services, "equipment.state_changed")) == 1
    technician = sign_in(services, "E1011")
    assert equipment.change("SMT1-PNP", MachineState.MAINTENANCE, "", technician).previous


def test_down_opens_one_corrective_order_in_the_same_transaction(
    services: Services, clock: FakeClock, operator: SignedIn
) -> None:
    equipment = services.equipment
    equipment.change("SMT1-REFLOW", MachineState.RUNNING, "", operator)
    down = equipment.change("SMT1-REFLOW", MachineState.DOWN, "BREAKDOWN", operator)
    assert down.maintenance_order is not None and down.maintenance_order.startswith("MO-")
    # Back up and down again while the order is still open: no second order.
    equipment.change("SMT1-REFLOW", MachineState.IDLE, "NO_MATERIAL", operator)
    again = equipment.change("SMT1-REFLOW", MachineState.DOWN, "NO_MATERIAL", operator)
    assert again.maintenance_order is None
    with services.store.read() as session:
        orders = session.exec(select(MaintenanceOrder)).all()
        first_down = session.exec(
            select(EquipmentState).where(EquipmentState.state == "down").limit(1)
        ).one()
    [order] = orders
    assert (order.number, order.kind, order.equipment) == (
        down.maintenance_order,
        "corrective",
        "SMT1-REFLOW",
    )
    assert (order.title, order.status, order.down_state_id) == ("Breakdown", "open", first_down.id)
    [opened] = events(services, "maintenance.opened")
    assert opened["number"] == down.maintenance_order
    # The order and the state change are one commit: their events are neighbours.
    with services.store.read() as session:
        types = [e.type for e in session.exec(select(Event).order_by(col(Event.seq))).all()]
    at = types.index("maintenance.opened")
    assert types[at - 1] == "equipment.state_changed"


def test_the_shift_summary_counts_each_state_and_availability(
    services: Services, clock: FakeClock, operator: SignedIn
) -> None:
    at_shift_start(clock, minutes=-30)  # the machine runs into the shift from the last one
    equipment = services.equipment
    equipment.change("SMT1-PNP", MachineState.RUNNING, "", operator)
    clock.advance(40 * 60)  # 10 minutes into the shift
    equipment.change("SMT1-PNP", MachineState.IDLE, "NO_MATERIAL", operator)
    clock.advance(15 * 60)
    equipment.change("SMT1-PNP", MachineState.RUNNING, "", operator)
    clock.advance(35 * 60)  # one hour into the shift
    summary = {s.equipment.code: s for s in equipment.shift_summary("en")}
    pnp = summary["SMT1-PNP"]
    assert pnp.state is MachineState.RUNNING
    assert pnp.seconds == {"running": 2700.0, "idle": 900.0}
    assert pnp.shift_seconds == 3600.0
    assert pnp.availability == pytest.approx(0.75)
    assert pnp.seconds_in_state == 2100.0
    # A machine with no state yet: nothing to show, not 0 %.
    reflow = summary["SMT1-REFLOW"]
    assert (reflow.state, reflow.availability, reflow.seconds) == (None, None, {})
    # The stop's reason is named in the person's language while it lasts.
    equipment.change("SMT1-PNP", MachineState.WAITING_MATERIAL, "NO_MATERIAL", operator)
    assert equipment.shift_summary("zh_CN")[0].reason == "待料"


def test_a_clock_set_back_mid_shift_neither_shortens_nor_doubles_a_state(
    services: Services, clock: FakeClock, operator: SignedIn
) -> None:
    at_shift_start(clock)
    equipment = services.equipment
    equipment.change("SMT1-PNP", MachineState.RUNNING, "", operator)
    clock.advance(3600)
    clock.set_wall(clock.now() - timedelta(minutes=45))  # someone sets the clock back
    equipment.change("SMT1-PNP", MachineState.DOWN, "BREAKDOWN", operator)
    clock.advance(600)
    [pnp] = [s for s in equipment.shift_summary("en") if s.equipment.code == "SMT1-PNP"]
    # The state has lasted what the monotonic clock says, whatever the wall clock shows.
    assert pnp.seconds_in_state == 600.0
    assert all(seconds >= 0 for seconds in pnp.seconds.values())
    assert sum(pnp.seconds.values()) == pytest.approx(pnp.shift_seconds)  # none twice
    _, down = events(services, "equipment.state_changed")
    assert down["seconds_in_previous"] == 3600.0  # not 3600 - 45 minutes
    clock.set_wall(clock.now() + timedelta(minutes=45))  # NTP puts it right again
    [pnp] = [s for s in equipment.shift_summary("en") if s.equipment.code == "SMT1-PNP"]
    assert pnp.seconds == {"running": 3600.0, "down": 600.0}
    assert pnp.availability == pytest.approx(3600 / 4200)


def test_a_new_shift_counts_only_its_own_time(
    services: Services, clock: FakeClock, operator: SignedIn
) -> None:
    at_shift_start(clock, minutes=11 * 60)  # an hour before the next shift
    equipment = services.equipment
    equipment.change("SMT1-PNP", MachineState.DOWN, "BREAKDOWN", operator)
    clock.advance(90 * 60)  # half an hour into the next shift
    [pnp, *_] = equipment.shift_summary("en")
    assert (pnp.seconds, pnp.shift_seconds, pnp.availability) == ({"down": 1800.0}, 1800.0, 0.0)
    assert pnp.seconds_in_state == 5400.0
