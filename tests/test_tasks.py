"""The task list and start/pause/resume, with timers derived from the events."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import col, select

from kiosk.identity import SignedIn
from kiosk.services import Services
from kiosk.store.models import Event, Operation, WorkOrder
from kiosk.tasks import TaskService
from kiosk.work import OperationStatus, PauseReason, Refusal, Refused, WorkOrderStatus
from tests.fakes import FakeClock


def sign_in(services: Services, badge: str) -> SignedIn:
    user = services.auth.badge(badge).user
    assert user is not None
    return user


@pytest.fixture
def operator(services: Services) -> SignedIn:
    return sign_in(services, "E1001")


def test_only_this_stations_open_work_in_priority_then_due_order(services: Services) -> None:
    tasks = services.tasks.open_tasks()
    assert tasks, "the demo plant dispatches work to this station"
    assert {t.work_center for t in tasks} <= {"WC-SMT", "WC-ASM"}
    assert all(t.status is OperationStatus.PENDING for t in tasks)
    keys = [(t.priority, t.due_date, t.work_order, t.seq) for t in tasks]
    assert keys == sorted(keys)
    with services.store.read() as session:
        expected = session.exec(
            select(Operation)
            .join(WorkOrder, col(Operation.work_order_id) == WorkOrder.id)
            .where(
                col(Operation.work_center).in_(["WC-SMT", "WC-ASM"]),
                Operation.status == OperationStatus.PENDING,
                WorkOrder.status == WorkOrderStatus.RELEASED,
            )
        ).all()
    assert {t.operation_id for t in tasks} == {op.id for op in expected}


def test_detail_lists_the_materials_needed(services: Services) -> None:
    with_bom = [
        d
        for d in (services.tasks.detail(t.operation_id) for t in services.tasks.open_tasks())
        if d.components
    ]
    assert with_bom
    detail = with_bom[0]
    for part in detail.components:
        assert part.qty_required == pytest.approx(part.qty_per_unit * detail.task.qty_planned)


def test_start_pause_resume_write_events_and_status(
    services: Services, operator: SignedIn, clock: FakeClock
) -> None:
    task = services.tasks.open_tasks()[0]
    started = services.tasks.start(task.operation_id, operator)
    assert started.status is OperationStatus.RUNNING and started.timer.running
    clock.advance(90)
    paused = services.tasks.pause(task.operation_id, operator, PauseReason.MATERIAL_SHORTAGE)
    assert paused.status is OperationStatus.PAUSED
    assert paused.timer.elapsed(clock.monotonic()) == 90
    clock.advance(600)  # paused time does not count
    resumed = services.tasks.resume(task.operation_id, operator)
    clock.advance(30)
    assert resumed.timer.elapsed(clock.monotonic()) == 120
    with services.store.read() as session:
        history = session.exec(
            select(Event).where(Event.subject_id == task.operation_id).order_by(col(Event.seq))
        ).all()
        status = session.get(Operation, task.operation_id)
    assert [e.type for e in history] == [
        "operation.started",
        "operation.paused",
        "operation.resumed",
    ]
    assert all(e.user_id == operator.user_id for e in history)
    assert json.loads(history[1].payload)["reason"] == "material_shortage"
    assert status is not None and status.status == OperationStatus.RUNNING


def test_wrong_transitions_are_refused_and_change_nothing(
    services: Services, operator: SignedIn
) -> None:
    task = services.tasks.open_tasks()[0]
    with pytest.raises(Refused) as refused:
        services.tasks.pause(task.operation_id, operator, PauseReason.BREAK)
    assert refused.value.reason is Refusal.NOT_RUNNING
    with pytest.raises(Refused) as refused:
        services.tasks.resume(task.operation_id, operator)
    assert refused.value.reason is Refusal.NOT_PAUSED
    services.tasks.start(task.operation_id, operator)
    with pytest.raises(Refused) as refused:
        services.tasks.start(task.operation_id, operator)
    assert refused.value.reason is Refusal.ALREADY_RUNNING
    with services.store.read() as session:
        moves = session.exec(select(Event).where(col(Event.type).startswith("operation."))).all()
    assert len(moves) == 1


def test_roles_that_do_not_run_operations_are_refused(services: Services) -> None:
    handler = sign_in(services, "E1006")  # material handler
    task = services.tasks.open_tasks()[0]
    with pytest.raises(Refused) as refused:
        services.tasks.start(task.operation_id, handler)
    assert refused.value.reason is Refusal.NOT_PERMITTED


def test_other_stations_operations_and_cancelled_orders_are_refused(
    services: Services, operator: SignedIn
) -> None:
    with services.store.read() as session:
        elsewhere = session.exec(
            select(Operation).where(Operation.work_center == "WC-TEST")
        ).first()
        cancelled = session.exec(
            select(Operation)
            .join(WorkOrder, col(Operation.work_order_id) == WorkOrder.id)
            .where(
                WorkOrder.status == WorkOrderStatus.CANCELLED,
                col(Operation.work_center).in_(["WC-SMT", "WC-ASM"]),
            )
        ).first()
    assert elsewhere is not None and cancelled is not None
    with pytest.raises(Refused) as refused:
        services.tasks.start(elsewhere.id, operator)
    assert refused.value.reason is Refusal.NOT_AT_THIS_STATION
    with pytest.raises(Refused) as refused:
        services.tasks.start(cancelled.id, operator)
    assert refused.value.reason is Refusal.WORK_ORDER_NOT_RELEASED
    with pytest.raises(Refused) as refused:
        services.tasks.start("no-such-operation", operator)
    assert refused.value.reason is Refusal.UNKNOWN_OPERATION


def test_timer_survives_a_restart_and_a_wall_clock_change(
    services: Services, operator: SignedIn, clock: FakeClock
) -> None:
    task = services.tasks.open_tasks()[0]
    services.tasks.start(task.operation_id, operator)
    clock.advance(100)
    # Somebody sets the system clock back two hours while the operation runs.
    clock.set_wall(clock.wall - timedelta(hours=2))
    clock.advance(20)
    services.tasks.pause(task.operation_id, operator, PauseReason.BREAK)
    services.tasks.resume(task.operation_id, operator)
    clock.advance(5)
    # The app restarts: a new service reads the same events.
    restarted = TaskService(services.store, clock, ["WC-SMT", "WC-ASM"], services.sops)
    timer = restarted.detail(task.operation_id).task.timer
    assert timer.accumulated == 120
    assert timer.elapsed(clock.monotonic()) == 125


def test_timer_after_a_reboot_falls_back_to_wall_time(
    services: Services, operator: SignedIn, clock: FakeClock
) -> None:
    task = services.tasks.open_tasks()[0]
    services.tasks.start(task.operation_id, operator)
    clock.advance(60)
    clock.reboot("boot-2", downtime=240)  # the operation kept running through the outage
    tasks = TaskService(services.store, clock, ["WC-SMT"], services.sops)
    timer = tasks.detail(task.operation_id).task.timer
    assert timer.elapsed(clock.monotonic()) == 300
    clock.advance(10)
    assert timer.elapsed(clock.monotonic()) == 310
