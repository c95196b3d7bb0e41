"""Raising inspections inside a caller's transaction: starting an operation raises its first
article, a report its patrols by units and its final inspection, the QC service its patrols by
minutes. And what reporting asks of them: is the first article still pending. No Textual.

An inspection plan belongs to an item and one operation of its routing (`operation_seq`, or
the work order's last operation). First-article and patrol inspections take the plan's
`sample_size` units and accept none nonconforming; a final inspection samples the lot by
ISO 2859-1 at the severity the plan's switching state gives (kiosk/qc_sampling.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from kiosk.clock import Clock
from kiosk.ids import new_id, short_code
from kiosk.qc_sampling import SamplingPlan, Severity, SwitchingState, plan_for
from kiosk.qc_values import Decision, InspectionKind, InspectionStatus
from kiosk.store.models import (
    Disposition,
    Event,
    Inspection,
    Operation,
    QcSwitching,
    ReferenceRecord,
    WorkOrder,
)
from kiosk.store.outbox import Outbox
from kiosk.timer import PAUSED, TIMER_EVENTS, Mark, seconds_between
from kiosk.work import OperationStatus, WorkOrderStatus
from sync.reference import InspectionPlanRecord

RAISED = "qc.inspection_raised"
PLAN = "inspection_plan"  # the reference records' entity
# What raised an inspection (Inspection.trigger).
ON_START, ON_UNITS, ON_MINUTES, ON_FINAL_REPORT = "start", "units", "minutes", "final_report"
ON_DISPOSITION = "disposition"  # a first article again, after a rework or scrap
_NEWEST_FIRST = text("inspection.rowid DESC")  # the order they were raised in


def plans(session: Session) -> list[InspectionPlanRecord]:
    """Every inspection plan the hub sent, by code."""
    rows = session.exec(select(ReferenceRecord.data).where(ReferenceRecord.entity == PLAN)).all()
    return sorted(map(InspectionPlanRecord.model_validate_json, rows), key=lambda p: p.code)


def plan_named(session: Session, code: str) -> InspectionPlanRecord | None:
    row = session.get(ReferenceRecord, (PLAN, code))
    return None if row is None else InspectionPlanRecord.model_validate_json(row.data)


def plan_of(session: Session, inspection: Inspection) -> InspectionPlanRecord | None:
    """The plan an inspection is done by: as it was when raised."""
    if inspection.plan:
        return InspectionPlanRecord.model_validate_json(inspection.plan)
    return plan_named(session, inspection.plan_code)


def plans_for(
    session: Session, operation: Operation, item_code: str, kind: InspectionKind
) -> list[InspectionPlanRecord]:
    """The item's plans of this kind for this operation of its routing."""
    last = session.exec(
        select(func.max(Operation.seq)).where(Operation.work_order_id == operation.work_order_id)
    ).one()
    return [
        plan
        for plan in plans(session)
        if plan.item_code == item_code
        and plan.kind == kind
        and (plan.operation_seq if plan.operation_seq is not None else last) == operation.seq
    ]


def raise_first_article_in(
    session: Session,
    outbox: Outbox,
    clock: Clock,
    operation: Operation,
    item_code: str,
    user_id: str | None,
) -> list[Inspection]:
    """The operation's first-article inspections, one per plan: its reports wait for them."""
    return [
        raise_inspection_in(session, outbox, clock, plan, operation, ON_START, user_id)
        for plan in plans_for(session, operation, item_code, InspectionKind.FIRST_ARTICLE)
    ]


def first_article_pending(session: Session, operation_id: str) -> bool:
    """Whether a first-article plan's newest inspection of the operation is open, or failed
    without a concession: a rework or scrap raised a new one, which has to pass too. A plan
    the hub withdrew holds nothing up."""
    inspections = session.exec(
        select(Inspection)
        .where(
            Inspection.operation_id == operation_id,
            Inspection.kind == InspectionKind.FIRST_ARTICLE,
        )
        .order_by(_NEWEST_FIRST)
    ).all()
    newest: dict[str, Inspection] = {}
    for inspection in inspections:
        newest.setdefault(inspection.plan_code, inspection)
    return any(
        _holds_up(session, inspection) and plan_named(session, code) is not None
        for code, inspection in newest.items()
    )


def _holds_up(session: Session, inspection: Inspection) -> bool:
    if inspection.status == InspectionStatus.FAILED:
        decision = session.exec(
            select(Disposition.decision).where(Disposition.inspection_id == inspection.id)
        ).first()
        return decision != Decision.CONCESSION
    return inspection.status == InspectionStatus.OPEN


def raise_after_report_in(
    session: Session,
    outbox: Outbox,
    clock: Clock,
    operation: Operation,
    item_code: str,
    good_before: int,
    good_total: int,
    final: bool,
    user_id: str | None,
) -> list[Inspection]:
    """What a report raises: a patrol for each plan by units whose multiple of `every_units`
    the operation's good units crossed (`good_before` → `good_total`: one inspection however
    many multiples one report crosses); on a final report, the lot's final inspection of
    `good_total` units, at the plan's switching severity: tightened while acceptance
    sampling is discontinued, as the lot is inspected all the same."""
    raised = [
        raise_inspection_in(session, outbox, clock, plan, operation, ON_UNITS, user_id)
        for plan in plans_for(session, operation, item_code, InspectionKind.PATROL)
        if plan.every_units is not None
        and good_total // plan.every_units > good_before // plan.every_units
    ]
    if final and good_total > 0:
        for plan in plans_for(session, operation, item_code, InspectionKind.FINAL):
            assert plan.aql is not None  # the hub refuses a final plan without one
            severity = switching_state(session, plan.code).severity
            sampling = plan_for(good_total, plan.aql, plan.level, severity)
            lot = Lot(good_total, sampling, severity)
            raised.append(
                raise_inspection_in(
                    session, outbox, clock, plan, operation, ON_FINAL_REPORT, user_id, lot
                )
            )
    return raised


@dataclass(frozen=True)
class Lot:
    """A final inspection's lot and how it is sampled."""

    size: int
    sampling: SamplingPlan
    severity: Severity


def raise_inspection_in(
    session: Session,
    outbox: Outbox,
    clock: Clock,
    plan: InspectionPlanRecord,
    operation: Operation,
    trigger: str,
    user_id: str | None,
    lot: Lot | None = None,
) -> Inspection:
    """Add an open inspection of `plan` for the operation, with its event."""
    inspection_id = new_id()
    row = Inspection(
        id=inspection_id,
        # Like a maintenance order's: 25 random bits a day at a station, collisions unlikely.
        number=f"QC-{clock.now().astimezone():%y%m%d}-{short_code(inspection_id)[:5]}",
        plan_code=plan.code,
        plan=plan.model_dump_json(),
        kind=plan.kind,
        item_code=plan.item_code,
        operation_id=operation.id,
        work_center=operation.work_center,
        trigger=trigger,
        lot_size=lot.size if lot else None,
        code_letter=lot.sampling.code_letter if lot else "",
        severity=lot.severity if lot else Severity.NORMAL,
        sample_size=lot.sampling.sample_size if lot else plan.sample_size,
        accept=lot.sampling.accept if lot else 0,
        reject=lot.sampling.reject if lot else 1,
        status=InspectionStatus.OPEN,
        raised_at=clock.now(),
        raised_mono_ns=int(clock.monotonic() * 1e9),
        raised_boot=clock.boot_id(),
    )
    session.add(row)
    outbox.append(
        session,
        RAISED,
        {
            "inspection_id": row.id,
            "number": row.number,
            "plan": row.plan_code,
            "kind": row.kind,
            "item_code": row.item_code,
            "operation_id": row.operation_id,
            "trigger": trigger,
            "sample_size": row.sample_size,
            "accept": row.accept,
            "reject": row.reject,
            "lot_size": row.lot_size,
            "code_letter": row.code_letter,
            "severity": row.severity,
        },
        user_id,
        subject_id=row.id,
    )
    return row


# ISO 2859-1 switching: the state of each final plan, kept as JSON.


def switching_state(session: Session, plan_code: str) -> SwitchingState:
    """The plan's switching state. Sampling discontinued (9.4) resumes at tightened
    inspection once the supplier's corrective action is agreed: the QC engineer re-imports
    the plan at the hub, changed as agreed (an identical import sends stations nothing), and
    the record this station holds then differs from the one the state was kept under."""
    row = session.get(QcSwitching, plan_code)
    if row is None:
        return SwitchingState()
    data = json.loads(row.state)
    state = SwitchingState(
        severity=Severity(data["severity"]),
        discontinued=data["discontinued"],
        score=data["score"],
        recent=tuple(data["recent"]),
        accepted_run=data["accepted_run"],
        not_accepted=data["not_accepted"],
    )
    if state.discontinued and data.get("plan") != _plan_digest(session, plan_code):
        return SwitchingState(Severity.TIGHTENED)
    return state


def keep_switching_state(session: Session, plan_code: str, state: SwitchingState) -> None:
    """Keep the state with a digest of the plan record it was reached under."""
    row = session.get(QcSwitching, plan_code) or QcSwitching(plan_code=plan_code, state="")
    row.state = json.dumps(asdict(state) | {"plan": _plan_digest(session, plan_code)})
    session.add(row)


def _plan_digest(session: Session, plan_code: str) -> str | None:
    """SHA-256 of the plan's record as the hub sent it; None once withdrawn."""
    row = session.get(ReferenceRecord, (PLAN, plan_code))
    return None if row is None else hashlib.sha256(row.data.encode()).hexdigest()


# Patrols by minutes of running.


def patrols_due(
    session: Session, clock: Clock, work_centers: Sequence[str]
) -> list[tuple[Operation, InspectionPlanRecord]]:
    """The running operations of these work centers with a patrol plan by minutes that is
    due: that many minutes of the operation's running time passed since the plan's last
    inspection of it was raised (or since the operation started), and none is open."""
    running = session.exec(
        select(Operation, WorkOrder.item_code)
        .join(WorkOrder, col(Operation.work_order_id) == WorkOrder.id)
        .where(
            col(Operation.work_center).in_(work_centers),
            Operation.status == OperationStatus.RUNNING,
            WorkOrder.status == WorkOrderStatus.RELEASED,
        )
    ).all()
    due = []
    for operation, item_code in running:
        for plan in plans_for(session, operation, item_code, InspectionKind.PATROL):
            if plan.every_minutes is None:
                continue
            last = session.exec(
                select(Inspection)
                .where(Inspection.operation_id == operation.id, Inspection.plan_code == plan.code)
                .order_by(_NEWEST_FIRST)
                .limit(1)
            ).first()
            if last is not None and last.status == InspectionStatus.OPEN:
                continue
            since = None if last is None else _raised_event(session, last.id)
            if _running_seconds(session, clock, operation.id, since) >= plan.every_minutes * 60:
                due.append((operation, plan))
    return due


def _raised_event(session: Session, inspection_id: str) -> Event:
    return session.exec(
        select(Event).where(Event.type == RAISED, Event.subject_id == inspection_id)
    ).one()


def _running_seconds(
    session: Session, clock: Clock, operation_id: str, since: Event | None
) -> float:
    """How long the operation ran after `since` (from its start when None). Events are
    ordered by their sequence, not their wall time, and each stretch is measured by
    kiosk.timer.seconds_between: a clock set back or forward changes nothing."""
    events: Iterable[Event] = session.exec(
        select(Event)
        .where(Event.subject_id == operation_id, col(Event.type).in_(TIMER_EVENTS))
        .order_by(col(Event.seq))
    ).all()
    if since is not None:
        events = sorted([*events, since], key=lambda event: event.seq)
    seconds = 0.0
    running_from: Mark | None = None
    for event in events:
        mark = Mark(event.type, event.occurred_at, event.mono_ns, event.boot_id)
        if event is since:
            seconds = 0.0  # only what ran after it counts
            running_from = mark if running_from is not None else None
        elif event.type == PAUSED:
            if running_from is not None:
                seconds += seconds_between(running_from, mark)
            running_from = None
        else:
            running_from = running_from or mark
    if running_from is not None:
        now = Mark("now", clock.now(), int(clock.monotonic() * 1e9), clock.boot_id())
        seconds += seconds_between(running_from, now)
    return seconds
