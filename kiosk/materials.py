"""Material verification at the station (上料防错): a scanned label against the operation's
pick list, one verdict per scan, each committed with its event before it is shown.

Nothing but OK loads material; a team lead may override a refused lot with a badge and a
reason, recorded as its own event. No Textual here: screens call this from workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from kiosk.barcodes.scans import MaterialLabel, ScanMeaning, UnknownScan
from kiosk.clock import Clock
from kiosk.identity import SignedIn
from kiosk.ids import new_id
from kiosk.material_check import (
    MaterialVerdict,
    OverrideReason,
    PickLine,
    Verification,
)
from kiosk.roles import Permission
from kiosk.store.database import Store
from kiosk.store.models import BomLine, Item, MaterialLoad, MaterialLot, Operation
from kiosk.work import OPEN_STATUSES, LotStatus, Refusal, Refused

VERIFIED = "material.verified"
OVERRIDDEN = "material.overridden"


class MaterialService:
    def __init__(self, store: Store, clock: Clock, work_centers: Sequence[str]) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = tuple(work_centers)

    def pick_list(self, operation_id: str) -> tuple[PickLine, ...]:
        with self._store.read() as session:
            return _pick_list(session, self._operation(session, operation_id))

    def verify(self, operation_id: str, scan: ScanMeaning, who: SignedIn) -> Verification:
        """Judge `scan` for the operation; the verdict and its event commit together, and an
        OK loads the lot."""
        if not who.may(Permission.RUN_OPERATION):
            raise Refused(Refusal.NOT_PERMITTED)
        today = self._clock.now().astimezone().date()
        with self._store.write() as session:
            operation = self._operation(session, operation_id)
            verdict, lot_no, item_code, qty, detail = _judge(session, operation, scan, today)
            if verdict is MaterialVerdict.OK:
                _load(session, operation.id, lot_no, item_code, qty, who, self._clock)
            event = self._store.outbox.append(
                session,
                VERIFIED,
                {
                    "operation_id": operation.id,
                    "lot_no": lot_no,
                    "item_code": item_code,
                    "qty": qty,
                    "verdict": verdict.value,
                    "detail": detail,
                    "session_id": who.session_id,
                },
                who.user_id,
                subject_id=operation.id,
            )
            return Verification(
                verdict,
                operation.id,
                lot_no,
                item_code,
                qty,
                detail,
                event.id,
                _pick_list(session, operation),
            )

    def override(
        self, refused: Verification, approver: SignedIn, reason: OverrideReason, who: SignedIn
    ) -> Verification:
        """Load a refused lot on a team lead's word; its own event names both people."""
        if not approver.may(Permission.OVERRIDE_MATERIAL):
            raise Refused(Refusal.NOT_PERMITTED)
        if not refused.overridable:
            raise Refused(Refusal.NOT_OVERRIDABLE)
        with self._store.write() as session:
            operation = self._operation(session, refused.operation_id)
            if _loaded(session, operation.id, refused.lot_no):
                raise Refused(Refusal.NOT_OVERRIDABLE)  # a second override of the same scan
            _load(
                session,
                operation.id,
                refused.lot_no,
                refused.item_code,
                refused.qty,
                who,
                self._clock,
            )
            event = self._store.outbox.append(
                session,
                OVERRIDDEN,
                {
                    "operation_id": operation.id,
                    "lot_no": refused.lot_no,
                    "item_code": refused.item_code,
                    "qty": refused.qty,
                    "verdict": refused.verdict.value,
                    "verified_event": refused.event_id,
                    "reason": reason.value,
                    "approved_by": approver.user_id,
                    "session_id": who.session_id,
                },
                who.user_id,
                subject_id=operation.id,
            )
            return Verification(
                MaterialVerdict.OK,
                operation.id,
                refused.lot_no,
                refused.item_code,
                refused.qty,
                reason.value,
                event.id,
                _pick_list(session, operation),
            )

    def _operation(self, session: Session, operation_id: str) -> Operation:
        operation = session.get(Operation, operation_id)
        if operation is None:
            raise Refused(Refusal.UNKNOWN_OPERATION)
        if operation.work_center not in self._work_centers:
            raise Refused(Refusal.NOT_AT_THIS_STATION)
        if operation.status not in OPEN_STATUSES:
            raise Refused(Refusal.CLOSED)
        return operation


def _judge(
    session: Session, operation: Operation, scan: ScanMeaning, today: date
) -> tuple[MaterialVerdict, str, str, float, str]:
    """(verdict, lot number, item code, quantity, detail), checked in the order an
    operator can act on: a label before its lot, the part before the lot's state."""
    if not isinstance(scan, MaterialLabel):
        reason = scan.reason if isinstance(scan, UnknownScan) else "not a material label"
        return MaterialVerdict.BAD_LABEL, "", "", 0.0, reason
    if not scan.lot:
        return MaterialVerdict.BAD_LABEL, "", scan.part or "", 0.0, "the label carries no lot"
    lot = session.exec(select(MaterialLot).where(MaterialLot.lot_no == scan.lot)).first()
    label_qty = float(scan.qty) if scan.qty is not None else None
    if lot is None:
        qty = label_qty or 0.0
        return MaterialVerdict.UNKNOWN_LOT, scan.lot, scan.part or "", qty, ""
    qty = label_qty if label_qty is not None else lot.qty
    found = (scan.lot, lot.item_code, qty)
    if scan.part and scan.part != lot.item_code:
        return MaterialVerdict.WRONG_PART, *found, scan.part
    needed = {line.item_code for line in _bom(session, operation.id)}
    if lot.item_code not in needed:
        return MaterialVerdict.NOT_IN_BOM, *found, ""
    if lot.status == LotStatus.ON_HOLD:
        return MaterialVerdict.LOT_ON_HOLD, *found, ""
    expiry = min(filter(None, (lot.expires_on, scan.expiry)), default=None)
    if expiry is not None and expiry < today:
        return MaterialVerdict.EXPIRED, *found, expiry.isoformat()
    if _loaded(session, operation.id, scan.lot):
        return MaterialVerdict.ALREADY_LOADED, *found, ""
    if lot.status == LotStatus.CONSUMED or qty <= 0:
        return MaterialVerdict.LOT_EMPTY, *found, ""
    return MaterialVerdict.OK, *found, ""


def _bom(session: Session, operation_id: str) -> Sequence[BomLine]:
    return session.exec(select(BomLine).where(BomLine.operation_id == operation_id)).all()


def _loaded(session: Session, operation_id: str, lot_no: str) -> bool:
    found = session.exec(
        select(MaterialLoad.id).where(
            MaterialLoad.operation_id == operation_id, MaterialLoad.lot_no == lot_no
        )
    ).first()
    return found is not None


def _load(
    session: Session,
    operation_id: str,
    lot_no: str,
    item_code: str,
    qty: float,
    who: SignedIn,
    clock: Clock,
) -> None:
    session.add(
        MaterialLoad(
            id=new_id(),
            operation_id=operation_id,
            lot_no=lot_no,
            item_code=item_code,
            qty=qty,
            loaded_at=clock.now(),
            user_id=who.user_id,
        )
    )


def _pick_list(session: Session, operation: Operation) -> tuple[PickLine, ...]:
    rows = session.exec(
        select(BomLine, Item)
        .join(Item, col(BomLine.item_code) == Item.code)
        .where(BomLine.operation_id == operation.id)
        .order_by(col(BomLine.item_code))
    ).all()
    loaded: dict[str, float] = {}
    for load in session.exec(
        select(MaterialLoad).where(MaterialLoad.operation_id == operation.id)
    ).all():
        loaded[load.item_code] = loaded.get(load.item_code, 0.0) + load.qty
    return tuple(
        PickLine(
            item_code=line.item_code,
            description=item.description,
            unit=item.unit,
            qty_required=line.qty_per_unit * operation.qty_planned,
            qty_loaded=loaded.get(line.item_code, 0.0),
        )
        for line, item in rows
    )
