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

# (verdict, lot or box lot, item, quantity, detail)
_Judged = tuple[HandlingVerdict, str, str, float, str]


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
            verdict, lot_no, item_code, qty, detail = _judge_pick(
                session, order.id, lines, scan, today
            )
            event_id = None
            if verdict is HandlingVerdict.PICKED:
                now = self._clock.now()
                session.add(
                    MaterialPick(
                        id=new_id(),
                        work_order_id=order.id,
                        lot_no=lot_no,
                        item_code=item_code,
                        qty=qty,
                        picked_at=now,
                        picked_by=who.user_id,
                    )
                )
                payload = {
                    "work_order_id": order.id,
                    "work_order": order.number,
                    "lot_no": lot_no,
                    "item_code": item_code,
                    "qty": qty,
                    "session_id": who.session_id,
                }
                event = self._store.outbox.append(
                    session, PICKED, payload, who.user_id, subject_id=order.id
                )
                event_id = event.id
                lines = _pick_lists(session, [order.id], today).get(order.id, ())
            return HandlingResult(
                Act.PICK,
                verdict,
                order.id,
                order.number,
                lot_no,
                item_code,
                qty,
                detail,
                event_id,
                lines,
            )

    def deliver(
        self, scan_text: str, symbology: str | None, barcodes: BarcodeSection, who: SignedIn
    ) -> HandlingResult:
        """A picked lot handed over here: the oldest pick of it not yet delivered, for a work
        order with an operation at this station; `detail` is the work center."""
        _check(who)
        scan = interpret(scan_text, symbology, barcodes)
        with self._store.write() as session:
            if not isinstance(scan, MaterialLabel) or not scan.lot:
                verdict, lot_no, item_code, qty, detail = _unreadable(scan)
                return HandlingResult(
                    Act.DELIVER, verdict, "", "", lot_no, item_code, qty, detail, None
                )
            picks = session.exec(
                select(MaterialPick, WorkOrder)
                .join(WorkOrder, col(MaterialPick.work_order_id) == WorkOrder.id)
                .where(
                    MaterialPick.lot_no == scan.lot,
                    col(MaterialPick.work_order_id).in_(self._served()),
                )
                .order_by(col(MaterialPick.picked_at), col(MaterialPick.id))
            ).all()
            waiting = [(pick, order) for pick, order in picks if pick.delivered_at is None]
            if not picks:
                return HandlingResult(
                    Act.DELIVER,
                    HandlingVerdict.NOT_PICKED,
                    "",
                    "",
                    scan.lot,
                    scan.part or "",
                    0.0,
                    "",
                    None,
                )
            if not waiting:
                pick, order = picks[-1]
                return HandlingResult(
                    Act.DELIVER,
                    HandlingVerdict.ALREADY_DELIVERED,
                    order.id,
                    order.number,
                    pick.lot_no,
                    pick.item_code,
                    pick.qty,
                    pick.delivered_to or "",
                    None,
                )
            pick, order = waiting[0]
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
            return HandlingResult(
                Act.DELIVER,
                HandlingVerdict.DELIVERED,
                order.id,
                order.number,
                pick.lot_no,
                pick.item_code,
                pick.qty,
                center,
                event.id,
                _pick_lists(session, [order.id], self._today()).get(order.id, ()),
            )

    def receive(
        self, scan_text: str, symbology: str | None, barcodes: BarcodeSection, who: SignedIn
    ) -> HandlingResult:
        """A box of finished goods into stock by its label: (240) part, (10) lot, (30) qty;
        a box of one unit may carry its serial number (21) too."""
        _check(who)
        scan = interpret(scan_text, symbology, barcodes)
        with self._store.write() as session:
            verdict, lot_no, item_code, qty, detail = _judge_receipt(session, scan)
            event_id = None
            if verdict is HandlingVerdict.RECEIVED:
                assert isinstance(scan, MaterialLabel)  # only a label is received
                serials = [scan.serial] if scan.serial else []
                receipt = GoodsReceipt(
                    id=new_id(),
                    item_code=item_code,
                    lot_no=lot_no,
                    qty=int(qty),
                    serials=" ".join(serials),
                    received_at=self._clock.now(),
                    received_by=who.user_id,
                )
                session.add(receipt)
                payload = {
                    "item_code": item_code,
                    "lot_no": lot_no,
                    "qty": int(qty),
                    "serials": serials,
                    "session_id": who.session_id,
                }
                event = self._store.outbox.append(
                    session, RECEIVED, payload, who.user_id, subject_id=receipt.id
                )
                event_id = event.id
            return HandlingResult(
                Act.RECEIVE, verdict, "", "", lot_no, item_code, qty, detail, event_id
            )

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


def _unreadable(scan: ScanMeaning) -> _Judged:
    """BAD LABEL for a scan that is not a lot label, with the parser's reason."""
    if isinstance(scan, MaterialLabel):
        return HandlingVerdict.BAD_LABEL, "", scan.part or "", 0.0, "the label carries no lot"
    reason = scan.reason if isinstance(scan, UnknownScan) else "not a material label"
    return HandlingVerdict.BAD_LABEL, "", "", 0.0, reason


def _judge_pick(
    session: Session,
    work_order_id: str,
    lines: Sequence[HandlingLine],
    scan: ScanMeaning,
    today: date,
) -> _Judged:
    """Checked in the order kiosk/materials.py checks a load: the label, the part, the pick
    list, the lot's state. The quantity is the label's, else what is left of the lot, and
    never more than is left of it after other work orders' picks."""
    if not isinstance(scan, MaterialLabel) or not scan.lot:
        return _unreadable(scan)
    lot = session.exec(select(MaterialLot).where(MaterialLot.lot_no == scan.lot)).first()
    label_qty = float(scan.qty) if scan.qty is not None else None
    if lot is None:
        return HandlingVerdict.UNKNOWN_LOT, scan.lot, scan.part or "", label_qty or 0.0, ""
    left = max(0.0, lot.qty - _taken(session, [lot.lot_no]).get(lot.lot_no, 0.0))
    qty = min(label_qty if label_qty is not None else left, left)
    lot_no, item_code = lot.lot_no, lot.item_code
    if scan.part and scan.part != item_code:
        return HandlingVerdict.WRONG_PART, lot_no, item_code, qty, scan.part
    if all(line.item_code != item_code for line in lines):
        return HandlingVerdict.NOT_IN_PICK_LIST, lot_no, item_code, qty, ""
    if lot.status == LotStatus.ON_HOLD:
        return HandlingVerdict.LOT_ON_HOLD, lot_no, item_code, qty, ""
    expiry = min(filter(None, (lot.expires_on, scan.expiry)), default=None)
    if expiry is not None and expiry < today:
        return HandlingVerdict.EXPIRED, lot_no, item_code, qty, expiry.isoformat()
    picked = session.exec(
        select(MaterialPick.id).where(
            MaterialPick.work_order_id == work_order_id, MaterialPick.lot_no == lot_no
        )
    ).first()
    if picked is not None:
        return HandlingVerdict.ALREADY_PICKED, lot_no, item_code, qty, ""
    if lot.status == LotStatus.CONSUMED or qty <= 0:
        return HandlingVerdict.LOT_EMPTY, lot_no, item_code, qty, ""
    return HandlingVerdict.PICKED, lot_no, item_code, qty, ""


def _judge_receipt(session: Session, scan: ScanMeaning) -> _Judged:
    if not isinstance(scan, MaterialLabel):
        return _unreadable(scan)
    if not scan.part:
        return HandlingVerdict.BAD_LABEL, scan.lot or "", "", 0.0, "the label carries no part"
    if not scan.lot:
        return _unreadable(scan)
    qty = float(scan.qty or 0)
    named = (scan.lot, scan.part, qty)
    made = session.exec(select(WorkOrder.id).where(WorkOrder.item_code == scan.part)).first()
    if made is None:
        return HandlingVerdict.NOT_A_FINISHED_GOOD, *named, ""
    received = session.exec(
        select(GoodsReceipt.id).where(
            GoodsReceipt.item_code == scan.part, GoodsReceipt.lot_no == scan.lot
        )
    ).first()
    if received is not None:
        return HandlingVerdict.ALREADY_RECEIVED, *named, ""
    if qty <= 0:
        return HandlingVerdict.NO_QUANTITY, *named, ""
    if not qty.is_integer():
        return HandlingVerdict.BAD_LABEL, *named, f"the quantity {qty:g} is not a whole number"
    return HandlingVerdict.RECEIVED, *named, ""


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
