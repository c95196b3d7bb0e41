"""Material handling against the demo plant: pick lists and shortages, every verdict of
pick, deliver and receive, who may do it, and each accepted scan's row with its event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from kiosk.barcodes.formats import BarcodeSection, SupplierFormat
from kiosk.handling_values import HandlingResult, HandlingVerdict, OrderPicking
from kiosk.i18n import CATALOG
from kiosk.identity import SignedIn
from kiosk.material_check import LabelProblem
from kiosk.material_handling import MaterialHandlingService
from kiosk.services import Services
from kiosk.store.models import Event, GoodsReceipt, MaterialLot, MaterialPick, WorkOrder
from kiosk.work import LotStatus, Refusal, Refused, WorkOrderStatus
from sync.events import GoodsReceived, MaterialDelivered, MaterialPicked, read_payload
from tests.conftest import TODAY
from tests.fakes import FakeClock
from tests.test_materials import label, lot_of, signed_in

BARCODES = BarcodeSection()
V = HandlingVerdict


def number(serial: int) -> str:
    return f"WO-{TODAY:%y%m}-{serial:04d}"


def order(services: Services, serial: int) -> OrderPicking:
    return next(o for o in services.handling.work_orders() if o.number == number(serial))


def handler(services: Services) -> SignedIn:
    return signed_in(services, "E1007")  # Lisa Wang, material handler


def pick(services: Services, serial: int, text: str) -> HandlingResult:
    work_order_id = order(services, serial).work_order_id
    return services.handling.pick(work_order_id, text, None, BARCODES, handler(services))


def deliver(services: Services, text: str) -> HandlingResult:
    return services.handling.deliver(text, None, BARCODES, handler(services))


def receive(services: Services, text: str, symbology: str | None = None) -> HandlingResult:
    return services.handling.receive(text, symbology, BARCODES, handler(services))


def events(services: Services, event_type: str) -> list[Event]:
    with services.store.read() as session:
        return list(
            session.exec(select(Event).where(Event.type == event_type).order_by(col(Event.seq)))
        )


def rows(services: Services, model: Any) -> list[Any]:
    with services.store.read() as session:
        return list(session.exec(select(model)).all())


def test_work_orders_are_the_released_ones_with_an_operation_here(
    services: Services, clock: FakeClock
) -> None:
    numbers = [o.number for o in services.handling.work_orders()]
    assert number(46) in numbers and number(31) in numbers
    assert number(49) not in numbers  # cancelled
    assert number(28) not in numbers  # closed
    # A station at final assembly alone picks for the orders assembled there only.
    assembly = MaterialHandlingService(services.store, clock, ["WC-ASM"])
    items = {o.item_code for o in assembly.work_orders()}
    assert items == {"FG-GW310", "FG-CB200"}


def test_the_pick_list_sums_the_operations_and_marks_what_stock_cannot_cover(
    services: Services,
) -> None:
    big = order(services, 42)  # 1,000 MC200: 600 g of paste; 500 g released and unexpired
    lines = {line.item_code: line for line in services.handling.pick_list(big.work_order_id)}
    assert lines["CAP-0402-104"].qty_required == 24 * 1000
    assert lines["LBL-SN-3015"].qty_required == 1000  # from the test operation
    paste = lines["SP-SAC305"]
    assert paste.qty_required == pytest.approx(600) and paste.qty_available == 500
    assert paste.short and not lines["CAP-0402-104"].short
    assert big.short and big.items_short == 1 and big.items == 7 and big.items_picked == 0
    assert not order(services, 46).short  # 600 boards: 360 g of paste


def test_a_pick_for_one_order_takes_its_stock_from_the_others(services: Services) -> None:
    paste = lot_of(services, "SP-SAC305")  # the one usable 500 g lot
    assert not order(services, 37).short  # 800 boards need 480 g
    result = pick(services, 46, label("SP-SAC305", paste, 450))
    assert result.verdict is V.PICKED and result.qty == 450
    lines = {line.item_code: line for line in result.lines}
    assert lines["SP-SAC305"].qty_picked == 450 and lines["SP-SAC305"].qty_to_pick == 0
    assert order(services, 46).items_picked == 1
    assert order(services, 37).short  # 50 g are left for it
    # The rest of the lot is what a label without a quantity takes, for another order.
    rest = pick(services, 37, f"(240)SP-SAC305(10){paste}")
    assert rest.verdict is V.PICKED and rest.qty == 50
    # And nothing is left for a third.
    assert pick(services, 42, label("SP-SAC305", paste, 10)).verdict is V.LOT_EMPTY


def test_every_pick_verdict_and_only_an_ok_is_recorded(services: Services) -> None:
    pcb = lot_of(services, "PCB-MC200-C")
    scans = {
        V.PICKED: label("PCB-MC200-C", pcb, 500),
        V.ALREADY_PICKED: label("PCB-MC200-C", pcb),
        V.WRONG_PART: label("PCB-GW310-B", pcb),
        V.NOT_IN_PICK_LIST: label("CON-RJ45", lot_of(services, "CON-RJ45")),
        V.LOT_ON_HOLD: label("IC-STM32F407", lot_of(services, "IC-STM32F407", LotStatus.ON_HOLD)),
        V.EXPIRED: label("SP-SAC305", expired_lot(services, "SP-SAC305")),
        V.UNKNOWN_LOT: label("PCB-MC200-C", "L0000-9999"),
        V.LOT_EMPTY: label("SP-SAC305", lot_of(services, "SP-SAC305", LotStatus.CONSUMED)),
        V.BAD_LABEL: "(240)PCB-MC200-C(30)100",  # no lot on it
    }
    results = {expected: pick(services, 46, text) for expected, text in scans.items()}
    assert {expected: r.verdict for expected, r in results.items()} == {v: v for v in scans}
    assert results[V.WRONG_PART].detail == "PCB-GW310-B"
    assert "lot (10)" in results[V.BAD_LABEL].detail  # the parser's reason
    garbage = pick(services, 46, "%%%")
    assert garbage.verdict is V.BAD_LABEL and garbage.detail  # the parser's reason
    # The OK is one row and one event, committed together; refusals wrote nothing.
    [row] = rows(services, MaterialPick)
    assert (row.lot_no, row.qty, row.picked_by) == (pcb, 500, handler(services).user_id)
    [event] = events(services, "material.picked")
    assert event.id == results[V.PICKED].event_id
    payload = read_payload(event.type, event.payload)
    assert payload == MaterialPicked(row.work_order_id, number(46), pcb, "PCB-MC200-C", 500)
    assert [r.event_id for r in results.values()].count(None) == len(scans) - 1


def expired_lot(services: Services, item_code: str) -> str:
    with services.store.read() as session:
        lots = session.exec(select(MaterialLot).where(MaterialLot.item_code == item_code)).all()
    return next(lot.lot_no for lot in lots if lot.expires_on and lot.expires_on < TODAY)


def test_nothing_is_picked_for_an_item_with_nothing_left_to_pick(services: Services) -> None:
    with services.store.read() as session:
        lots = session.exec(select(MaterialLot).where(MaterialLot.item_code == "PCB-MC200-C"))
        by_qty = {lot.qty: lot.lot_no for lot in lots}
    # 600 boards need 600 PCBs: a lot of 800 is picked whole (reels are not split) ...
    whole = pick(services, 46, f"(240)PCB-MC200-C(10){by_qty[800]}")
    assert (whole.verdict, whole.qty) == (V.PICKED, 800)
    # ... and then another lot is not needed.
    more = pick(services, 46, label("PCB-MC200-C", by_qty[1200], 1200))
    assert (more.verdict, more.event_id) == (V.NOT_NEEDED, None)
    [line] = [line for line in more.lines if line.item_code == "PCB-MC200-C"]
    assert (line.qty_picked, line.qty_to_pick) == (800, 0)
    assert [row.lot_no for row in rows(services, MaterialPick)] == [by_qty[800]]
    assert len(events(services, "material.picked")) == 1


def test_a_label_quantity_beyond_the_lot_picks_the_lot(services: Services) -> None:
    driver = lot_of(services, "IC-DRV8323")  # 1,500 in the lot
    assert pick(services, 46, label("IC-DRV8323", driver, 5000)).qty == 1500


def test_a_pick_row_without_its_event_is_never_committed(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(services.store.outbox, "append", fail)
    with pytest.raises(OSError):
        pick(services, 46, label("PCB-MC200-C", lot_of(services, "PCB-MC200-C"), 5))
    assert rows(services, MaterialPick) == []


def test_delivery_at_the_work_center_that_uses_the_lot(services: Services) -> None:
    enclosure = lot_of(services, "ENC-GW310")
    assert pick(services, 40, label("ENC-GW310", enclosure, 300)).verdict is V.PICKED
    assert deliver(services, label("ENC-GW310", lot_of(services, "CON-RJ45"))).verdict is (
        V.NOT_PICKED
    )
    done = deliver(services, label("ENC-GW310", enclosure, 300))
    assert (done.verdict, done.detail, done.work_order) == (V.DELIVERED, "WC-ASM", number(40))
    assert {line.item_code: line.qty_delivered for line in done.lines}["ENC-GW310"] == 300
    [row] = rows(services, MaterialPick)
    assert (row.delivered_to, row.delivered_by) == ("WC-ASM", handler(services).user_id)
    [event] = events(services, "material.delivered")
    assert event.id == done.event_id
    assert read_payload(event.type, event.payload) == MaterialDelivered(
        row.work_order_id, number(40), enclosure, "ENC-GW310", "WC-ASM"
    )
    again = deliver(services, label("ENC-GW310", enclosure, 300))
    assert (again.verdict, again.detail) == (V.ALREADY_DELIVERED, "WC-ASM")
    bad = deliver(services, "]C0%%%")
    assert bad.verdict is V.BAD_LABEL and bad.detail
    assert len(events(services, "material.delivered")) == 1


def set_lot(services: Services, lot_no: str, status: LotStatus, expires_on: date | None) -> None:
    with services.store.write() as session:
        lot = session.exec(select(MaterialLot).where(MaterialLot.lot_no == lot_no)).one()
        lot.status, lot.expires_on = status, expires_on
        session.add(lot)


def test_at_the_line_the_label_part_and_the_lot_are_checked_again(services: Services) -> None:
    pcb = lot_of(services, "PCB-MC200-C")
    assert pick(services, 46, label("PCB-MC200-C", pcb, 100)).verdict is V.PICKED
    # The picked lot's number on a label of another part.
    wrong = deliver(services, label("PCB-GW310-B", pcb))
    assert (wrong.verdict, wrong.item_code, wrong.detail) == (
        V.WRONG_PART,
        "PCB-MC200-C",
        "PCB-GW310-B",
    )
    assert wrong.work_order == number(46)
    set_lot(services, pcb, LotStatus.ON_HOLD, None)  # IQC put it on hold after picking
    assert deliver(services, label("PCB-MC200-C", pcb)).verdict is V.LOT_ON_HOLD
    yesterday = TODAY - timedelta(days=1)
    set_lot(services, pcb, LotStatus.RELEASED, yesterday)
    expired = deliver(services, label("PCB-MC200-C", pcb))
    assert (expired.verdict, expired.detail) == (V.EXPIRED, yesterday.isoformat())
    set_lot(services, pcb, LotStatus.RELEASED, None)
    by_label = deliver(services, f"(240)PCB-MC200-C(10){pcb}(17){yesterday:%y%m%d}")
    assert (by_label.verdict, by_label.detail) == (V.EXPIRED, yesterday.isoformat())
    # Refusals wrote nothing; the lot, fit again, is delivered.
    assert [row.delivered_at for row in rows(services, MaterialPick)] == [None]
    assert events(services, "material.delivered") == []
    assert deliver(services, label("PCB-MC200-C", pcb)).verdict is V.DELIVERED


def test_a_lot_picked_for_a_line_this_station_does_not_serve_is_not_delivered_here(
    services: Services, clock: FakeClock
) -> None:
    pcb = lot_of(services, "PCB-MC200-C")
    assert pick(services, 46, label("PCB-MC200-C", pcb, 100)).verdict is V.PICKED
    assembly = MaterialHandlingService(services.store, clock, ["WC-ASM"])  # no MC200 step
    result = assembly.deliver(label("PCB-MC200-C", pcb), None, BARCODES, handler(services))
    assert result.verdict is V.NOT_PICKED


def test_every_receipt_verdict(services: Services) -> None:
    box = "]C1240FG-MC200\x1d10B2611-0046-01\x1d3050"  # as the scanner sends it
    received = receive(services, box)
    assert (received.verdict, received.item_code, received.qty) == (V.RECEIVED, "FG-MC200", 50)
    assert receive(services, box).verdict is V.ALREADY_RECEIVED
    assert receive(services, "(240)PCB-MC200-C(10)B1(30)5").verdict is V.NOT_A_FINISHED_GOOD
    assert receive(services, "(240)FG-GW310(10)B2(30)0").verdict is V.NO_QUANTITY
    assert receive(services, "(240)FG-GW310(10)B2").verdict is V.NO_QUANTITY
    assert receive(services, "(10)B2(30)5").verdict is V.BAD_LABEL  # no part
    assert receive(services, "(240)FG-GW310(30)5").verdict is V.BAD_LABEL  # no lot
    unreadable = receive(services, "%%%")
    assert unreadable.verdict is V.BAD_LABEL and unreadable.detail
    single = receive(services, "(240)FG-GW310(10)B3(21)SN2611004000001(30)1")
    assert single.verdict is V.RECEIVED
    receipts = {r.lot_no: r for r in rows(services, GoodsReceipt)}
    assert set(receipts) == {"B2611-0046-01", "B3"}
    assert receipts["B3"].serials == "SN2611004000001"
    first, second = events(services, "goods.received")
    assert first.id == received.event_id
    assert read_payload(first.type, first.payload) == GoodsReceived(
        "FG-MC200", "B2611-0046-01", 50, []
    )
    assert read_payload(second.type, second.payload) == GoodsReceived(
        "FG-GW310", "B3", 1, ["SN2611004000001"]
    )


def test_a_box_is_checked_against_the_work_order_its_lot_names(services: Services) -> None:
    wo = number(46)  # 600 × FG-MC200
    first = receive(services, f"(240)FG-MC200(10){wo}-B001(30)400")
    assert (first.verdict, first.work_order) == (V.RECEIVED, wo)
    # With the boxes of the order received before, more than it plans.
    over = receive(services, f"(240)FG-MC200(10){wo}-B002(30)201")
    assert (over.verdict, over.detail, over.work_order) == (V.TOO_MANY, "600", wo)
    assert receive(services, f"(240)FG-MC200(10){wo}-B002(30)200").verdict is V.RECEIVED
    assert receive(services, f"(240)FG-GW310(10){number(40)}-B001(30)9999").verdict is (V.TOO_MANY)
    wrong = receive(services, f"(240)FG-GW310(10){wo}-B003(30)5")
    assert (wrong.verdict, wrong.item_code, wrong.detail) == (V.WRONG_PART, "FG-MC200", "FG-GW310")
    # A box lot naming no work order known here is received: boxes are printed elsewhere.
    assert receive(services, "(240)FG-GW310(10)NEVER-MADE-1(30)9999").verdict is V.RECEIVED
    assert [row.qty for row in rows(services, GoodsReceipt)].count(9999) == 1
    assert len(events(services, "goods.received")) == 3


def test_the_services_own_reasons_for_a_bad_label_are_codes_the_screen_words(
    services: Services,
) -> None:
    boxes = BarcodeSection(
        supplier_formats=[SupplierFormat(name="box", delimiter="|", fields=["part", "lot", "qty"])]
    )
    who = handler(services)
    results = {
        LabelProblem.NO_PART: receive(services, "(10)B2(30)5"),
        LabelProblem.NO_LOT: deliver(services, "(01)09501101530003"),  # a GTIN alone
        LabelProblem.NOT_A_MATERIAL_LABEL: pick(services, 46, "SN2611004000001"),
        LabelProblem.FRACTIONAL_QUANTITY: services.handling.receive(
            "FG-GW310|B2|2.5", None, boxes, who
        ),
    }
    for problem, result in results.items():
        assert (result.verdict, result.problem, result.detail) == (V.BAD_LABEL, problem, "")
        assert f"label_problem.{problem.value}" in CATALOG
    assert results[LabelProblem.FRACTIONAL_QUANTITY].qty == 2.5
    parser = receive(services, "%%%")  # the parser's reason stays in `detail`
    assert parser.problem is None and parser.detail
    assert [v for v in V if f"handling.verdict.{v.value}" not in CATALOG] == []
    assert [v for v in V if f"handling.detail.{v.value}" not in CATALOG] == []


def test_only_material_handlers_and_team_leads_handle_material(services: Services) -> None:
    operator = signed_in(services, "E1003")
    work_order_id = order(services, 46).work_order_id
    text = label("PCB-MC200-C", lot_of(services, "PCB-MC200-C"), 5)
    acts: list[Callable[[], HandlingResult]] = [
        lambda: services.handling.pick(work_order_id, text, None, BARCODES, operator),
        lambda: services.handling.deliver(text, None, BARCODES, operator),
        lambda: services.handling.receive("(240)FG-MC200(10)B9(30)5", None, BARCODES, operator),
    ]
    for act in acts:
        with pytest.raises(Refused) as caught:
            act()
        assert caught.value.reason is Refusal.NOT_PERMITTED
    assert rows(services, MaterialPick) == [] and rows(services, GoodsReceipt) == []
    lead = signed_in(services, "E1009", "1357")
    result = services.handling.pick(work_order_id, text, None, BARCODES, lead)
    assert result.verdict is V.PICKED


def test_no_pick_for_an_order_not_released_or_not_made_here(
    services: Services, clock: FakeClock
) -> None:
    work_order_id = order(services, 46).work_order_id
    text = label("PCB-MC200-C", lot_of(services, "PCB-MC200-C"))
    assembly = MaterialHandlingService(services.store, clock, ["WC-ASM"])  # no MC200 step
    with pytest.raises(Refused) as caught:
        assembly.pick(work_order_id, text, None, BARCODES, handler(services))
    assert caught.value.reason is Refusal.NOT_AT_THIS_STATION
    with services.store.write() as session:
        row = session.get(WorkOrder, work_order_id)
        assert row is not None
        row.status = WorkOrderStatus.CANCELLED
        session.add(row)
    assert number(46) not in [o.number for o in services.handling.work_orders()]
    with pytest.raises(Refused) as caught:
        services.handling.pick_list(work_order_id)
    assert caught.value.reason is Refusal.WORK_ORDER_NOT_RELEASED
    with pytest.raises(Refused):
        services.handling.pick(work_order_id, text, None, BARCODES, handler(services))
    assert rows(services, MaterialPick) == []
