"""Traceability from the station's own store: a unit's history, and the units built from a lot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import select

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import interpret
from kiosk.i18n import CATALOG
from kiosk.ids import new_id
from kiosk.services import Services
from kiosk.store.models import (
    Item,
    MaterialLoad,
    MaterialLot,
    MaterialPick,
    Operation,
    SerialUnit,
    User,
    WorkOrder,
    WorkReport,
)
from kiosk.trace_values import (
    BuiltUnit,
    LotTrace,
    LotUsed,
    SerialTrace,
    TraceMiss,
    TraceMissReason,
)
from kiosk.work import LotStatus
from tests.fakes import FakeClock
from tests.test_materials import lot_of, signed_in

BARCODES = BarcodeSection()
T0 = FakeClock().now()


def operation(services: Services, order: int, seq: int) -> Operation:
    """Operation `seq` of demo work order WO-2611-<order>."""
    with services.store.read() as session:
        return session.exec(
            select(Operation)
            .join(WorkOrder)
            .where(WorkOrder.number == f"WO-2611-{order:04d}", Operation.seq == seq)
        ).one()


def user_id(services: Services, employee_no: str) -> str:
    with services.store.read() as session:
        return session.exec(select(User).where(User.employee_no == employee_no)).one().id


def bind(
    services: Services,
    sn: str,
    op: Operation,
    at: datetime,
    by: str = "208127",  # 李强
    equipment: str = "SMT1-PNP, SMT1-REFLOW",
    scrapped: bool = False,
) -> None:
    unit = SerialUnit(
        id=new_id(),
        sn=sn,
        operation_id=op.id,
        work_order_id=op.work_order_id,
        equipment=equipment,
        bound_at=at,
        user_id=user_id(services, by),
        scrapped=scrapped,
    )
    with services.store.write() as session:
        session.add(unit)


def load(
    services: Services,
    lot_no: str,
    op: Operation,
    at: datetime,
    item_code: str = "",
    by: str = "209041",  # Kevin Chen
) -> None:
    with services.store.write() as session:
        lot = session.exec(select(MaterialLot).where(MaterialLot.lot_no == lot_no)).first()
        session.add(
            MaterialLoad(
                id=new_id(),
                operation_id=op.id,
                lot_no=lot_no,
                item_code=item_code or (lot.item_code if lot else ""),
                qty=100,
                loaded_at=at,
                user_id=user_id(services, by),
            )
        )


def lot_row(services: Services, lot_no: str) -> MaterialLot:
    with services.store.read() as session:
        return session.exec(select(MaterialLot).where(MaterialLot.lot_no == lot_no)).one()


def pcb_lots(services: Services) -> list[str]:
    """The demo's two released MC-200 board lots, older first."""
    with services.store.read() as session:
        lots = session.exec(
            select(MaterialLot.lot_no).where(
                MaterialLot.item_code == "PCB-MC200-C", MaterialLot.status == LotStatus.RELEASED
            )
        ).all()
    return sorted(lots)


def item_description(services: Services, code: str) -> str:
    with services.store.read() as session:
        item = session.get(Item, code)
    assert item is not None
    return item.description


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def test_a_unit_shows_each_operation_it_went_through_oldest_first(services: Services) -> None:
    placement, reflow, ict = (operation(services, 46, seq) for seq in (10, 20, 30))
    pcb, ic = lot_of(services, "PCB-MC200-C"), lot_of(services, "IC-STM32F407")
    labels = lot_of(services, "LBL-SN-3015")
    services.tasks.start(placement.id, signed_in(services, "E1003"))  # Kevin Chen, at T0
    load(services, pcb, placement, minutes(5), by="208113")  # 张丽
    load(services, ic, placement, minutes(6), by="208113")
    with services.store.write() as session:
        report = WorkReport(
            id=new_id(),
            operation_id=placement.id,
            good=600,
            scrap=0,
            final=True,
            labour_seconds=3000,
            reported_at=minutes(50),
        )
        session.add(report)
    bind(services, "SN00460001", reflow, minutes(60), equipment="SMT1-REFLOW")
    load(services, labels, ict, minutes(90))  # the unit has not been there: not its history

    trace = services.trace.serial("SN00460001")

    assert trace is not None
    placed, reflowed = trace.steps
    assert (placed.work_order, placed.seq, placed.operation, placed.work_center) == (
        "WO-2611-0046",
        10,
        "SMT placement 贴片",
        "WC-SMT",
    )
    assert placed.item_code == "FG-MC200"
    assert placed.bound_at is None  # the board had no SN yet
    assert (placed.operator, placed.employee_no) == ("Kevin Chen", "209041")  # who started it
    assert (placed.started_at, placed.finished_at) == (T0, minutes(50))
    pcb_lot, ic_lot = lot_row(services, pcb), lot_row(services, ic)
    assert placed.lots == (
        LotUsed(pcb, "PCB-MC200-C", 100, pcb_lot.supplier, "released"),
        LotUsed(ic, "IC-STM32F407", 100, ic_lot.supplier, "released"),
    )
    assert (reflowed.seq, reflowed.bound_at) == (20, minutes(60))
    assert (reflowed.operator, reflowed.employee_no) == ("李强", "208127")  # who scanned it
    assert reflowed.equipment == "SMT1-REFLOW"
    assert reflowed.lots == ()
    assert (reflowed.started_at, reflowed.finished_at) == (None, None)


def test_a_lot_shows_every_unit_built_from_it_in_two_work_orders(services: Services) -> None:
    older, pcb = pcb_lots(services)
    first, second = operation(services, 46, 10), operation(services, 42, 10)
    load(services, pcb, first, minutes(1))
    load(services, pcb, second, minutes(2))
    load(services, older, operation(services, 37, 10), minutes(3))
    bind(services, "SN00460001", operation(services, 46, 20), minutes(30))
    bind(services, "SN00460002", operation(services, 46, 20), minutes(31))
    bind(services, "SN00420001", second, minutes(20))  # scanned where the lot was loaded
    bind(services, "SN00420001", operation(services, 42, 20), minutes(40))
    bind(services, "SN00370001", operation(services, 37, 20), minutes(41))  # another lot's
    with services.store.write() as session:
        for order, delivered in ((first.work_order_id, True), (second.work_order_id, False)):
            session.add(
                MaterialPick(
                    id=new_id(),
                    work_order_id=order,
                    lot_no=pcb,
                    item_code="PCB-MC200-C",
                    qty=300,
                    picked_at=minutes(-60 if delivered else -50),
                    delivered_to="WC-SMT" if delivered else None,
                    delivered_at=minutes(-30) if delivered else None,
                )
            )

    trace = services.trace.lot(pcb)

    assert trace is not None
    known = lot_row(services, pcb)
    assert (trace.item_code, trace.supplier, trace.status, trace.expires_on) == (
        "PCB-MC200-C",
        known.supplier,
        "released",
        known.expires_on,
    )
    assert trace.item_description == item_description(services, "PCB-MC200-C")
    first_load, second_load = trace.loads
    assert (first_load.work_order, first_load.seq, first_load.loaded_at) == (
        "WO-2611-0046",
        10,
        minutes(1),
    )
    assert first_load.units == (
        BuiltUnit("SN00460001", 20, minutes(30), False),
        BuiltUnit("SN00460002", 20, minutes(31), False),
    )
    assert second_load.work_order == "WO-2611-0042"
    assert second_load.units == (BuiltUnit("SN00420001", 10, minutes(20), False),)  # its first scan
    assert trace.serials == ("SN00460001", "SN00460002", "SN00420001")
    picked, waiting = trace.picks
    assert (picked.work_order, picked.delivered_to, picked.delivered_at) == (
        "WO-2611-0046",
        "WC-SMT",
        minutes(-30),
    )
    assert (waiting.work_order, waiting.delivered_to) == ("WO-2611-0042", None)


def test_a_lot_loaded_at_two_operations_names_each_unit_once(services: Services) -> None:
    screws = lot_of(services, "SCR-M3X8")
    placement, reflow, ict = (operation(services, 46, seq) for seq in (10, 20, 30))
    load(services, screws, placement, minutes(1))
    load(services, screws, ict, minutes(50))
    bind(services, "SN00460001", reflow, minutes(10))
    bind(services, "SN00460002", reflow, minutes(11))
    bind(services, "SN00460001", ict, minutes(60))

    trace = services.trace.lot(screws)

    assert trace is not None
    at_placement, at_ict = trace.loads
    assert [unit.sn for unit in at_placement.units] == ["SN00460001", "SN00460002"]
    # SN00460002 has not been to the test yet: the lot loaded there is not claimed for it.
    assert at_ict.units == (BuiltUnit("SN00460001", 30, minutes(60), False),)
    assert trace.serials == ("SN00460001", "SN00460002")
    unit = services.trace.serial("SN00460001")
    assert unit is not None
    assert [(step.seq, [lot.lot_no for lot in step.lots]) for step in unit.steps] == [
        (10, [screws]),
        (20, []),
        (30, [screws]),
    ]
    # Nobody started the placement here: who loaded its lots worked it.
    assert unit.steps[0].operator == "Kevin Chen"


def linked(services: Services, lots: list[str], sns: list[str]) -> set[tuple[str, str, str]]:
    """(lot, work order · seq, unit) linked by the lots' units, of these units (the demo's
    own history uses some of the lots); the same as the units' lots."""
    by_lot = set()
    for lot_no in lots:
        lot = services.trace.lot(lot_no)
        assert lot is not None
        by_lot |= {
            (lot_no, f"{load.work_order} · {load.seq}", unit.sn)
            for load in lot.loads
            for unit in load.units
            if unit.sn in sns
        }
    by_unit = set()
    for sn in sns:
        history = services.trace.serial(sn)
        assert history is not None
        by_unit |= {
            (lot.lot_no, f"{step.work_order} · {step.seq}", sn)
            for step in history.steps
            for lot in step.lots
        }
    assert by_lot == by_unit
    return by_lot


def test_a_lot_loaded_after_a_unit_passed_its_operation_is_not_claimed_for_it(
    services: Services,
) -> None:
    pcb = lot_of(services, "PCB-MC200-C")
    placement, reflow, ict = (operation(services, 46, seq) for seq in (10, 20, 30))
    bind(services, "SN00460001", reflow, minutes(10))
    bind(services, "SN00460001", ict, minutes(600))  # a later scan: it had passed by +10
    bind(services, "SN00460002", reflow, minutes(510))
    load(services, pcb, placement, minutes(500))

    assert linked(services, [pcb], ["SN00460001", "SN00460002"]) == {
        (pcb, "WO-2611-0046 · 10", "SN00460002")
    }


def test_a_reel_change_ends_the_old_reel_for_units_scanned_after_it(services: Services) -> None:
    old, new = pcb_lots(services)
    ic, screws = lot_of(services, "IC-STM32F407"), lot_of(services, "SCR-M3X8")
    placement, reflow, ict = (operation(services, 46, seq) for seq in (10, 20, 30))
    load(services, old, placement, minutes(0))
    load(services, ic, placement, minutes(0))  # another item: no reel change for it
    load(services, new, placement, minutes(30))  # the PCB reel changed
    load(services, screws, ict, minutes(50))
    load(services, old, operation(services, 42, 10), minutes(40))  # another work order's
    bind(services, "SN00460001", reflow, minutes(10))
    bind(services, "SN00460001", ict, minutes(60))
    bind(services, "SN00460002", reflow, minutes(30))  # at the change: the new reel
    bind(services, "SN00460003", reflow, minutes(45))
    bind(services, "SN00460003", ict, minutes(46))  # before the screws were loaded
    bind(services, "SN00420001", operation(services, 42, 20), minutes(41))

    units = ["SN00460001", "SN00460002", "SN00460003", "SN00420001"]
    assert linked(services, [old, new, ic, screws], units) == {
        (old, "WO-2611-0046 · 10", "SN00460001"),
        (ic, "WO-2611-0046 · 10", "SN00460001"),
        (screws, "WO-2611-0046 · 30", "SN00460001"),
        (new, "WO-2611-0046 · 10", "SN00460002"),
        (ic, "WO-2611-0046 · 10", "SN00460002"),
        (new, "WO-2611-0046 · 10", "SN00460003"),
        (ic, "WO-2611-0046 · 10", "SN00460003"),
        (old, "WO-2611-0042 · 10", "SN00420001"),
    }


def test_a_scrapped_unit_says_so_in_its_history_and_among_a_lots_units(
    services: Services,
) -> None:
    pcb = lot_of(services, "PCB-MC200-C")
    placement, reflow, ict = (operation(services, 46, seq) for seq in (10, 20, 30))
    load(services, pcb, placement, minutes(0))
    bind(services, "SN00460001", reflow, minutes(10))
    bind(services, "SN00460001", ict, minutes(20), scrapped=True)
    bind(services, "SN00460002", reflow, minutes(11))

    unit = services.trace.serial("SN00460001")
    lot = services.trace.lot(pcb)

    assert unit is not None
    assert [(step.seq, step.scrapped) for step in unit.steps] == [
        (10, False),
        (20, False),
        (30, True),
    ]
    assert lot is not None
    assert lot.loads[0].units == (
        BuiltUnit("SN00460001", 20, minutes(10), True),  # built at placement, scrapped at test
        BuiltUnit("SN00460002", 20, minutes(11), False),
    )


def test_a_lot_loaded_on_an_override_is_traced_without_a_lot_record(services: Services) -> None:
    placement = operation(services, 46, 10)
    load(services, "L9999-0001", placement, minutes(1), item_code="PCB-MC200-C")
    bind(services, "SN00460001", placement, minutes(2))

    trace = services.trace.lot("L9999-0001")

    assert trace is not None
    assert (trace.item_code, trace.status, trace.supplier, trace.expires_on) == (
        "PCB-MC200-C",
        None,
        "",
        None,
    )
    # The item is known even when the lot is not.
    assert trace.item_description == item_description(services, "PCB-MC200-C")
    assert trace.serials == ("SN00460001",)
    unit = services.trace.serial("SN00460001")
    assert unit is not None
    assert unit.steps[0].lots == (LotUsed("L9999-0001", "PCB-MC200-C", 100, "", None),)


def test_unknown_serials_and_lots_are_not_known_here_and_say_why(services: Services) -> None:
    pcb = lot_of(services, "PCB-MC200-C")
    trace = services.trace

    assert trace.serial("SN99999999") is None
    assert trace.lot("L0000-0000") is None
    misses = {
        "SN99999999": TraceMiss(TraceMissReason.UNKNOWN_SERIAL, "SN99999999"),
        "(240)PCB-MC200-C(10)L0000-0000(30)5": TraceMiss(TraceMissReason.UNKNOWN_LOT, "L0000-0000"),
        "(01)09506000134352(30)5": TraceMiss(TraceMissReason.NO_LOT, "09506000134352"),
        "E1003": TraceMiss(TraceMissReason.NOT_TRACEABLE, ""),
    }
    for scan, miss in misses.items():
        assert trace.scanned(scan, interpret(scan, None, BARCODES)) == miss, scan
    garbage = trace.scanned("%%%", interpret("%%%", None, BARCODES))
    assert isinstance(garbage, TraceMiss)
    assert garbage.reason is TraceMissReason.NOT_UNDERSTOOD
    assert "matches no supplier format" in garbage.subject  # the parser's own reason
    assert trace.typed(" nothing ", interpret("nothing", None, BARCODES)) == TraceMiss(
        TraceMissReason.NOT_FOUND, "nothing"
    )
    # A lot in the lot list that no operation here has loaded yet: known, no units.
    unused = trace.lot(pcb)
    assert isinstance(unused, LotTrace)
    assert (unused.loads, unused.picks, unused.serials) == ((), (), ())


def test_scans_and_typed_text_find_the_unit_or_the_lot(services: Services) -> None:
    pcb = lot_of(services, "PCB-MC200-C")
    placement = operation(services, 46, 10)
    load(services, pcb, placement, minutes(1))
    bind(services, "SN00460001", placement, minutes(2))
    trace = services.trace

    def scanned(text: str) -> object:
        return trace.scanned(text, interpret(text, None, BARCODES))

    def typed(text: str) -> object:
        return trace.typed(text, interpret(text, None, BARCODES))

    label = f"(240)PCB-MC200-C(10){pcb}(30)500"
    for answer in (scanned("SN00460001"), typed("SN00460001")):
        assert isinstance(answer, SerialTrace)
        assert answer.sn == "SN00460001"
    # A GS1 label, a bare lot barcode in no known format, a lot typed or its label typed.
    for answer in (scanned(label), scanned(pcb), typed(pcb), typed(label)):
        assert isinstance(answer, LotTrace)
        assert (answer.lot_no, answer.serials) == (pcb, ("SN00460001",))


@contextmanager
def statements(services: Services) -> Iterator[list[tuple[str, Any]]]:
    """The SQL the store runs meanwhile, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        seen.append((sql, params))

    event.listen(services.store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(services.store.engine, "before_cursor_execute", record)


def test_thousands_of_units_are_traced_by_index(services: Services) -> None:
    pcb = lot_of(services, "PCB-MC200-C")
    orders = [operation(services, order, 10) for order in (46, 42)]
    for op in orders:
        load(services, pcb, op, minutes(-1))
    with services.store.write() as session:
        session.add_all(
            SerialUnit(
                id=new_id(),
                sn=f"SN{n:08d}",
                operation_id=orders[n % 2].id,
                work_order_id=orders[n % 2].work_order_id,
                bound_at=minutes(n),
            )
            for n in range(3000)
        )

    with statements(services) as seen:
        lot = services.trace.lot(pcb)
        unit = services.trace.serial("SN00002999")

    assert lot is not None
    assert [len(load.units) for load in lot.loads] == [1500, 1500]
    assert len(lot.serials) == 3000
    assert unit is not None
    assert [step.bound_at for step in unit.steps] == [minutes(2999)]
    plans = []
    with services.store.engine.connect() as conn:
        for sql, params in seen:
            if sql.lstrip().upper().startswith("SELECT"):
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
                plans += [str(row[-1]) for row in rows]
    scans = [plan for plan in plans if plan.startswith("SCAN ")]
    assert scans == [], plans


def test_every_miss_and_lot_status_has_words() -> None:
    keys = [f"trace.miss.{reason.value}" for reason in TraceMissReason] + [
        f"trace.lot.{status.value}" for status in LotStatus
    ]
    assert [key for key in keys if key not in CATALOG] == []
