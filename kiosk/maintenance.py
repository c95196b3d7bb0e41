"""Maintenance work orders at this station: opened, taken, repaired, confirmed. No Textual.

A corrective order is opened by a breakdown (the equipment service, on a change to "down")
or for an equipment exception; a preventive one when its plan falls due
(kiosk/maintenance_due.py). A technician takes it (the machine goes into maintenance),
records cause, actions, spare parts and labour, and somebody else, an operator or a team
lead, confirms the machine works again: the order closes with its downtime, from the down
state to that confirmation, and the machine is idle again. Each step is one transaction with
its event.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from kiosk.clock import Clock
from kiosk.equipment_records import Change, last_state, record_in
from kiosk.equipment_reference import in_language, station_equipment, stop_reasons
from kiosk.identity import SignedIn
from kiosk.ids import new_id
from kiosk.maintenance_due import (
    CONFIRMED,
    due_plans,
    event_mark,
    now_mark,
    plans,
    state_mark,
)
from kiosk.maintenance_records import (
    CORRECTIVE,
    OPEN_STATUSES,
    OPENED,
    PREVENTIVE,
    Opening,
    open_corrective_for,
    open_in,
)
from kiosk.maintenance_values import (
    OrderStatus,
    OrderView,
    RepairReason,
    RepairRecord,
    RepairSheet,
)
from kiosk.roles import Permission
from kiosk.store.database import Store
from kiosk.store.models import (
    Andon,
    EquipmentState,
    Event,
    MaintenanceOrder,
    MaintenancePart,
    ReferenceRecord,
    User,
)
from kiosk.timer import Mark, seconds_between
from kiosk.work import Refusal, Refused
from sync.reference import ReasonCodeRecord

CLAIMED = "maintenance.claimed"
DONE = "maintenance.done"
CAUSE, ACTION = "cause", "action"  # the kinds of the plant's reason codes a repair uses
EQUIPMENT_EXCEPTION = "equipment"
DOWN, MAINTENANCE, IDLE = "down", "maintenance", "idle"


class MaintenanceService:
    def __init__(self, store: Store, clock: Clock, work_centers: Sequence[str]) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = tuple(work_centers)

    def open_orders(self, language: str) -> list[OrderView]:
        """The orders not yet closed of this station's machines: breakdowns first, then
        preventive work, each the oldest first; titles in `language`."""
        with self._store.read() as session:
            rows = session.exec(
                select(MaintenanceOrder).where(
                    col(MaintenanceOrder.status).in_(OPEN_STATUSES),
                    col(MaintenanceOrder.equipment).in_(self._centers(session)),
                )
            ).all()
            views = self._views(session, rows, language)
        return sorted(views, key=lambda view: (view.kind != CORRECTIVE, -view.age_seconds))

    def open_due(self, who: SignedIn) -> list[OrderView]:
        """Open one preventive order per plan that is due and has none open; answers them."""
        with self._store.read() as session:
            if not due_plans(session, self._clock, self._centers(session)):
                return []  # the usual answer, without taking the write lock
        with self._store.write() as session:
            opened = [
                open_in(
                    session,
                    self._store.outbox,
                    self._clock,
                    Opening(PREVENTIVE, plan.equipment, plan.title_en, plan_code=plan.code),
                    who.user_id,
                )
                for plan in due_plans(session, self._clock, self._centers(session))
            ]
            return self._views(session, opened, who.language)

    def open_from_exception(self, exception_id: str, who: SignedIn) -> OrderView:
        """The corrective order for an equipment exception: the machine's open one if it has
        one (one breakdown, one order), else a new one naming the exception."""
        if not who.may(Permission.RUN_EQUIPMENT):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            exception = session.get(Andon, exception_id)
            if exception is None:
                raise Refused(Refusal.UNKNOWN_EXCEPTION)
            equipment = exception.equipment
            if exception.category != EQUIPMENT_EXCEPTION or equipment not in self._centers(session):
                raise Refused(Refusal.UNKNOWN_EQUIPMENT)
            order = open_corrective_for(session, equipment)
            if order is None:
                state = last_state(session, equipment)
                down = state.id if state is not None and state.state == DOWN else None
                opening = Opening(
                    CORRECTIVE,
                    equipment,
                    exception.note,
                    exception_id=exception.id,
                    down_state_id=down,
                )
                order = open_in(session, self._store.outbox, self._clock, opening, who.user_id)
            return self._views(session, [order], who.language)[0]

    def claim(self, order_id: str, who: SignedIn) -> OrderView:
        """A technician takes the order: the machine goes into maintenance."""
        if not who.may(Permission.MAINTAIN):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            order = self._unclosed(session, order_id)
            if order.status == OrderStatus.CLAIMED and order.claimed_by == who.user_id:
                return self._views(session, [order], who.language)[0]  # a second press
            if order.status != OrderStatus.OPEN:
                raise Refused(Refusal.ALREADY_CLAIMED)
            order.status = OrderStatus.CLAIMED
            order.claimed_at = self._clock.now()
            order.claimed_by = who.user_id
            session.add(order)
            outbox = self._store.outbox
            outbox.append(
                session, CLAIMED, {"maintenance_order": order.id}, who.user_id, subject_id=order.id
            )
            state = last_state(session, order.equipment)
            if state is None or state.state != MAINTENANCE:
                change = Change(order.equipment, MAINTENANCE, maintenance_order_id=order.id)
                record_in(session, outbox, self._clock, change, who.user_id)
            return self._views(session, [order], who.language)[0]

    def repair_sheet(self, order_id: str, language: str) -> RepairSheet:
        """The order, the plant's causes and actions in `language`, the labour so far."""
        with self._store.read() as session:
            order = self._unclosed(session, order_id)
            claimed = self._claim_mark(session, order)
            labour = seconds_between(claimed, now_mark(self._clock)) if claimed else 0.0
            return RepairSheet(
                self._views(session, [order], language)[0],
                tuple(_reasons(session, CAUSE, language).values()),
                tuple(_reasons(session, ACTION, language).values()),
                labour,
            )

    def record(self, order_id: str, record: RepairRecord, who: SignedIn) -> OrderView:
        """The technician's record: the order is done, waiting for its confirmation."""
        if any(part.qty <= 0 or not part.item_code.strip() for part in record.parts):
            raise ValueError("every spare part needs an item and a quantity above zero")
        with self._store.write() as session:
            order = self._unclosed(session, order_id)
            if order.status != OrderStatus.CLAIMED:
                raise Refused(Refusal.NOT_CLAIMED)
            if who.user_id != order.claimed_by and not who.may(Permission.MAINTAIN):
                raise Refused(Refusal.NOT_PERMITTED)
            if record.cause not in _reasons(session, CAUSE, who.language):
                raise Refused(Refusal.UNKNOWN_CAUSE)
            actions = _reasons(session, ACTION, who.language)
            if not record.actions or not set(record.actions) <= set(actions):
                raise Refused(Refusal.UNKNOWN_ACTION)
            labour = record.labour_seconds
            if labour is None:
                claimed = self._claim_mark(session, order)
                labour = seconds_between(claimed, now_mark(self._clock)) if claimed else 0.0
            now = self._clock.now()
            order.status = OrderStatus.DONE
            order.cause = record.cause
            order.actions = ",".join(record.actions)
            order.note = record.note
            order.labour_seconds = max(0.0, labour)
            order.done_at = now
            order.done_by = who.user_id
            session.add(order)
            for part in record.parts:
                session.add(
                    MaintenancePart(
                        id=new_id(),
                        order_id=order.id,
                        item_code=part.item_code.strip(),
                        qty=part.qty,
                        lot_no=part.lot_no,
                        used_at=now,
                        user_id=who.user_id,
                    )
                )
            parts = [
                {"item_code": part.item_code.strip(), "qty": part.qty, "lot_no": part.lot_no}
                for part in record.parts
            ]
            self._store.outbox.append(
                session,
                DONE,
                {
                    "maintenance_order": order.id,
                    "cause": order.cause,
                    "actions": order.actions,
                    "labour_seconds": round(order.labour_seconds, 3),
                    "parts": parts,
                    "note": order.note,
                },
                who.user_id,
                subject_id=order.id,
            )
            return self._views(session, [order], who.language)[0]

    def confirm(self, order_id: str, who: SignedIn) -> OrderView:
        """Somebody other than the technician confirms the machine works again: the order
        closes with its downtime, and a machine held by it is idle again."""
        if not who.may(Permission.CONFIRM_REPAIR):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            order = self._unclosed(session, order_id)
            if order.status != OrderStatus.DONE:
                raise Refused(Refusal.MAINTENANCE_NOT_DONE)
            if who.user_id in (order.claimed_by, order.done_by):
                raise Refused(Refusal.NOT_PERMITTED)  # a repair is confirmed by other eyes
            down = session.get(EquipmentState, order.down_state_id or "")
            now = now_mark(self._clock)
            order.status = OrderStatus.CLOSED
            order.confirmed_at = now.occurred_at
            order.confirmed_by = who.user_id
            order.downtime_seconds = seconds_between(state_mark(down), now) if down else None
            session.add(order)
            outbox = self._store.outbox
            outbox.append(
                session,
                CONFIRMED,
                {
                    "maintenance_order": order.id,
                    "confirmed_by": who.user_id,
                    "downtime_seconds": order.downtime_seconds,
                },
                who.user_id,
                subject_id=order.id,
            )
            state = last_state(session, order.equipment)
            # Only a machine this order still holds (its breakdown, or in maintenance for it)
            # is handed back; one set running meanwhile, or down again since, keeps its state.
            held = state is not None and (
                state.id == order.down_state_id
                or (state.state == MAINTENANCE and state.maintenance_order_id == order.id)
            )
            if held:
                # Idle without a stop reason: it waits for work, not for a fault.
                change = Change(order.equipment, IDLE, maintenance_order_id=order.id)
                record_in(session, outbox, self._clock, change, who.user_id)
            return self._views(session, [order], who.language)[0]

    def _centers(self, session: Session) -> dict[str, str]:
        """This station's machines: code → work center."""
        return {r.code: r.work_center for r in station_equipment(session, self._work_centers)}

    def _unclosed(self, session: Session, order_id: str) -> MaintenanceOrder:
        order = session.get(MaintenanceOrder, order_id)
        if order is None or order.equipment not in self._centers(session):
            raise Refused(Refusal.UNKNOWN_MAINTENANCE_ORDER)
        if order.status == OrderStatus.CLOSED:
            raise Refused(Refusal.MAINTENANCE_CLOSED)
        return order

    def _claim_mark(self, session: Session, order: MaintenanceOrder) -> Mark | None:
        event = session.exec(
            select(Event)
            .where(Event.type == CLAIMED, Event.subject_id == order.id)
            .order_by(col(Event.seq).desc())
        ).first()
        return event_mark(event) if event is not None else None

    def _views(
        self, session: Session, orders: Sequence[MaintenanceOrder], language: str
    ) -> list[OrderView]:
        ids = [order.id for order in orders]
        opened = {
            event.subject_id: event_mark(event)
            for event in session.exec(
                select(Event).where(Event.type == OPENED, col(Event.subject_id).in_(ids))
            ).all()
        }
        claimers = [order.claimed_by for order in orders if order.claimed_by]
        people = session.exec(select(User.id, User.name).where(col(User.id).in_(claimers)))
        names = dict(people.all())
        titles = {p.code: in_language(p.title_zh, p.title_en, language) for p in plans(session)}
        # A breakdown is titled by its stop reason, named for the reader (the order keeps
        # the opener's wording for readers of a reason the plant's list no longer has).
        downs = [order.down_state_id for order in orders if order.down_state_id]
        stops = stop_reasons(session)
        stopped = {
            state.id: in_language(
                stops[state.reason].name_zh, stops[state.reason].name_en, language
            )
            for state in session.exec(
                select(EquipmentState).where(col(EquipmentState.id).in_(downs))
            ).all()
            if state.reason in stops
        }
        now = now_mark(self._clock)
        return [
            OrderView(
                order_id=order.id,
                number=order.number,
                kind=order.kind,
                equipment=order.equipment,
                status=OrderStatus(order.status),
                title=titles.get(order.plan_code or "")
                or stopped.get(order.down_state_id or "")
                or order.title,
                age_seconds=seconds_between(opened[order.id], now),
                claimed_by=names.get(order.claimed_by or "", ""),
                claimed_by_id=order.claimed_by,
                done_by_id=order.done_by,
                downtime_seconds=order.downtime_seconds,
            )
            for order in orders
        ]


def _reasons(session: Session, kind: str, language: str) -> dict[str, RepairReason]:
    """The plant's reasons of one kind by code, named in `language`."""
    rows = session.exec(
        select(ReferenceRecord.data).where(ReferenceRecord.entity == "reason_code")
    ).all()
    records = sorted(
        (r for r in map(ReasonCodeRecord.model_validate_json, rows) if r.kind == kind),
        key=lambda r: r.code,
    )
    return {
        r.code: RepairReason(r.code, in_language(r.name_zh, r.name_en, language)) for r in records
    }
