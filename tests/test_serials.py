"""Binding units by serial number: format at the scan, duplicates, the routing's order."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from kiosk.demo_data import demo_serial
from kiosk.identity import SignedIn
from kiosk.serial_values import SerialVerdict
from kiosk.services import Services
from kiosk.store.models import Event, SerialUnit
from kiosk.work import Refusal, Refused, Task
from tests.conftest import TODAY
from tests.test_materials import signed_in


def task_of(services: Services, order: int, seq: int) -> Task:
    number = f"WO-{TODAY:%y%m}-{order:04d}"
    return next(t for t in services.tasks.open_tasks() if t.work_order == number and t.seq == seq)


def started(services: Services, order: int, seq: int, who: SignedIn) -> Task:
    task = task_of(services, order, seq)
    services.sops.acknowledge(task.operation_id, who)
    return services.tasks.start(task.operation_id, who)


def bound_events(services: Services) -> list[dict[str, str]]:
    with services.store.read() as session:
        rows = session.exec(
            select(Event).where(Event.type == "serial.bound").order_by(col(Event.seq))
        ).all()
    return [json.loads(row.payload) for row in rows]


def test_a_unit_is_bound_once_with_its_equipment_and_event(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 35, 20, kevin)  # GW-310, reflow & AOI binds serials

    first = services.serials.bind(reflow.operation_id, "SN2611003500001", kevin)
    again = services.serials.bind(reflow.operation_id, "SN2611003500001", kevin)

    assert (first.verdict, first.bound, first.planned) == (SerialVerdict.BOUND, 1, 150)
    assert again.verdict is SerialVerdict.ALREADY_BOUND
    assert "Kevin Chen" in again.detail
    assert again.bound == 1
    assert bound_events(services) == [
        {
            "operation_id": reflow.operation_id,
            "sn": "SN2611003500001",
            "work_order": reflow.work_order,
            "equipment": "SMT1-PNP, SMT1-REFLOW",
        }
    ]
    with services.store.read() as session:
        unit = session.exec(select(SerialUnit)).all()
    assert [(u.sn, u.user_id) for u in unit if u.operation_id == reflow.operation_id] == [
        ("SN2611003500001", kevin.user_id)
    ]


def test_a_unit_of_another_work_order_is_refused_naming_it(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 35, 20, kevin)
    theirs = demo_serial(TODAY, 31, 7)  # bound at order 31's reflow yesterday

    binding = services.serials.bind(reflow.operation_id, theirs, kevin)

    assert binding.verdict is SerialVerdict.OTHER_WORK_ORDER
    assert binding.detail == f"WO-{TODAY:%y%m}-0031"
    assert bound_events(services) == []


def test_the_previous_operation_must_have_bound_the_unit(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 35, 20, kevin)
    assembly = started(services, 35, 30, kevin)  # needs the unit through reflow first

    early = services.serials.bind(assembly.operation_id, "SN2611003500002", kevin)
    services.serials.bind(reflow.operation_id, "SN2611003500002", kevin)
    after = services.serials.bind(assembly.operation_id, "SN2611003500002", kevin)

    assert early.verdict is SerialVerdict.PREVIOUS_NOT_DONE
    assert early.detail == "20 Reflow & AOI 回流焊/AOI"
    assert after.verdict is SerialVerdict.BOUND
    # Order 31's boards were bound at its reflow yesterday: assembly takes them over.
    history = started(services, 31, 30, kevin)
    taken = services.serials.bind(history.operation_id, demo_serial(TODAY, 31, 1), kevin)
    assert taken.verdict is SerialVerdict.BOUND


def test_only_a_running_serial_binding_operation_binds(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    pending = task_of(services, 35, 20)
    smt = started(services, 32, 20, kevin)  # MC-200 reflow: no serial numbers here

    assert (
        services.serials.bind(pending.operation_id, "SN2611003500003", kevin).verdict
        is SerialVerdict.NOT_RUNNING
    )
    assert (
        services.serials.bind(smt.operation_id, "SN2611003500003", kevin).verdict
        is SerialVerdict.NOT_SERIALIZED
    )
    assert bound_events(services) == []


def test_people_who_do_not_run_operations_cannot_bind(services: Services) -> None:
    kevin = signed_in(services, "E1003")
    reflow = started(services, 35, 20, kevin)
    handler = signed_in(services, "E1007")

    with pytest.raises(Refused) as refused:
        services.serials.bind(reflow.operation_id, "SN2611003500004", handler)

    assert refused.value.reason is Refusal.NOT_PERMITTED
    assert services.serials.bound(reflow.operation_id) == 0
