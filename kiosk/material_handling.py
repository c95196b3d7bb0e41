"""Material handling at a scan station (物料员): pick lists per work order with shortages,
scan-to-pick, scan-to-deliver at the line, finished goods received by their box label.

An accepted scan commits its row with its event in one transaction before the screen says
so. A refused scan changes nothing and writes nothing: there is no event type for a refused
pick, and a `material.picked` would count it. No Textual here: screens call this from
workers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import Select, func
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import MaterialLabel, ScanMeaning, UnknownScan, interpret
from kiosk.clock import Clock
from kiosk.handling_values import (
    Act,
    HandlingLine,
    HandlingResult,
    HandlingVerdict,
    OrderPicking,
)
from kiosk.identity import SignedIn
from kiosk.ids import new_id
from kiosk.material_check import LabelProblem
from kiosk.roles import Permission
from kiosk.store.database import Store
from kiosk.store.models import (
    BomLine,
    GoodsReceipt,
    Item,
    MaterialLot,
    MaterialPick,
    Operation,
    WorkOrder,
)
from kiosk.work import OPEN_STATUSES, LotStatus, Refusal, Refused, WorkOrderStatus

PICKED = "material.picked"
DELIVERED = "material.delivered"
RECEIVED = "goods.received"


class _Judged(NamedTuple):
    """A scan's verdict before anything is written: see `HandlingResult`."""

    verdict: HandlingVerdict
    lot_no: str  # the lot, or the box lot
    item_code: str
    qty: float
    detail: str = ""
    problem: LabelProblem | None = None


class MaterialHandlingService:
    def __init__(self, store: Store, clock: Clock, work_centers: Sequence[str]) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = tuple(work_centers)

    def work_orders(self) -> list[OrderPicking]:
        """Released work orders with an operation here: most urgent first, then due."""
        with self._store.read() as session:
            rows = session.exec(
                select(WorkOrder, Item)
                .join(Item, col(WorkOrder.item_code) == Item.code)
                .where(
                    WorkOrder.status == WorkOrderStatus.RELEASED,
                    col(WorkOrder.id).in_(self._served()),
                )
                .order_by(col(WorkOrder.priority), col(WorkOrder.due_date), col(WorkOrder.number))
            ).all()
            sheets = _pick_lists(session, [order.id for order, _ in rows], self._today())
        return [_progress(order, item, sheets.get(order.id, ())) for order, item in rows]

    def pick_list(self, work_order_id: str) -> tuple[HandlingLine, ...]:
        with self._store.read() as session:
            self._order(session, work_order_id)
            return _pick_lists(session, [work_order_id], self._today()).get(work_order_id, ())

    def pick(
        self,
        work_order_id: str,
        scan_text: str,
        symbology: str | None,
        barcodes: BarcodeSection,
        who: SignedIn,
    ) -> HandlingResult:
        """Judge a lot label for the work order's pick list; an OK records the pick."""
        _check(who)
        scan = interpret(scan_text, symbology, barcodes)
        today = self._today()
        with self._store.write() as session:
            order = self._order(session, work_order_id)
            lines = _pick_lists(session, [order.id], today).get(order.id, ())
            judged = _judge_pick(session, order.id, lines, scan, today)
            if judged.verdict is not HandlingVerdict.PICKED:
                return _answer(Act.PICK, judged, order, lines=lines)
            session.add(
                MaterialPick(
                    id=new_id(),
                    work_order_id=order.id,
                    lot_no=judged.lot_no,
                    item_code=judged.item_code,
                    qty=judged.qty,
                    picked_at=self._clock.now(),
                    picked_by=who.user_id,
                )
            )
            payload = {
                "work_order_id": order.id,
                "work_order": order.number,
                "lot_no": judged.lot_no,
                "item_code": judged.item_code,
                "qty": judged.qty,
                "session_id": who.session_id,
            }
            event = self._store.outbox.append(
                session, PICKED, payload, who.user_id, subject_id=order.id
            )
            lines = _pick_lists(session, [order.id], today).get(order.id, ())
            return _answer(Act.PICK, judged, order, event.id, lines)

    def deliver(
        self, scan_text: str, symbology: str | None, barcodes: BarcodeSection, who: SignedIn
    ) -> HandlingResult:
        """A picked lot handed over here: the oldest pick of it not yet delivered, for a work
        order with an operation at this station; `detail` is the work center. Checked again
        as at picking, since a lot may be put on hold or expire in between: the label's part
        against the picked item, then the lot's state."""
        _check(who)
        scan = interpret(scan_text, symbology, barcodes)
        today = self._today()
        with self._store.write() as session:
            if not isinstance(scan, MaterialLabel) or not scan.lot:
                return _answer(Act.DELIVER, _unreadable(scan))
            picks = session.exec(
                select(MaterialPick, WorkOrder)
                .join(WorkOrder, col(MaterialPick.work_order_id) == WorkOrder.id)
                .where(
                    MaterialPick.lot_no == scan.lot,
                    col(MaterialPick.work_order_id).in_(self._served()),
                )
                .order_by(col(MaterialPick.picked_at), col(MaterialPick.id))
            ).all()
            if not picks:
                judged = _Judged(HandlingVerdict.NOT_PICKED, scan.lot, scan.part or "", 0.0)
                return _answer(Act.DELIVER, judged)
            waiting = [(pick, order) for pick, order in picks if pick.delivered_at is None]
            pick, order = waiting[0] if waiting else picks[-1]
            refused = _judge_delivery(session, pick, scan, today)
            if refused is not None:
                return _answer(Act.DELIVER, refused, order)
            center = self._work_center(session, order.id, pick.item_code)
            pick.delivered_to = center
            pick.delivered_at = self._clock.now()
            pick.delivered_by = who.user_id
            session.add(pick)
            payload = {
                "work_order_id": order.id,
                "work_order": order.number,
                "lot_no": pick.lot_no,
                "item_code": pick.item_code,
                "work_center": center,
                "session_id": who.session_id,
            }
            event = self._store.outbox.append(
                session, DELIVERED, payload, who.user_id, subject_id=order.id
            )
            delivered = _Judged(
                HandlingVerdict.DELIVERED, pick.lot_no, pick.item_code, pick.qty, center
            )
            lines = _pick_lists(session, [order.id], today).get(order.id, ())
            return _answer(Act.DELIVER, delivered, order, event.id, lines)

    def receive(
        self, scan_text: str, symbology: str | None, barcodes: BarcodeSection, who: SignedIn
    ) -> HandlingResult:
        """A box of finished goods into stock by its label: (240) part, (10) lot, (30) qty;
        a box of one unit may carry its serial number (21) too. The result names the work
        order the box lot names, if it is known here (see `_judge_receipt`)."""
        _check(who)
        scan = interpret(scan_text, symbology, barcodes)
        with self._store.write() as session:
            judged, order = _judge_receipt(session, scan)
            if judged.verdict is not HandlingVerdict.RECEIVED:
                return _answer(Act.RECEIVE, judged, order)
            assert isinstance(scan, MaterialLabel)  # only a label is received
            serials = [scan.serial] if scan.serial else []
            receipt = GoodsReceipt(
                id=new_id(),
                item_code=judged.item_code,
                lot_no=judged.lot_no,
                qty=int(judged.qty),
                serials=" ".join(serials),
                received_at=self._clock.now(),
                received_by=who.user_id,
            )
            session.add(receipt)
            payload = {
                "item_code": judged.item_code,
                "lot_no": judged.lot_no,
                "qty": int(judged.qty),
                "serials": serials,
                "session_id": who.session_id,
            }
            event = self._store.outbox.append(
                session, RECEIVED, payload, who.user_id, subject_id=receipt.id
            )
            return _answer(Act.RECEIVE, judged, order, event.id)

    def _served(self) -> Select[str]:
        """The work orders with an operation at one of this station's work centers."""
        return columns(col(Operation.work_order_id)).where(
            col(Operation.work_center).in_(self._work_centers)
        )

    def _order(self, session: Session, work_order_id: str) -> WorkOrder:
        order = session.get(WorkOrder, work_order_id)
        if order is None or order.status != WorkOrderStatus.RELEASED:
            raise Refused(Refusal.WORK_ORDER_NOT_RELEASED)
        here = session.exec(
            select(Operation.id).where(
                Operation.work_order_id == work_order_id,
                col(Operation.work_center).in_(self._work_centers),
            )
        ).first()
        if here is None:
            raise Refused(Refusal.NOT_AT_THIS_STATION)
        return order

    def _work_center(self, session: Session, work_order_id: str, item_code: str) -> str:
        """Where the lot is used: the first operation here that needs the item, else the
        work order's first operation here."""
        rows = session.exec(
            select(Operation, BomLine)
            .outerjoin(
                BomLine,
                (col(BomLine.operation_id) == Operation.id) & (col(BomLine.item_code) == item_code),
            )
            .where(
                Operation.work_order_id == work_order_id,
                col(Operation.work_center).in_(self._work_centers),
            )
            .order_by(col(Operation.seq))
        ).all()
        uses = [op.work_center for op, line in rows if line is not None]
        return (uses or [op.work_center for op, _ in rows])[0]

    def _today(self) -> date:
        return self._clock.now().astimezone().date()


def _check(who: SignedIn) -> None:
    if not who.may(Permission.HANDLE_MATERIAL):
        raise Refused(Refusal.NOT_PERMITTED)


def _answer(
    act: Act,
    judged: _Judged,
    order: WorkOrder | None = None,
    event_id: str | None = None,
    lines: tuple[HandlingLine, ...] = (),
) -> HandlingResult:
    return HandlingResult(
        act,
        judged.verdict,
        order.id if order else "",
        order.number if order else "",
        judged.lot_no,
        judged.item_code,
        judged.qty,
        judged.detail,
        event_id,
        lines,
        judged.problem,
    )


def _unreadable(scan: ScanMeaning) -> _Judged:
    """BAD LABEL for a scan that is not a lot label: the parser's reason if it gave one."""
    if isinstance(scan, UnknownScan):
        return _Judged(HandlingVerdict.BAD_LABEL, "", "", 0.0, scan.reason)
    if isinstance(scan, MaterialLabel):
        problem = LabelProblem.NO_LOT
        return _Judged(HandlingVerdict.BAD_LABEL, "", scan.part or "", 0.0, problem=problem)
    return _Judged(
        HandlingVerdict.BAD_LABEL, "", "", 0.0, problem=LabelProblem.NOT_A_MATERIAL_LABEL
    )


def _lot_state(
    lot: MaterialLot | None, label: MaterialLabel, today: date
) -> tuple[HandlingVerdict, str] | None:
    """LOT ON HOLD, or EXPIRED with the sooner of the lot's and the label's expiry; None for
    a lot fit to use. A lot the store no longer has (dropped by a resync after it was
    picked) has only its label's expiry to check."""
    if lot is not None and lot.status == LotStatus.ON_HOLD:
        return HandlingVerdict.LOT_ON_HOLD, ""
    known = lot.expires_on if lot is not None else None
    expiry = min(filter(None, (known, label.expiry)), default=None)
    if expiry is not None and expiry < today:
        return HandlingVerdict.EXPIRED, expiry.isoformat()
    return None


def _judge_pick(
    session: Session,
    work_order_id: str,
    lines: Sequence[HandlingLine],
    scan: ScanMeaning,
    today: date,
) -> _Judged:
    """Checked in the order kiosk/materials.py checks a load: the label, the part, the pick
    list, the lot's state; then whether the item still has anything to pick. The quantity
    is the label's, else what is left of the lot, and never more than is left of it after
    other work orders' picks. A lot bigger than what is still to pick is picked whole (reels
    are not split at the warehouse), but only while something is still to pick."""
    if not isinstance(scan, MaterialLabel) or not scan.lot:
        return _unreadable(scan)
    lot = session.exec(select(MaterialLot).where(MaterialLot.lot_no == scan.lot)).first()
    label_qty = float(scan.qty) if scan.qty is not None else None
    if lot is None:
        return _Judged(HandlingVerdict.UNKNOWN_LOT, scan.lot, scan.part or "", label_qty or 0.0)
    left = max(0.0, lot.qty - _taken(session, [lot.lot_no]).get(lot.lot_no, 0.0))
    qty = min(label_qty if label_qty is not None else left, left)
    named = (lot.lot_no, lot.item_code, qty)
    if scan.part and scan.part != lot.item_code:
        return _Judged(HandlingVerdict.WRONG_PART, *named, scan.part)
    line = next((line for line in lines if line.item_code == lot.item_code), None)
    if line is None:
        return _Judged(HandlingVerdict.NOT_IN_PICK_LIST, *named)
    state = _lot_state(lot, scan, today)
    if state is not None:
        return _Judged(state[0], *named, state[1])
    picked = session.exec(
        select(MaterialPick.id).where(
            MaterialPick.work_order_id == work_order_id, MaterialPick.lot_no == lot.lot_no
        )
    ).first()
    if picked is not None:
        return _Judged(HandlingVerdict.ALREADY_PICKED, *named)
    if line.done:
        return _Judged(HandlingVerdict.NOT_NEEDED, *named)
    if lot.status == LotStatus.CONSUMED or qty <= 0:
        return _Judged(HandlingVerdict.LOT_EMPTY, *named)
    return _Judged(HandlingVerdict.PICKED, *named)


def _judge_delivery(
    session: Session, pick: MaterialPick, label: MaterialLabel, today: date
) -> _Judged | None:
    """Why the lot of `pick` may not go to the line, or None: a label naming another part
    than the one picked, a pick delivered already, a lot on hold or expired since."""
    named = (pick.lot_no, pick.item_code, pick.qty)
    if label.part and label.part != pick.item_code:
        return _Judged(HandlingVerdict.WRONG_PART, *named, label.part)
    if pick.delivered_at is not None:
        return _Judged(HandlingVerdict.ALREADY_DELIVERED, *named, pick.delivered_to or "")
    lot = session.exec(select(MaterialLot).where(MaterialLot.lot_no == pick.lot_no)).first()
    state = _lot_state(lot, label, today)
    return None if state is None else _Judged(state[0], *named, state[1])


def _judge_receipt(session: Session, scan: ScanMeaning) -> tuple[_Judged, WorkOrder | None]:
    """A box label's verdict, and the work order its box lot names.

    Boxes are printed at other stations ("<work order number>-B001", kiosk/reporting.py),
    and this one does not know every box made, so an unknown box lot is received. A box lot
    that names a work order known here is checked against it: its part must be the order's
    item (else WRONG PART), and the units received in that order's boxes, this one included,
    may not outnumber the order's planned quantity (else TOO MANY)."""
    if not isinstance(scan, MaterialLabel):
        return _unreadable(scan), None
    if not scan.part:
        no_part = _Judged(
            HandlingVerdict.BAD_LABEL, scan.lot or "", "", 0.0, problem=LabelProblem.NO_PART
        )
        return no_part, None
    if not scan.lot:
        return _unreadable(scan), None
    qty = float(scan.qty or 0)
    named = (scan.lot, scan.part, qty)
    order = _box_order(session, scan.lot)
    made = session.exec(select(WorkOrder.id).where(WorkOrder.item_code == scan.part)).first()
    if made is None:
        return _Judged(HandlingVerdict.NOT_A_FINISHED_GOOD, *named), order
    if order is not None and order.item_code != scan.part:
        return _Judged(HandlingVerdict.WRONG_PART, scan.lot, order.item_code, qty, scan.part), order
    received = session.exec(
        select(GoodsReceipt.id).where(
            GoodsReceipt.item_code == scan.part, GoodsReceipt.lot_no == scan.lot
        )
    ).first()
    if received is not None:
        return _Judged(HandlingVerdict.ALREADY_RECEIVED, *named), order
    if qty <= 0:
        return _Judged(HandlingVerdict.NO_QUANTITY, *named), order
    if not qty.is_integer():
        fractional = LabelProblem.FRACTIONAL_QUANTITY
        return _Judged(HandlingVerdict.BAD_LABEL, *named, problem=fractional), order
    if order is not None and _units_received(session, order) + qty > order.qty_planned:
        return _Judged(HandlingVerdict.TOO_MANY, *named, str(order.qty_planned)), order
    return _Judged(HandlingVerdict.RECEIVED, *named), order


def _box_order(session: Session, box_lot: str) -> WorkOrder | None:
    """The work order whose number is the box lot up to one of its "-": the longest such
    number, as a number may hold "-" itself ("WO-2611-0031-B001" is WO-2611-0031)."""
    numbers = [box_lot[:at] for at, char in enumerate(box_lot) if char == "-"]
    orders = session.exec(select(WorkOrder).where(col(WorkOrder.number).in_(numbers))).all()
    return max(orders, key=lambda order: len(order.number), default=None)


def _units_received(session: Session, order: WorkOrder) -> float:
    """Units of the order's item received so far in boxes whose lot names the order."""
    total = session.execute(
        columns(func.sum(col(GoodsReceipt.qty))).where(
            col(GoodsReceipt.item_code) == order.item_code,
            col(GoodsReceipt.lot_no).startswith(f"{order.number}-", autoescape=True),
        )
    ).scalar_one()
    return float(total or 0)


def _pick_lists(
    session: Session, work_order_ids: Sequence[str], today: date
) -> dict[str, tuple[HandlingLine, ...]]:
    """Each work order's BOM items summed over its operations still to do (a finished
    operation has used its material), with what is picked, delivered and still in stock."""
    if not work_order_ids:
        return {}
    required = session.execute(
        columns(
            col(Operation.work_order_id),
            col(BomLine.item_code),
            col(Item.description),
            col(Item.unit),
            func.sum(col(BomLine.qty_per_unit) * col(Operation.qty_planned)),
        )
        .join(Operation, col(BomLine.operation_id) == Operation.id)
        .join(Item, col(BomLine.item_code) == Item.code)
        .where(
            col(Operation.work_order_id).in_(work_order_ids),
            col(Operation.status).in_(OPEN_STATUSES),
        )
        .group_by(
            col(Operation.work_order_id),
            col(BomLine.item_code),
            col(Item.description),
            col(Item.unit),
        )
        .order_by(col(BomLine.item_code))
    ).all()
    picks = session.exec(
        select(MaterialPick).where(col(MaterialPick.work_order_id).in_(work_order_ids))
    ).all()
    picked: dict[tuple[str, str], float] = defaultdict(float)
    delivered: dict[tuple[str, str], float] = defaultdict(float)
    for pick in picks:
        picked[pick.work_order_id, pick.item_code] += pick.qty
        if pick.delivered_at is not None:
            delivered[pick.work_order_id, pick.item_code] += pick.qty
    stock = _available(session, {row[1] for row in required}, today)
    sheets: dict[str, list[HandlingLine]] = defaultdict(list)
    for order_id, item_code, description, unit, qty_required in required:
        sheets[order_id].append(
            HandlingLine(
                item_code=item_code,
                description=description,
                unit=unit,
                qty_required=float(qty_required),
                qty_picked=picked[order_id, item_code],
                qty_delivered=delivered[order_id, item_code],
                qty_available=stock.get(item_code, 0.0),
            )
        )
    return {order_id: tuple(lines) for order_id, lines in sheets.items()}


def _available(session: Session, item_codes: Iterable[str], today: date) -> dict[str, float]:
    """Per item: released, unexpired lots, less what work orders have picked from them."""
    lots = session.exec(
        select(MaterialLot).where(
            col(MaterialLot.item_code).in_(list(item_codes)),
            MaterialLot.status == LotStatus.RELEASED,
        )
    ).all()
    usable = [lot for lot in lots if lot.expires_on is None or lot.expires_on >= today]
    taken = _taken(session, [lot.lot_no for lot in usable])
    stock: dict[str, float] = defaultdict(float)
    for lot in usable:
        stock[lot.item_code] += max(0.0, lot.qty - taken.get(lot.lot_no, 0.0))
    return stock


def _taken(session: Session, lot_nos: Sequence[str]) -> dict[str, float]:
    """What has been picked from each lot, for any work order."""
    rows = session.execute(
        columns(col(MaterialPick.lot_no), func.sum(col(MaterialPick.qty)))
        .where(col(MaterialPick.lot_no).in_(lot_nos))
        .group_by(col(MaterialPick.lot_no))
    ).all()
    return {lot_no: float(qty) for lot_no, qty in rows}


def _progress(order: WorkOrder, item: Item, lines: Sequence[HandlingLine]) -> OrderPicking:
    return OrderPicking(
        work_order_id=order.id,
        number=order.number,
        item_code=item.code,
        item_description=item.description,
        qty_planned=order.qty_planned,
        due_date=order.due_date,
        priority=order.priority,
        items=len(lines),
        items_picked=sum(line.done for line in lines),
        items_short=sum(line.short for line in lines),
    )
