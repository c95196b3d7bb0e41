"""The work dispatched to this station, and starting, pausing and resuming it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from kiosk.clock import Clock
from kiosk.config import ShiftsSection
from kiosk.daily_check import require_checks
from kiosk.identity import SignedIn
from kiosk.qc_records import raise_first_article_in
from kiosk.roles import Permission
from kiosk.shifts import shift_start
from kiosk.sop import SopService
from kiosk.store.database import Store
from kiosk.store.models import BomLine, Event, Item, Operation, WorkOrder
from kiosk.timer import PAUSED, RESUMED, STARTED, TIMER_EVENTS, Mark, timer_from
from kiosk.work import (
    OPEN_STATUSES,
    Component,
    OperationStatus,
    PauseReason,
    Refusal,
    Refused,
    Task,
    TaskDetail,
    WorkOrderStatus,
)

# kiosk.toml's default shifts, for a service built without a config (tests, tools).
_DEFAULT_SHIFTS = tuple(ShiftsSection().starts)


class TaskService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        work_centers: Sequence[str],
        sops: SopService,
        shift_starts: Sequence[str] = _DEFAULT_SHIFTS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = tuple(work_centers)
        self._sops = sops
        self._shift_starts = tuple(shift_starts)  # the daily checks are per shift

    def open_tasks(self) -> list[Task]:
        """Open operations at this station's work centers: most urgent first, then due."""
        with self._store.read() as session:
            rows = session.exec(
                select(Operation, WorkOrder, Item)
                .join(WorkOrder, col(Operation.work_order_id) == WorkOrder.id)
                .join(Item, col(WorkOrder.item_code) == Item.code)
                .where(
                    col(Operation.work_center).in_(self._work_centers),
                    col(Operation.status).in_(OPEN_STATUSES),
                    WorkOrder.status == WorkOrderStatus.RELEASED,
                )
                .order_by(
                    col(WorkOrder.priority),
                    col(WorkOrder.due_date),
                    col(WorkOrder.number),
                    col(Operation.seq),
                )
            ).all()
            marks = operation_marks(session, [op.id for op, _, _ in rows])
        return [self._task(op, wo, item, marks[op.id]) for op, wo, item in rows]

    def detail(self, operation_id: str) -> TaskDetail:
        with self._store.read() as session:
            op, wo, item = self._load(session, operation_id)
            lines = session.exec(
                select(BomLine, Item)
                .join(Item, col(BomLine.item_code) == Item.code)
                .where(BomLine.operation_id == operation_id)
                .order_by(col(BomLine.item_code))
            ).all()
            marks = operation_marks(session, [operation_id])
        components = tuple(
            Component(
                item_code=line.item_code,
                description=part.description,
                qty_per_unit=line.qty_per_unit,
                qty_required=line.qty_per_unit * op.qty_planned,
                unit=part.unit,
            )
            for line, part in lines
        )
        return TaskDetail(self._task(op, wo, item, marks[operation_id]), components)

    def start(self, operation_id: str, who: SignedIn) -> Task:
        """Start the operation; the daily checks of its work center's machines must have been
        done this shift, and a revised SOP acknowledged by `who`."""
        return self._transition(
            operation_id, who, STARTED, (OperationStatus.PENDING,), OperationStatus.RUNNING, {}
        )

    def pause(self, operation_id: str, who: SignedIn, reason: PauseReason) -> Task:
        return self._transition(
            operation_id,
            who,
            PAUSED,
            (OperationStatus.RUNNING,),
            OperationStatus.PAUSED,
            {"reason": reason.value},
        )

    def resume(self, operation_id: str, who: SignedIn) -> Task:
        return self._transition(
            operation_id, who, RESUMED, (OperationStatus.PAUSED,), OperationStatus.RUNNING, {}
        )

    def _transition(
        self,
        operation_id: str,
        who: SignedIn,
        event_type: str,
        allowed_from: tuple[OperationStatus, ...],
        to: OperationStatus,
        extra: dict[str, str],
    ) -> Task:
        if not who.may(Permission.RUN_OPERATION):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            op, wo, item = self._load(session, operation_id)
            if op.work_center not in self._work_centers:
                raise Refused(Refusal.NOT_AT_THIS_STATION)
            if wo.status != WorkOrderStatus.RELEASED:
                raise Refused(Refusal.WORK_ORDER_NOT_RELEASED)
            if op.status not in allowed_from:
                raise Refused(_wrong_state(OperationStatus(op.status), event_type))
            if event_type in (STARTED, RESUMED):  # a resume may be a new shift's first start
                since = shift_start(self._clock.now(), self._shift_starts)
                require_checks(session, op.work_center, since)
            if event_type == STARTED and self._sops.needs_acknowledgement(op.id, who):
                raise Refused(Refusal.SOP_NOT_ACKNOWLEDGED)
            op.status = to
            session.add(op)
            self._store.outbox.append(
                session,
                event_type,
                {
                    "operation_id": op.id,
                    "work_order": wo.number,
                    "seq": op.seq,
                    "session_id": who.session_id,
                    **extra,
                },
                who.user_id,
                subject_id=op.id,
            )
            if event_type == STARTED:  # the first unit is checked before the run counts
                outbox = self._store.outbox
                raise_first_article_in(session, outbox, self._clock, op, wo.item_code, who.user_id)
            marks = operation_marks(session, [op.id])
            return self._task(op, wo, item, marks[op.id])

    def _load(self, session: Session, operation_id: str) -> tuple[Operation, WorkOrder, Item]:
        row = session.exec(
            select(Operation, WorkOrder, Item)
            .join(WorkOrder, col(Operation.work_order_id) == WorkOrder.id)
            .join(Item, col(WorkOrder.item_code) == Item.code)
            .where(Operation.id == operation_id)
        ).first()
        if row is None:
            raise Refused(Refusal.UNKNOWN_OPERATION)
        return row

    def _task(self, op: Operation, wo: WorkOrder, item: Item, marks: list[Mark]) -> Task:
        return Task(
            operation_id=op.id,
            work_order=wo.number,
            item_code=item.code,
            item_description=item.description,
            seq=op.seq,
            operation=op.name,
            work_center=op.work_center,
            qty_planned=op.qty_planned,
            qty_good=op.qty_good,
            qty_scrap=op.qty_scrap,
            due_date=wo.due_date,
            priority=wo.priority,
            status=OperationStatus(op.status),
            sop_code=op.sop_code,
            timer=timer_from(marks, self._clock),
        )


def operation_marks(session: Session, operation_ids: list[str]) -> dict[str, list[Mark]]:
    """The start/pause/resume marks of each operation, in order: what its timer is made of."""
    marks: dict[str, list[Mark]] = defaultdict(list)
    if not operation_ids:
        return marks
    events = session.exec(
        select(Event)
        .where(col(Event.subject_id).in_(operation_ids), col(Event.type).in_(TIMER_EVENTS))
        .order_by(col(Event.seq))
    ).all()
    for event in events:
        assert event.subject_id is not None  # guaranteed by the query
        marks[event.subject_id].append(
            Mark(event.type, event.occurred_at, event.mono_ns, event.boot_id)
        )
    return marks


def _wrong_state(current: OperationStatus, event_type: str) -> Refusal:
    if current in (OperationStatus.DONE, OperationStatus.CANCELLED):
        return Refusal.CLOSED
    if event_type == STARTED:
        return Refusal.ALREADY_RUNNING
    if event_type == PAUSED:
        return Refusal.NOT_RUNNING
    return Refusal.NOT_PAUSED
