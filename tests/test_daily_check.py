"""The daily equipment check (点检): answers, limits, a failure's exception, the start gate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from kiosk.daily_check_values import Answer, CheckKind, CheckStatus
from kiosk.equipment_values import MachineState
from kiosk.identity import SignedIn
from kiosk.roles import Permission
from kiosk.services import Services
from kiosk.store.models import Andon, DailyCheck, ReferenceRecord
from kiosk.work import PauseReason, Refusal, Refused, Task
from tests.fakes import FakeClock
from tests.test_equipment import events
from tests.test_tasks import sign_in

CHECK_ITEMS: list[dict[str, Any]] = [
    {
        "code": "AIR",
        "text_zh": "气源压力",
        "text_en": "Air pressure",
        "kind": "value",
        "lsl": 0.5,
        "usl": 0.7,
        "unit": "MPa",
    },
    {"code": "NOZZLE", "text_zh": "吸嘴清洁无堵塞", "text_en": "Nozzles clean"},
    {"code": "DOOR", "text_zh": "安全门联锁有效", "text_en": "Safety door interlock works"},
]
ALL_GOOD = {
    "AIR": Answer(value=0.6),
    "NOZZLE": Answer(passed=True),
    "DOOR": Answer(passed=True),
}


def give_check_items(
    services: Services, equipment: str, items: list[dict[str, Any]] = CHECK_ITEMS
) -> None:
    """The hub's equipment record, now with daily check items."""
    with services.store.write() as session:
        record = session.get(ReferenceRecord, ("equipment", equipment))
        assert record is not None
        record.data = json.dumps(json.loads(record.data) | {"daily_check": items})
        session.add(record)


def pending_at(services: Services, work_center: str) -> Task:
    return next(t for t in services.tasks.open_tasks() if t.work_center == work_center)


def team_lead(services: Services) -> SignedIn:
    approver = services.auth.authorize("E1009", "1357", Permission.RELEASE_CHECK).user
    assert approver is not None
    return approver


def refusal_of(call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refused) as refused:
        call(*args)
    return refused.value.reason


@pytest.fixture
def operator(services: Services) -> SignedIn:
    give_check_items(services, "SMT1-PNP")
    return sign_in(services, "E1003")  # Kevin Chen, English


def test_items_are_worded_in_the_persons_language_and_only_checked_machines_need_one(
    services: Services, operator: SignedIn
) -> None:
    checks = services.daily_checks
    air, nozzle, door = checks.items("SMT1-PNP", "zh_CN")
    assert (air.text, air.kind, air.lsl, air.usl, air.unit) == (
        "气源压力",
        CheckKind.VALUE,
        0.5,
        0.7,
        "MPa",
    )
    assert (nozzle.kind, door.text) == (CheckKind.PASS_FAIL, "安全门联锁有效")
    assert checks.items("SMT1-PNP", "en")[1].text == "Nozzles clean"
    assert checks.statuses() == {
        "SMT1-PNP": CheckStatus.TO_DO,
        "SMT1-REFLOW": CheckStatus.NOT_NEEDED,
        "ASM1-SCREW": CheckStatus.NOT_NEEDED,
    }
    assert refusal_of(checks.items, "TST1-FCT", "en") is Refusal.UNKNOWN_EQUIPMENT


def test_work_waits_for_the_check_of_its_work_centers_machines_only(
    services: Services, operator: SignedIn
) -> None:
    smt, assembly = pending_at(services, "WC-SMT"), pending_at(services, "WC-ASM")
    assert refusal_of(services.tasks.start, smt.operation_id, operator) is (
        Refusal.DAILY_CHECK_NEEDED
    )
    services.sops.acknowledge(assembly.operation_id, operator)  # its revised SOP
    services.tasks.start(assembly.operation_id, operator)  # its machine has no check items

    done = services.daily_checks.submit("SMT1-PNP", ALL_GOOD, operator)
    assert (done.passed, done.failed_items, done.exception_id) == (True, (), None)
    services.tasks.start(smt.operation_id, operator)
    [checked] = events(services, "equipment.checked")
    assert checked["passed"] is True and checked["exception_id"] is None
    assert [r["code"] for r in checked["results"]] == ["AIR", "NOZZLE", "DOOR"]
    assert checked["results"][0] == {
        "code": "AIR",
        "kind": "value",
        "passed": True,
        "value": 0.6,
        "lsl": 0.5,
        "usl": 0.7,
        "unit": "MPa",
    }
    assert services.daily_checks.statuses()["SMT1-PNP"] is CheckStatus.PASSED


def test_an_unanswered_item_records_nothing(services: Services, operator: SignedIn) -> None:
    checks = services.daily_checks
    missing_door = {"AIR": Answer(value=0.6), "NOZZLE": Answer(passed=True)}
    assert refusal_of(checks.submit, "SMT1-PNP", missing_door, operator) is (
        Refusal.CHECK_INCOMPLETE
    )
    wrong_kind = ALL_GOOD | {"AIR": Answer(passed=True)}  # a reading is needed, not a tick
    assert refusal_of(checks.submit, "SMT1-PNP", wrong_kind, operator) is (Refusal.CHECK_INCOMPLETE)
    qc = sign_in(services, "E1008")
    assert refusal_of(checks.submit, "SMT1-PNP", ALL_GOOD, qc) is Refusal.NOT_PERMITTED
    with services.store.read() as session:
        assert session.exec(select(DailyCheck)).all() == []
    assert events(services, "equipment.checked") == []


@pytest.mark.parametrize(
    ("value", "passed"), [(0.5, True), (0.7, True), (0.49, False), (0.71, False), (-1, False)]
)
def test_a_reading_passes_within_its_limits_limits_included(
    services: Services, operator: SignedIn, value: float, passed: bool
) -> None:
    done = services.daily_checks.submit(
        "SMT1-PNP", ALL_GOOD | {"AIR": Answer(value=value)}, operator
    )
    assert done.passed is passed
    assert done.failed_items == (() if passed else ("AIR",))


def test_a_one_sided_limit_bounds_one_side_only(services: Services, operator: SignedIn) -> None:
    give_check_items(
        services,
        "SMT1-REFLOW",
        [
            {"code": "O2", "text_zh": "氧含量", "text_en": "O2", "kind": "value", "usl": 1000},
            {"code": "T", "text_zh": "温度", "text_en": "Temperature", "kind": "value", "lsl": 20},
        ],
    )
    checks = services.daily_checks
    o2, temperature = checks.items("SMT1-REFLOW", "en")
    assert o2.within(-5) and o2.within(1000) and not o2.within(1000.1)
    assert temperature.within(1e6) and not temperature.within(19.9)


def test_a_failed_check_raises_an_exception_and_blocks_starts_until_a_team_lead_releases_it(
    services: Services, operator: SignedIn
) -> None:
    smt = pending_at(services, "WC-SMT")
    checks = services.daily_checks
    answers = ALL_GOOD | {"AIR": Answer(value=0.42), "DOOR": Answer(passed=False)}
    done = checks.submit("SMT1-PNP", answers, operator)
    assert (done.passed, done.failed_items) == (False, ("AIR", "DOOR"))
    with services.store.read() as session:
        andon = session.get(Andon, done.exception_id)
        check = session.get(DailyCheck, done.check_id)
    assert andon is not None and check is not None
    assert (andon.category, andon.severity, andon.work_center, andon.equipment) == (
        "equipment",
        "high",
        "WC-SMT",
        "SMT1-PNP",
    )
    assert andon.note == "Air pressure = 0.42 MPa; Safety door interlock works"
    assert (check.passed, check.exception_id, check.released_at) == (False, andon.id, None)
    [raised] = events(services, "exception.raised")
    [checked] = events(services, "equipment.checked")
    assert raised["exception_id"] == checked["exception_id"] == andon.id

    assert refusal_of(services.tasks.start, smt.operation_id, operator) is (
        Refusal.DAILY_CHECK_FAILED
    )
    assert refusal_of(checks.release, "SMT1-PNP", operator, operator) is Refusal.NOT_PERMITTED
    lead = team_lead(services)
    assert checks.release("SMT1-PNP", lead, operator) == check.id
    assert checks.statuses()["SMT1-PNP"] is CheckStatus.RELEASED
    services.tasks.start(smt.operation_id, operator)
    [released] = events(services, "equipment.check_released")
    assert released == {"check_id": check.id, "equipment": "SMT1-PNP", "approved_by": lead.user_id}
    assert refusal_of(checks.release, "SMT1-PNP", lead, operator) is Refusal.NOTHING_TO_RELEASE


def test_nothing_to_release_without_a_failed_check(services: Services, operator: SignedIn) -> None:
    checks, lead = services.daily_checks, team_lead(services)
    assert refusal_of(checks.release, "SMT1-PNP", lead, operator) is Refusal.NOTHING_TO_RELEASE
    checks.submit("SMT1-PNP", ALL_GOOD, operator)
    assert refusal_of(checks.release, "SMT1-PNP", lead, operator) is Refusal.NOTHING_TO_RELEASE


def test_a_machine_put_right_is_checked_again_and_the_latest_check_counts(
    services: Services, operator: SignedIn
) -> None:
    checks = services.daily_checks
    checks.submit("SMT1-PNP", ALL_GOOD | {"NOZZLE": Answer(passed=False)}, operator)
    assert checks.statuses()["SMT1-PNP"] is CheckStatus.FAILED
    checks.submit("SMT1-PNP", ALL_GOOD, operator)  # nozzles cleaned
    assert checks.statuses()["SMT1-PNP"] is CheckStatus.PASSED
    services.tasks.start(pending_at(services, "WC-SMT").operation_id, operator)


def test_each_shift_needs_its_own_check(
    services: Services, clock: FakeClock, operator: SignedIn
) -> None:
    checks = services.daily_checks
    checks.submit("SMT1-PNP", ALL_GOOD, operator)
    clock.advance(12 * 3600)  # the next shift
    assert checks.statuses()["SMT1-PNP"] is CheckStatus.TO_DO
    smt = pending_at(services, "WC-SMT")
    assert refusal_of(services.tasks.start, smt.operation_id, operator) is (
        Refusal.DAILY_CHECK_NEEDED
    )


def test_a_resume_in_the_next_shift_and_a_machine_set_running_need_the_check_too(
    services: Services, clock: FakeClock, operator: SignedIn
) -> None:
    checks, tasks = services.daily_checks, services.tasks
    checks.submit("SMT1-PNP", ALL_GOOD, operator)
    smt = pending_at(services, "WC-SMT")
    tasks.start(smt.operation_id, operator)
    tasks.pause(smt.operation_id, operator, PauseReason.SHIFT_END)
    clock.advance(12 * 3600)  # the next shift: its first start is this resume
    assert refusal_of(tasks.resume, smt.operation_id, operator) is Refusal.DAILY_CHECK_NEEDED
    running = MachineState.RUNNING
    assert refusal_of(services.equipment.change, "SMT1-PNP", running, "", operator) is (
        Refusal.DAILY_CHECK_NEEDED
    )
    checks.submit("SMT1-PNP", ALL_GOOD | {"DOOR": Answer(passed=False)}, operator)
    assert refusal_of(services.equipment.change, "SMT1-PNP", running, "", operator) is (
        Refusal.DAILY_CHECK_FAILED
    )
    checks.submit("SMT1-PNP", ALL_GOOD, operator)  # put right and checked again
    services.equipment.change("SMT1-PNP", running, "", operator)
    tasks.resume(smt.operation_id, operator)
    # A machine without check items runs without one.
    services.equipment.change("SMT1-REFLOW", running, "", operator)
