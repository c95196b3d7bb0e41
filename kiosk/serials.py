"""Binding units to the running operation by their serial number (SN).

The format is checked where the scan is read (kiosk/barcodes: the plant's serial pattern or
GS1 AI 21); here a unit is refused when it is already bound (to this operation or to another
work order), when it was scrapped, or when the routing says it must first have been bound at
the previous serial-binding operation and was not. That last check needs the previous
operation's bindings: a station serving its work center has them; another station cannot
know offline, binds the unit, and the hub flags it if the unit skipped that operation. A
bound unit and its event commit together.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from kiosk.clock import Clock
from kiosk.identity import SignedIn
from kiosk.ids import new_id
from kiosk.roles import Permission
from kiosk.serial_values import SerialBinding, SerialVerdict
from kiosk.store.database import Store
from kiosk.store.models import Operation, ReferenceRecord, SerialUnit, User, WorkOrder
from kiosk.work import OperationStatus, Refusal, Refused, WorkOrderStatus

BOUND = "serial.bound"


class SerialService:
    def __init__(self, store: Store, clock: Clock, work_centers: Sequence[str]) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = tuple(work_centers)

    def bind(self, operation_id: str, sn: str, who: SignedIn) -> SerialBinding:
        if not who.may(Permission.RUN_OPERATION):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            op = session.get(Operation, operation_id)
            if op is None:
                raise Refused(Refusal.UNKNOWN_OPERATION)
            if op.work_center not in self._work_centers:
                raise Refused(Refusal.NOT_AT_THIS_STATION)
            order = session.get(WorkOrder, op.work_order_id)
            assert order is not None  # a foreign key
            if order.status != WorkOrderStatus.RELEASED:
                raise Refused(Refusal.WORK_ORDER_NOT_RELEASED)
            refusal = self._refusal(session, op, order, sn)
            count = _bound(session, op.id)
            if refusal is not None:
                verdict, detail = refusal
                return SerialBinding(verdict, sn, count, op.qty_planned, detail)
            equipment = self._equipment(session, op.work_center)
            session.add(
                SerialUnit(
                    id=new_id(),
                    sn=sn,
                    operation_id=op.id,
                    work_order_id=order.id,
                    equipment=equipment,
                    bound_at=self._clock.now(),
                    user_id=who.user_id,
                )
            )
            self._store.outbox.append(
                session,
                BOUND,
                {
                    "operation_id": op.id,
                    "sn": sn,
                    "work_order": order.number,
                    "equipment": equipment,
                },
                who.user_id,
                subject_id=op.id,
            )
            return SerialBinding(SerialVerdict.BOUND, sn, count + 1, op.qty_planned)

    def bound(self, operation_id: str) -> int:
        with self._store.read() as session:
            return _bound(session, operation_id)

    def _refusal(
        self, session: Session, op: Operation, order: WorkOrder, sn: str
    ) -> tuple[SerialVerdict, str] | None:
        if not op.binds_serials:
            return SerialVerdict.NOT_SERIALIZED, ""
        if op.status != OperationStatus.RUNNING:
            return SerialVerdict.NOT_RUNNING, ""
        units = session.exec(select(SerialUnit).where(SerialUnit.sn == sn)).all()
        here = next((unit for unit in units if unit.operation_id == op.id), None)
        if here is not None:
            person = session.get(User, here.user_id) if here.user_id else None
            when = here.bound_at.astimezone().strftime("%H:%M")
            return SerialVerdict.ALREADY_BOUND, f"{when} {person.name if person else ''}".strip()
        elsewhere = next((unit for unit in units if unit.work_order_id != order.id), None)
        if elsewhere is not None:
            other = session.get(WorkOrder, elsewhere.work_order_id)
            return SerialVerdict.OTHER_WORK_ORDER, other.number if other else ""
        scrapped = next((unit for unit in units if unit.scrapped), None)
        if scrapped is not None:
            where = session.get(Operation, scrapped.operation_id)
            return SerialVerdict.SCRAPPED, f"{where.seq} {where.name}" if where else ""
        if op.needs_previous_op:
            previous = session.exec(
                select(Operation)
                .where(
                    Operation.work_order_id == op.work_order_id,
                    col(Operation.seq) < op.seq,
                    col(Operation.binds_serials).is_(True),
                )
                .order_by(col(Operation.seq).desc())
            ).first()
            if (
                previous is not None
                and previous.work_center in self._work_centers
                and not any(u.operation_id == previous.id for u in units)
            ):
                return SerialVerdict.PREVIOUS_NOT_DONE, f"{previous.seq} {previous.name}"
        return None

    def _equipment(self, session: Session, work_center: str) -> str:
        """The station's equipment at this work center, as the hub sent it."""
        rows = session.exec(
            select(ReferenceRecord.data).where(ReferenceRecord.entity == "equipment")
        ).all()
        codes = sorted(
            record["code"]
            for record in map(json.loads, rows)
            if record.get("work_center") == work_center
        )
        return ", ".join(codes)


def _bound(session: Session, operation_id: str) -> int:
    return int(
        session.exec(select(func.count()).where(SerialUnit.operation_id == operation_id)).one()
    )
