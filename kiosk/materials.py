"""Material verification at the station (上料防错): a scanned label against the operation's
pick list, one verdict per scan, each committed with its event before it is shown.

Nothing but OK loads material; a team lead may override a refused lot with a badge and a
reason, recorded as its own event. No Textual here: screens call this from workers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.barcodes.scans import MaterialLabel, ScanMeaning, UnknownScan
from kiosk.clock import Clock
from kiosk.identity import SignedIn
from kiosk.ids import new_id
from kiosk.material_check import (
    LabelProblem,
    MaterialVerdict,
    OverrideReason,
    PickLine,
    Verification,
)
from kiosk.roles import Permission
from kiosk.store.database import Store
from kiosk.store.types import utc_text
from kiosk.work import OPEN_STATUSES, LotStatus, Refusal, Refused

VERIFIED = "material.verified"
OVERRIDDEN = "material.overridden"


# What a scan is judged against, read on the driver in the scan's own transaction: through
# the ORM these reads cost more than the commit (bench/scan_verdict.py).
_OPERATION = "SELECT work_center, status, qty_planned FROM operation WHERE id = ?"
_PICK_LIST = (
    "SELECT b.item_code, i.description, i.unit, b.qty_per_unit FROM bom_line b"
    " JOIN item i ON i.code = b.item_code WHERE b.operation_id = ? ORDER BY b.item_code"
)
_LOADS = "SELECT lot_no, item_code, qty FROM material_load WHERE operation_id = ?"
_LOT = "SELECT item_code, qty, status, expires_on FROM material_lot WHERE lot_no = ?"
_LOAD = (
    "INSERT INTO material_load (id, operation_id, lot_no, item_code, qty, loaded_at, user_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class _Lot:
    item_code: str
    qty: float
    status: str
    expires_on: date | None


@dataclass
class _Sheet:
    """An operation's pick list and what is loaded for it, as read in one transaction."""

    operation_id: str
    qty_planned: int
    bom: list[tuple[str, str, str, float]]  # item, description, unit, qty per unit
    loads: list[tuple[str, str, float]]  # lot, item, qty

    def needs(self, item_code: str) -> bool:
        return any(line[0] == item_code for line in self.bom)

    def loaded(self, lot_no: str) -> bool:
        return any(load[0] == lot_no for load in self.loads)

    def pick_list(self) -> tuple[PickLine, ...]:
        loaded: dict[str, float] = {}
        for _, item_code, qty in self.loads:
            loaded[item_code] = loaded.get(item_code, 0.0) + qty
        return tuple(
            PickLine(
                item_code=item_code,
                description=description,
                unit=unit,
                qty_required=per_unit * self.qty_planned,
                qty_loaded=loaded.get(item_code, 0.0),
            )
            for item_code, description, unit, per_unit in self.bom
        )


class MaterialService:
    def __init__(self, store: Store, clock: Clock, work_centers: Sequence[str]) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = tuple(work_centers)

    def pick_list(self, operation_id: str) -> tuple[PickLine, ...]:
        with self._store.read_sql() as conn:
            return self._sheet(conn, operation_id).pick_list()

    def verify(self, operation_id: str, scan: ScanMeaning, who: SignedIn) -> Verification:
        """Judge `scan` for the operation; the verdict and its event commit together, and an
        OK loads the lot."""
        if not who.may(Permission.RUN_OPERATION):
            raise Refused(Refusal.NOT_PERMITTED)
        today = self._clock.now().astimezone().date()
        with self._store.write_sql() as conn:
            sheet = self._sheet(conn, operation_id)
            verdict, lot_no, item_code, qty, detail = _judge(conn, sheet, scan, today)
            if verdict is MaterialVerdict.OK:
                self._load(conn, sheet, lot_no, item_code, qty, who)
            event_id = self._store.outbox.append_sql(
                conn,
                VERIFIED,
                {
                    "operation_id": operation_id,
                    "lot_no": lot_no,
                    "item_code": item_code,
                    "qty": qty,
                    "verdict": verdict.value,
                    "detail": detail,
                    "session_id": who.session_id,
                },
                who.user_id,
                subject_id=operation_id,
            )
            return Verification(
                verdict,
                operation_id,
                lot_no,
                item_code,
                qty,
                detail,
                event_id,
                sheet.pick_list(),
            )

    def override(
        self, refused: Verification, approver: SignedIn, reason: OverrideReason, who: SignedIn
    ) -> Verification:
        """Load a refused lot on a team lead's word; its own event names both people."""
        if not approver.may(Permission.OVERRIDE_MATERIAL):
            raise Refused(Refusal.NOT_PERMITTED)
        if not refused.overridable:
            raise Refused(Refusal.NOT_OVERRIDABLE)
        with self._store.write_sql() as conn:
            sheet = self._sheet(conn, refused.operation_id)
            if sheet.loaded(refused.lot_no):
                raise Refused(Refusal.NOT_OVERRIDABLE)  # a second override of the same scan
            self._load(conn, sheet, refused.lot_no, refused.item_code, refused.qty, who)
            event_id = self._store.outbox.append_sql(
                conn,
                OVERRIDDEN,
                {
                    "operation_id": refused.operation_id,
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
                subject_id=refused.operation_id,
            )
            return Verification(
                MaterialVerdict.OK,
                refused.operation_id,
                refused.lot_no,
                refused.item_code,
                refused.qty,
                reason.value,
                event_id,
                sheet.pick_list(),
            )

    def _sheet(self, conn: sqlite3.Connection, operation_id: str) -> _Sheet:
        found = _rows(conn, _OPERATION, operation_id)
        if not found:
            raise Refused(Refusal.UNKNOWN_OPERATION)
        work_center, status, qty_planned = found[0]
        if work_center not in self._work_centers:
            raise Refused(Refusal.NOT_AT_THIS_STATION)
        if status not in OPEN_STATUSES:
            raise Refused(Refusal.CLOSED)
        return _Sheet(
            operation_id,
            int(qty_planned),
            [tuple(row) for row in _rows(conn, _PICK_LIST, operation_id)],
            [tuple(row) for row in _rows(conn, _LOADS, operation_id)],
        )

    def _load(
        self,
        conn: sqlite3.Connection,
        sheet: _Sheet,
        lot_no: str,
        item_code: str,
        qty: float,
        who: SignedIn,
    ) -> None:
        row = (new_id(), sheet.operation_id, lot_no, item_code, qty)
        stamp = utc_text(self._clock.now())
        conn.execute(_LOAD, (*row, stamp, who.user_id))
        sheet.loads.append((lot_no, item_code, qty))


def _rows(conn: sqlite3.Connection, sql: str, *params: Any) -> list[Any]:
    return conn.execute(sql, params).fetchall()


def _judge(
    conn: sqlite3.Connection, sheet: _Sheet, scan: ScanMeaning, today: date
) -> tuple[MaterialVerdict, str, str, float, str]:
    """(verdict, lot number, item code, quantity, detail), checked in the order an
    operator can act on: a label before its lot, the part before the lot's state."""
    if not isinstance(scan, MaterialLabel):
        reason = scan.reason if isinstance(scan, UnknownScan) else LabelProblem.NOT_A_MATERIAL_LABEL
        return MaterialVerdict.BAD_LABEL, "", "", 0.0, reason
    if not scan.lot:
        return MaterialVerdict.BAD_LABEL, "", scan.part or "", 0.0, LabelProblem.NO_LOT
    found = _rows(conn, _LOT, scan.lot)
    label_qty = float(scan.qty) if scan.qty is not None else None
    if not found:
        return MaterialVerdict.UNKNOWN_LOT, scan.lot, scan.part or "", label_qty or 0.0, ""
    item_code, lot_qty, status, expires_on = found[0]
    lot = _Lot(
        item_code, float(lot_qty), status, date.fromisoformat(expires_on) if expires_on else None
    )
    qty = label_qty if label_qty is not None else lot.qty
    named = (scan.lot, lot.item_code, qty)
    if scan.part and scan.part != lot.item_code:
        return MaterialVerdict.WRONG_PART, *named, scan.part
    if not sheet.needs(lot.item_code):
        return MaterialVerdict.NOT_IN_BOM, *named, ""
    if lot.status == LotStatus.ON_HOLD:
        return MaterialVerdict.LOT_ON_HOLD, *named, ""
    expiry = min(filter(None, (lot.expires_on, scan.expiry)), default=None)
    if expiry is not None and expiry < today:
        return MaterialVerdict.EXPIRED, *named, expiry.isoformat()
    if sheet.loaded(scan.lot):
        return MaterialVerdict.ALREADY_LOADED, *named, ""
    if lot.status == LotStatus.CONSUMED or qty <= 0:
        return MaterialVerdict.LOT_EMPTY, *named, ""
    return MaterialVerdict.OK, *named, ""
