"""Traceability at the station (追溯): a unit's history by its serial number, and every unit
built from a material lot, from this station's own store, so it works offline.

A unit's serial number is scanned at some operations of its work order only (a board is
placed before it is labelled): a unit had passed operation k by its first scan at k or a
later operation of that order. It is taken to be built from a lot loaded at k when that scan
came at or after the load, and before the next load of the same item at k (a reel change:
units scanned after it used the new reel). Recorded links, not guesses: a lot loaded after
a unit had passed its operation is not claimed for it. A lot's units and a unit's lots
follow the one rule, so each names the other.
Lookups go by indexes: serial_unit.sn and .work_order_id, operation.work_order_id,
material_load.lot_no and .operation_id, material_lot.lot_no, material_pick.lot_no,
event.subject_id, work_report.operation_id.
No Textual here: screens call this from workers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

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
            # By when the unit had passed each operation: its first scan there or later.
            passed_at = {
                operation.id: min(
                    scan.bound_at
                    for scan in scans
                    if scan.work_order_id == operation.work_order_id
                    and seq_of[scan.operation_id] >= operation.seq
                )
                for operation, _, _ in passed
            }
            lots, loaders = _lots_loaded(session, passed_at)
            operation_ids = list(passed_at)
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
                    scrapped=unit is not None and unit.scrapped,
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
            ended = _reel_changes(
                session.exec(
                    select(MaterialLoad).where(
                        col(MaterialLoad.operation_id).in_(
                            {load.operation_id for load, _, _ in loads}
                        )
                    )
                ).all()
            )
        built = tuple(
            LotLoad(
                work_order=order.number,
                seq=operation.seq,
                operation=operation.name,
                work_center=operation.work_center,
                qty=load.qty,
                loaded_at=load.loaded_at,
                units=_built_with(
                    scans[operation.work_order_id], operation.seq, load.loaded_at, ended[load.id]
                ),
            )
            for load, operation, order in loads
        )
        return LotTrace(
            lot_no=lot_no,
            item_code=item_code,
            item_description=item.description if item is not None else "",
            supplier=known.supplier if known is not None else "",
            status=known.status if known is not None else None,
            expires_on=known.expires_on if known is not None else None,
            loads=built,
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
            serials=tuple(dict.fromkeys(unit.sn for load in built for unit in load.units)),
        )


def _people(session: Session, user_ids: Sequence[str | None]) -> dict[str, User]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {user.id: user for user in users}


def _lots_loaded(
    session: Session, passed_at: dict[str, datetime]
) -> tuple[dict[str, list[LotUsed]], dict[str, str]]:
    """The lots each operation loaded for a unit that had passed it at `passed_at[operation]`,
    and who loaded the first of them."""
    rows = session.exec(
        select(MaterialLoad, MaterialLot)
        .outerjoin(MaterialLot, col(MaterialLot.lot_no) == MaterialLoad.lot_no)
        .where(col(MaterialLoad.operation_id).in_(list(passed_at)))
        .order_by(col(MaterialLoad.loaded_at), col(MaterialLoad.lot_no))
    ).all()
    ended = _reel_changes(load for load, _ in rows)
    lots: dict[str, list[LotUsed]] = defaultdict(list)
    loaders: dict[str, str] = {}
    for load, lot in rows:
        if not _in_use(load.loaded_at, ended[load.id], passed_at[load.operation_id]):
            continue
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


def _reel_changes(loads: Iterable[MaterialLoad]) -> dict[str, datetime | None]:
    """When each load (by id) was replaced by a later load of the same item at the same
    operation, a reel change; None while nothing has replaced it. Pass every load of the
    operations concerned."""
    every = list(loads)
    moments: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for load in every:
        moments[load.operation_id, load.item_code].append(load.loaded_at)
    for times in moments.values():
        times.sort()
    ended: dict[str, datetime | None] = {}
    for load in every:
        times = moments[load.operation_id, load.item_code]
        later = bisect_right(times, load.loaded_at)
        ended[load.id] = times[later] if later < len(times) else None
    return ended


def _in_use(loaded_at: datetime, ended: datetime | None, passed_at: datetime) -> bool:
    """Whether a load went into a unit that had passed its operation by `passed_at`."""
    return loaded_at <= passed_at and (ended is None or passed_at < ended)


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


class _Scan(NamedTuple):
    sn: str
    seq: int
    bound_at: datetime
    scrapped: bool


def _scans(session: Session, order_ids: set[str]) -> dict[str, list[_Scan]]:
    """Every serial number scan of the work orders, by work order, oldest first."""
    operations = session.exec(
        select(Operation.id, Operation.seq, Operation.work_order_id).where(
            col(Operation.work_order_id).in_(order_ids)
        )
    ).all()
    where = {operation_id: (seq, order_id) for operation_id, seq, order_id in operations}
    rows = session.exec(
        select(
            SerialUnit.sn, SerialUnit.operation_id, SerialUnit.bound_at, SerialUnit.scrapped
        ).where(col(SerialUnit.work_order_id).in_(order_ids))
    ).all()
    scans: dict[str, list[_Scan]] = defaultdict(list)
    for sn, operation_id, bound_at, scrapped in rows:
        seq, order_id = where[operation_id]
        scans[order_id].append(_Scan(sn, seq, bound_at, scrapped))
    for order_scans in scans.values():
        order_scans.sort(key=lambda scan: (scan.bound_at, scan.seq))
    return scans


def _built_with(
    scans: Sequence[_Scan], seq: int, loaded_at: datetime, ended: datetime | None
) -> tuple[BuiltUnit, ...]:
    """The units of a work order built from a load at its operation `seq`, each at its first
    scan there or later, and whether it was scrapped at any operation of the order."""
    passed: dict[str, _Scan] = {}
    for scan in scans:
        if scan.seq >= seq:
            passed.setdefault(scan.sn, scan)
    scrapped = {scan.sn for scan in scans if scan.scrapped}
    return tuple(
        BuiltUnit(scan.sn, scan.seq, scan.bound_at, scan.sn in scrapped)
        for scan in sorted(passed.values(), key=lambda scan: (scan.bound_at, scan.sn))
        if _in_use(loaded_at, ended, scan.bound_at)
    )
