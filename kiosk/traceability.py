"""Traceability at the station (追溯): a unit's history by its serial number, and every unit
built from a material lot, from this station's own store, so it works offline.

A unit's serial number is scanned at some operations of its work order only (a board is
placed before it is labelled), so a unit scanned at operation k of a work order is taken to
be built from every lot loaded at operations of that work order up to k. Recorded links,
not guesses: a lot loaded after a unit's last scan is not claimed for it.
Lookups go by indexes: serial_unit.sn and .operation_id, operation.work_order_id,
material_lot.lot_no, material_pick.lot_no, event.subject_id, work_report.operation_id.
No Textual here: screens call this from workers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import Session, col, func, select

from kiosk.barcodes.scans import MaterialLabel, ScanMeaning, SerialNumber, UnknownScan
from kiosk.store.database import Store
from kiosk.store.models import (
    Event,
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
from kiosk.timer import STARTED
from kiosk.trace_values import (
    BuiltUnit,
    LotLoad,
    LotPick,
    LotTrace,
    LotUsed,
    SerialTrace,
    TraceAnswer,
    TraceMiss,
    TraceMissReason,
    UnitStep,
)


class TraceService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def scanned(self, text: str, meaning: ScanMeaning) -> TraceAnswer:
        """What a scan traces to: a serial number its unit, a material label its lot."""
        if isinstance(meaning, SerialNumber):
            return self.serial(meaning.serial) or TraceMiss(
                TraceMissReason.UNKNOWN_SERIAL, meaning.serial
            )
        if isinstance(meaning, MaterialLabel):
            if not meaning.lot:
                named = meaning.part or meaning.gtin or meaning.format_name
                return TraceMiss(TraceMissReason.NO_LOT, named)
            return self.lot(meaning.lot) or TraceMiss(TraceMissReason.UNKNOWN_LOT, meaning.lot)
        if isinstance(meaning, UnknownScan):
            # A bare lot or serial barcode in no format this station was told about.
            return self.search(text) or TraceMiss(TraceMissReason.NOT_UNDERSTOOD, meaning.reason)
        return TraceMiss(TraceMissReason.NOT_TRACEABLE, "")

    def typed(self, text: str, meaning: ScanMeaning) -> TraceAnswer:
        """A typed search: a serial number known here, else a lot; else what the text means
        as a label (a GS1 label typed in its printed form)."""
        found = self.search(text)
        if found is not None:
            return found
        if isinstance(meaning, SerialNumber | MaterialLabel):
            return self.scanned(text, meaning)
        return TraceMiss(TraceMissReason.NOT_FOUND, text.strip())

    def search(self, text: str) -> SerialTrace | LotTrace | None:
        key = text.strip()
        return self.serial(key) or self.lot(key)

    def serial(self, sn: str) -> SerialTrace | None:
        """Every operation the unit went through here, oldest first; None if none did."""
        with self._store.read() as session:
            scans = session.exec(select(SerialUnit).where(SerialUnit.sn == sn)).all()
            if not scans:
                return None
            scanned = {scan.operation_id: scan for scan in scans}
            routing = session.exec(
                select(Operation, WorkOrder, Item)
                .join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
                .join(Item, col(Item.code) == WorkOrder.item_code)
                .where(col(Operation.work_order_id).in_({scan.work_order_id for scan in scans}))
                .order_by(col(Operation.seq))
            ).all()
            seq_of = {operation.id: operation.seq for operation, _, _ in routing}
            last_scan: dict[str, int] = {}
            first_scan: dict[str, datetime] = {}
            for scan in scans:
                order_id = scan.work_order_id
                last_scan[order_id] = max(last_scan.get(order_id, -1), seq_of[scan.operation_id])
                first_scan[order_id] = min(first_scan.get(order_id, scan.bound_at), scan.bound_at)
            passed = [
                row for row in routing if row[0].seq <= last_scan.get(row[0].work_order_id, -1)
            ]
            # A unit reworked under a second work order: its first one first.
            passed.sort(key=lambda row: (first_scan[row[0].work_order_id], row[0].seq))
            operation_ids = [operation.id for operation, _, _ in passed]
            lots, loaders = _lots_loaded(session, operation_ids)
            starts = _first_starts(session, operation_ids)
            finished = _final_reports(session, operation_ids)
            people = _people(
                session,
                [scan.user_id for scan in scans]
                + [user for _, user in starts.values()]
                + list(loaders.values()),
            )
        steps = []
        for operation, order, item in passed:
            unit = scanned.get(operation.id)
            started_at, starter = starts.get(operation.id, (None, None))
            # Who scanned the unit; before its SN was scanned, who worked the operation.
            worker = unit.user_id if unit is not None else starter or loaders.get(operation.id)
            person = people.get(worker or "")
            steps.append(
                UnitStep(
                    work_order=order.number,
                    item_code=item.code,
                    item_description=item.description,
                    seq=operation.seq,
                    operation=operation.name,
                    work_center=operation.work_center,
                    bound_at=unit.bound_at if unit is not None else None,
                    operator=person.name if person is not None else "",
                    employee_no=person.employee_no if person is not None else "",
                    equipment=unit.equipment if unit is not None else "",
                    lots=tuple(lots[operation.id]),
                    started_at=started_at,
                    finished_at=finished.get(operation.id),
                )
            )
        return SerialTrace(sn=sn, steps=tuple(steps))

    def lot(self, lot_no: str) -> LotTrace | None:
        """The lot, the operations that loaded it with the units built from it there, and
        the work orders it was picked for; None when this station knows nothing of it."""
        with self._store.read() as session:
            known = session.exec(select(MaterialLot).where(MaterialLot.lot_no == lot_no)).first()
            loads = session.exec(
                select(MaterialLoad, Operation, WorkOrder)
                .join(Operation, col(Operation.id) == MaterialLoad.operation_id)
                .join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
                .where(MaterialLoad.lot_no == lot_no)
                .order_by(col(MaterialLoad.loaded_at), col(Operation.seq))
            ).all()
            picks = session.exec(
                select(MaterialPick, WorkOrder.number)
                .join(WorkOrder, col(WorkOrder.id) == MaterialPick.work_order_id)
                .where(MaterialPick.lot_no == lot_no)
                .order_by(col(MaterialPick.picked_at))
            ).all()
            if known is None and not loads and not picks:
                return None
            if known is not None:
                item_code = known.item_code
            else:  # loaded on an override, or picked: the rows say what item it is
                item_code = loads[0][0].item_code if loads else picks[0][0].item_code
            item = session.get(Item, item_code)
            scans = _scans(session, {operation.work_order_id for _, operation, _ in loads})
        return LotTrace(
            lot_no=lot_no,
            item_code=item_code,
            item_description=item.description if item is not None else "",
            supplier=known.supplier if known is not None else "",
            status=known.status if known is not None else None,
            expires_on=known.expires_on if known is not None else None,
            loads=tuple(
                LotLoad(
                    work_order=order.number,
                    seq=operation.seq,
                    operation=operation.name,
                    work_center=operation.work_center,
                    qty=load.qty,
                    loaded_at=load.loaded_at,
                    units=_built_after(scans[operation.work_order_id], operation.seq),
                )
                for load, operation, order in loads
            ),
            picks=tuple(
                LotPick(
                    work_order=number,
                    qty=pick.qty,
                    picked_at=pick.picked_at,
                    delivered_to=pick.delivered_to,
                    delivered_at=pick.delivered_at,
                )
                for pick, number in picks
            ),
        )


def _people(session: Session, user_ids: Sequence[str | None]) -> dict[str, User]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {user.id: user for user in users}


def _lots_loaded(
    session: Session, operation_ids: Sequence[str]
) -> tuple[dict[str, list[LotUsed]], dict[str, str]]:
    """The lots loaded for each operation, and who loaded the first of them."""
    rows = session.exec(
        select(MaterialLoad, MaterialLot)
        .outerjoin(MaterialLot, col(MaterialLot.lot_no) == MaterialLoad.lot_no)
        .where(col(MaterialLoad.operation_id).in_(operation_ids))
        .order_by(col(MaterialLoad.loaded_at), col(MaterialLoad.lot_no))
    ).all()
    lots: dict[str, list[LotUsed]] = defaultdict(list)
    loaders: dict[str, str] = {}
    for load, lot in rows:
        if load.user_id is not None:
            loaders.setdefault(load.operation_id, load.user_id)
        lots[load.operation_id].append(
            LotUsed(
                lot_no=load.lot_no,
                item_code=load.item_code,
                qty=load.qty,
                supplier=lot.supplier if lot is not None else "",
                status=lot.status if lot is not None else None,
            )
        )
    return lots, loaders


def _first_starts(
    session: Session, operation_ids: Sequence[str]
) -> dict[str, tuple[datetime, str | None]]:
    """When each operation was first started, and by whom."""
    rows = session.exec(
        select(Event.subject_id, Event.occurred_at, Event.user_id)
        .where(col(Event.subject_id).in_(operation_ids), Event.type == STARTED)
        .order_by(col(Event.occurred_at).desc())
    ).all()
    # Newest first, so the first start is the one left in the dict.
    return {subject: (moment, user) for subject, moment, user in rows if subject is not None}


def _final_reports(session: Session, operation_ids: Sequence[str]) -> dict[str, datetime]:
    rows = session.exec(
        select(WorkReport.operation_id, func.min(WorkReport.reported_at))
        .where(col(WorkReport.operation_id).in_(operation_ids), col(WorkReport.final))
        .group_by(col(WorkReport.operation_id))
    ).all()
    return dict(rows)


def _scans(session: Session, order_ids: Iterable[str]) -> dict[str, list[BuiltUnit]]:
    """Every serial number scan of the work orders, by work order, in routing order."""
    rows = session.exec(
        select(SerialUnit.sn, SerialUnit.bound_at, Operation.seq, Operation.work_order_id)
        .join(Operation, col(Operation.id) == SerialUnit.operation_id)
        .where(col(Operation.work_order_id).in_(order_ids))
        .order_by(col(Operation.seq), col(SerialUnit.bound_at))
    ).all()
    scans: dict[str, list[BuiltUnit]] = defaultdict(list)
    for sn, bound_at, seq, order_id in rows:
        scans[order_id].append(BuiltUnit(sn, seq, bound_at))
    return scans


def _built_after(scans: Sequence[BuiltUnit], seq: int) -> tuple[BuiltUnit, ...]:
    """The units scanned at operation `seq` or later, each at the first such scan."""
    units: dict[str, BuiltUnit] = {}
    for unit in scans:
        if unit.seq >= seq:
            units.setdefault(unit.sn, unit)
    return tuple(sorted(units.values(), key=lambda unit: (unit.bound_at, unit.sn)))
