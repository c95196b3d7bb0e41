"""Which preventive maintenance plans are due, read inside a caller's session. No Textual.

A plan counts from its last closed order (the moment the repair was confirmed) or, before
its first one, from the later of the machine's first recorded state and the plan's
`counts_from` (when the hub first had it): with nothing recorded yet there is nothing to
count from, and the plan waits. Days and run hours are measured on the monotonic
clock within a boot (wall time across reboots), so a clock change neither hastens nor delays
a plan. Units are the good units reported at the machine's work center since then; a work
report carries only its wall time, so those are compared by wall time.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from kiosk.clock import Clock
from kiosk.equipment_records import STATE_CHANGED, state_marks
from kiosk.equipment_time import time_in_states
from kiosk.maintenance_records import OPEN_STATUSES
from kiosk.store.models import (
    EquipmentState,
    Event,
    MaintenanceOrder,
    Operation,
    ReferenceRecord,
    WorkReport,
)
from kiosk.timer import Mark, seconds_between
from sync.reference import MaintenancePlanRecord

CONFIRMED = "maintenance.confirmed"
RUNNING = "running"
_DAY = 86_400.0
_HOUR = 3_600.0


def plans(session: Session) -> list[MaintenancePlanRecord]:
    """Every maintenance plan the hub sent, by code."""
    rows = session.exec(
        select(ReferenceRecord.data).where(ReferenceRecord.entity == "maintenance_plan")
    ).all()
    found = [MaintenancePlanRecord.model_validate_json(data) for data in rows]
    return sorted(found, key=lambda plan: plan.code)


def due_plans(
    session: Session, clock: Clock, centers: Mapping[str, str]
) -> list[MaintenancePlanRecord]:
    """The plans of these machines (code → work center) that are due and have no order
    open."""
    due = []
    for plan in plans(session):
        if plan.equipment not in centers or _has_open_order(session, plan.code):
            continue
        origin = _origin(session, plan)
        if origin is not None and _is_due(session, clock, plan, origin, centers[plan.equipment]):
            due.append(plan)
    return due


def now_mark(clock: Clock) -> Mark:
    return Mark("now", clock.now(), int(clock.monotonic() * 1e9), clock.boot_id())


def event_mark(event: Event) -> Mark:
    return Mark(event.type, event.occurred_at, event.mono_ns, event.boot_id)


def state_mark(row: EquipmentState) -> Mark:
    return Mark(STATE_CHANGED, row.changed_at, row.mono_ns, row.boot_id)


def _has_open_order(session: Session, plan_code: str) -> bool:
    return (
        session.exec(
            select(MaintenanceOrder.id).where(
                MaintenanceOrder.plan_code == plan_code,
                col(MaintenanceOrder.status).in_(OPEN_STATUSES),
            )
        ).first()
        is not None
    )


def _origin(session: Session, plan: MaintenancePlanRecord) -> Mark | None:
    """Where the plan counts from: its last confirmation, else the machine's first state or
    the plan's start, whichever is later."""
    orders = select(MaintenanceOrder.id).where(MaintenanceOrder.plan_code == plan.code)
    confirmed = session.exec(
        select(Event)
        .where(Event.type == CONFIRMED, col(Event.subject_id).in_(orders))
        .order_by(col(Event.seq).desc())
        .limit(1)
    ).first()
    if confirmed is not None:
        return event_mark(confirmed)
    first = session.exec(
        select(EquipmentState)
        .where(EquipmentState.equipment == plan.equipment)
        .order_by(text("equipment_state.rowid"))
        .limit(1)
    ).first()
    if first is None:
        return None
    start = state_mark(first)
    if plan.counts_from is not None and plan.counts_from > start.occurred_at:
        # Wall time only: no boot's monotonic clock saw the plan arrive.
        return Mark("counts_from", plan.counts_from, 0, "")
    return start


def _is_due(
    session: Session, clock: Clock, plan: MaintenancePlanRecord, origin: Mark, center: str
) -> bool:
    elapsed = seconds_between(origin, now_mark(clock))
    if plan.every_days is not None and elapsed >= plan.every_days * _DAY:
        return True
    if plan.every_run_hours is not None:
        # The origin is itself a state change (or recorded with one): time_in_states places
        # the window on the monotonic clock by it, whatever the wall clock did since.
        marks = state_marks(session, plan.equipment)
        times = time_in_states(marks, origin.occurred_at, clock)
        if times.seconds.get(RUNNING, 0.0) >= plan.every_run_hours * _HOUR:
            return True
    if plan.every_units is not None:
        units = session.exec(
            select(func.coalesce(func.sum(WorkReport.good), 0))
            .join(Operation, col(Operation.id) == col(WorkReport.operation_id))
            .where(Operation.work_center == center, WorkReport.reported_at >= origin.occurred_at)
        ).one()
        return int(units) >= plan.every_units
    return False
