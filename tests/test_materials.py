"""Material verification against the demo plant's pick lists, lots and people."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import interpret
from kiosk.identity import SignedIn
from kiosk.material_check import LabelProblem, MaterialVerdict, OverrideReason, Verification
from kiosk.services import Services
from kiosk.store.models import Event, MaterialLoad, MaterialLot, Operation
from kiosk.work import LotStatus, Refusal, Refused, Task
from tests.conftest import TODAY

BARCODES = BarcodeSection()


def signed_in(services: Services, badge: str, pin: str | None = None) -> SignedIn:
    result = services.auth.badge_and_pin(badge, pin) if pin else services.auth.badge(badge)
    assert result.user is not None, result.outcome
    return result.user


def smt_task(services: Services) -> Task:
    """The SMT placement of the MC200 order: six components."""
    return next(
        t
        for t in services.tasks.open_tasks()
        if t.item_code == "FG-MC200" and t.seq == 10 and t.status == "pending"
    )


def lot_of(services: Services, item_code: str, status: LotStatus = LotStatus.RELEASED) -> str:
    with services.store.read() as session:
        lots = session.exec(
            select(MaterialLot).where(
                MaterialLot.item_code == item_code, MaterialLot.status == status
            )
        ).all()
    return sorted(lot.lot_no for lot in lots)[-1]  # the newest


def label(part: str, lot: str, qty: int = 100) -> str:
    return f"(240){part}(10){lot}(30){qty}"


def verify(services: Services, task: Task, who: SignedIn, text: str) -> Verification:
    return services.materials.verify(task.operation_id, interpret(text, None, BARCODES), who)


def verified_events(services: Services) -> list[dict[str, object]]:
    with services.store.read() as session:
        rows = session.exec(
            select(Event).where(Event.type == "material.verified").order_by(col(Event.seq))
        ).all()
    return [json.loads(row.payload) for row in rows]


def test_the_pick_list_is_quantity_per_unit_times_the_planned_quantity(
    services: Services,
) -> None:
    task = smt_task(services)
    lines = {line.item_code: line for line in services.materials.pick_list(task.operation_id)}
    assert lines["CAP-0402-104"].qty_required == 24 * task.qty_planned
    assert lines["SP-SAC305"].qty_required == pytest.approx(0.6 * task.qty_planned)
    assert {line.qty_loaded for line in lines.values()} == {0.0}


def test_every_verdict_is_committed_with_its_event(services: Services) -> None:
    task = smt_task(services)
    who = signed_in(services, "E1003")
    pcb = lot_of(services, "PCB-MC200-C")
    scans = {
        MaterialVerdict.OK: label("PCB-MC200-C", pcb, 500),
        MaterialVerdict.ALREADY_LOADED: label("PCB-MC200-C", pcb),
        MaterialVerdict.WRONG_PART: label(
            "PCB-GW310-B",
            lot_of(
                services,
                "PCB-MC200-C",
            ),
        ),
        MaterialVerdict.LOT_ON_HOLD: label(
            "IC-STM32F407", lot_of(services, "IC-STM32F407", LotStatus.ON_HOLD)
        ),
        MaterialVerdict.UNKNOWN_LOT: label("PCB-MC200-C", "L0000-9999"),
        MaterialVerdict.NOT_IN_BOM: label("CON-RJ45", lot_of(services, "CON-RJ45")),
        MaterialVerdict.LOT_EMPTY: label(
            "SP-SAC305", lot_of(services, "SP-SAC305", LotStatus.CONSUMED)
        ),
        MaterialVerdict.BAD_LABEL: "(240)PCB-MC200-C(30)100",  # no lot on it
    }
    for expected, text in scans.items():
        result = verify(services, task, who, text)
        assert result.verdict is expected, text
    garbage = verify(services, task, who, "%%%")
    assert garbage.verdict is MaterialVerdict.BAD_LABEL and garbage.detail
    # Every scan is on record, in order, refused ones too.
    assert [e["verdict"] for e in verified_events(services)] == [
        *(verdict.value for verdict in scans),
        "bad_label",
    ]
    # Only the OK loaded anything.
    lines = {line.item_code: line for line in services.materials.pick_list(task.operation_id)}
    assert lines["PCB-MC200-C"].qty_loaded == 500
    assert sum(line.qty_loaded for line in lines.values()) == 500


def test_an_expired_lot_is_refused_by_the_date_of_the_store_or_the_label(
    services: Services,
) -> None:
    task = smt_task(services)
    who = signed_in(services, "E1003")
    with services.store.read() as session:
        paste = session.exec(select(MaterialLot).where(MaterialLot.item_code == "SP-SAC305")).all()
    expired = next(lot for lot in paste if lot.expires_on and lot.expires_on < TODAY)
    result = verify(services, task, who, label("SP-SAC305", expired.lot_no))
    assert result.verdict is MaterialVerdict.EXPIRED
    assert result.detail == str(expired.expires_on)
    # A released lot whose own label says it expired yesterday is refused too.
    fresh = max(paste, key=lambda lot: lot.expires_on or TODAY)
    text = f"(240)SP-SAC305(10){fresh.lot_no}(17)261124(30)5"
    assert verify(services, task, who, text).verdict is MaterialVerdict.EXPIRED


def test_a_team_lead_overrides_a_held_lot_with_a_reason_recorded_as_its_own_event(
    services: Services,
) -> None:
    task = smt_task(services)
    operator = signed_in(services, "E1003")
    lead = signed_in(services, "E1009", "1357")
    held = lot_of(services, "IC-STM32F407", LotStatus.ON_HOLD)
    refused = verify(services, task, operator, label("IC-STM32F407", held, 50))
    assert refused.verdict is MaterialVerdict.LOT_ON_HOLD and refused.overridable
    # Another operator cannot override it.
    with pytest.raises(Refused) as caught:
        services.materials.override(refused, operator, OverrideReason.CONCESSION, operator)
    assert caught.value.reason is Refusal.NOT_PERMITTED
    done = services.materials.override(refused, lead, OverrideReason.CONCESSION, operator)
    assert done.verdict is MaterialVerdict.OK
    lines = {line.item_code: line for line in done.pick_list}
    assert lines["IC-STM32F407"].qty_loaded == 50
    with services.store.read() as session:
        [event] = session.exec(select(Event).where(Event.type == "material.overridden")).all()
        loads = session.exec(
            select(MaterialLoad).where(MaterialLoad.operation_id == task.operation_id)
        ).all()
    payload = json.loads(event.payload)
    assert payload["verdict"] == "lot_on_hold" and payload["reason"] == "concession"
    assert payload["approved_by"] == lead.user_id and event.user_id == operator.user_id
    assert payload["verified_event"] == refused.event_id
    assert [(load.lot_no, load.qty) for load in loads] == [(held, 50)]
    # The same refusal cannot be overridden twice, nor a label nobody could read.
    with pytest.raises(Refused):
        services.materials.override(refused, lead, OverrideReason.CONCESSION, operator)
    unreadable = verify(services, task, operator, "%%%")
    with pytest.raises(Refused) as caught:
        services.materials.override(unreadable, lead, OverrideReason.LABEL_WRONG, operator)
    assert caught.value.reason is Refusal.NOT_OVERRIDABLE


def test_only_open_operations_of_this_station_take_material(services: Services) -> None:
    who = signed_in(services, "E1003")
    with services.store.read() as session:
        elsewhere = session.exec(
            select(Operation).where(Operation.work_center == "WC-TEST")
        ).first()
    assert elsewhere is not None
    meaning = interpret(label("LBL-SN-3015", "L1"), None, BARCODES)
    with pytest.raises(Refused) as caught:
        services.materials.verify(elsewhere.id, meaning, who)
    assert caught.value.reason is Refusal.NOT_AT_THIS_STATION
    material_handler = signed_in(services, "E1006")
    with pytest.raises(Refused) as caught:
        services.materials.verify(smt_task(services).operation_id, meaning, material_handler)
    assert caught.value.reason is Refusal.NOT_PERMITTED


def test_a_scan_that_is_no_material_label_says_so_in_a_word_the_screen_translates(
    services: Services,
) -> None:
    operator = signed_in(services, "E1003")
    task = smt_task(services)
    services.tasks.start(task.operation_id, operator)
    unit = verify(services, task, operator, "SN2611004000001")
    no_lot = verify(services, task, operator, "(01)09501101530003(30)5")  # a GTIN, no lot
    assert (unit.verdict, unit.detail) == (
        MaterialVerdict.BAD_LABEL,
        LabelProblem.NOT_A_MATERIAL_LABEL,
    )
    assert (no_lot.verdict, no_lot.detail) == (MaterialVerdict.BAD_LABEL, LabelProblem.NO_LOT)
