"""Exceptions (andon): raised, acknowledged, resolved, escalated; how long each step took on
the monotonic clock; the line's open exceptions wherever they were raised."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import col, select

from kiosk.andon_values import Category, RaiseRequest, Resolution, Severity
from kiosk.barcodes.meaning import Command
from kiosk.i18n import CATALOG
from kiosk.identity import SignedIn
from kiosk.ids import new_id, short_code
from kiosk.services import Services
from kiosk.store.models import Andon, Event
from kiosk.work import Refusal, Refused
from tests.fakes import FakeClock
from tests.test_materials import signed_in, smt_task

FIX = Resolution("MACHINE_FAULT", "REPAIRED", "nozzle 3 blocked")


def operator(services: Services) -> SignedIn:
    return signed_in(services, "E1003")  # Kevin Chen


def lead(services: Services) -> SignedIn:
    return signed_in(services, "E1010", "8642")  # Daniel Lee, team lead


def row_of(services: Services, exception_id: str) -> Andon:
    with services.store.read() as session:
        row = session.get(Andon, exception_id)
    assert row is not None
    return row


def andon_events(services: Services) -> list[tuple[str, dict[str, object], str | None]]:
    with services.store.read() as session:
        rows = session.exec(
            select(Event).where(col(Event.type).startswith("exception.")).order_by(col(Event.seq))
        ).all()
    return [(row.type, json.loads(row.payload), row.user_id) for row in rows]


def refused(call: object, *args: object) -> Refusal:
    with pytest.raises(Refused) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.reason


def other_station_row(
    services: Services, clock: FakeClock, work_center: str, **values: object
) -> str:
    """A row as the hub writes it: raised at another station, on another machine's clock."""
    fields: dict[str, object] = {
        "id": new_id(),
        "station_id": "ST-ASM-02",
        "work_center": work_center,
        "category": "quality",
        "severity": "high",
        "raised_at": clock.now() - timedelta(minutes=3),
        "raised_by": lead(services).user_id,
        "raised_mono_ns": 77_000_000_000,
        "raised_boot": "their-boot",
    }
    row = Andon.model_validate(fields | values)
    with services.store.write() as session:
        session.add(row)
    return row.id


def test_raised_acknowledged_resolved_each_with_its_event_and_duration(
    services: Services, clock: FakeClock
) -> None:
    andon, kevin, daniel = services.andon, operator(services), lead(services)
    task = smt_task(services)
    request = RaiseRequest(
        Category.EQUIPMENT, Severity.HIGH, "feeder jams", "SMT1-PNP", task.operation_id
    )
    raised = andon.raise_exception(request, kevin)
    assert (raised.work_center, raised.equipment, raised.severity) == ("WC-SMT", "SMT1-PNP", "high")
    assert raised.operation == f"{task.work_order} 10 {task.operation}"
    assert raised.raised_by == "Kevin Chen" and raised.code == short_code(raised.exception_id)
    [shown] = andon.open_exceptions()
    assert shown.exception_id == raised.exception_id and shown.operation == raised.operation

    clock.advance(90)
    acknowledged = andon.acknowledge(raised.exception_id, daniel)
    assert acknowledged.seconds == pytest.approx(90)
    [shown] = andon.open_exceptions()
    assert shown.acknowledged_by == "Daniel Lee" and shown.age_seconds == pytest.approx(90)

    clock.advance(210)
    resolved = andon.resolve(raised.exception_id, FIX, daniel)
    assert (resolved.ack_seconds, resolved.seconds) == pytest.approx((90, 300))
    assert andon.open_exceptions() == []

    row = row_of(services, raised.exception_id)
    assert (row.ack_seconds, row.resolve_seconds) == pytest.approx((90, 300))
    assert (row.acknowledged_by, row.resolved_by) == (daniel.user_id, daniel.user_id)
    assert (row.cause, row.action, row.resolution_note) == ("MACHINE_FAULT", "REPAIRED", FIX.note)
    assert row.operation_id == task.operation_id and row.note == "feeder jams"
    assert andon_events(services) == [
        (
            "exception.raised",
            {
                "exception_id": raised.exception_id,
                "category": "equipment",
                "severity": "high",
                "note": "feeder jams",
                "work_center": "WC-SMT",
                "equipment": "SMT1-PNP",
                "operation_id": task.operation_id,
            },
            kevin.user_id,
        ),
        (
            "exception.acknowledged",
            {"exception_id": raised.exception_id, "seconds": 90.0},
            daniel.user_id,
        ),
        (
            "exception.resolved",
            {
                "exception_id": raised.exception_id,
                "cause": "MACHINE_FAULT",
                "action": "REPAIRED",
                "note": "nozzle 3 blocked",
                "seconds": 300.0,
            },
            daniel.user_id,
        ),
    ]


def test_without_a_task_it_belongs_to_the_first_work_center_and_names_no_operation(
    services: Services,
) -> None:
    raised = services.andon.raise_exception(RaiseRequest(Category.SAFETY), operator(services))
    assert (raised.work_center, raised.operation, raised.severity) == ("WC-SMT", "", "medium")
    assert row_of(services, raised.exception_id).operation_id is None
    context = services.andon.raise_context(None)
    assert context.work_center == "WC-SMT"
    assert [e.code for e in context.equipment] == ["SMT1-PNP", "SMT1-REFLOW"]


def test_resolving_one_nobody_acknowledged_acknowledges_it_too(
    services: Services, clock: FakeClock
) -> None:
    raised = services.andon.raise_exception(RaiseRequest(Category.MATERIAL), operator(services))
    clock.advance(45)
    resolved = services.andon.resolve(raised.exception_id, FIX, lead(services))
    assert (resolved.ack_seconds, resolved.seconds) == pytest.approx((45, 45))
    assert [kind for kind, _, _ in andon_events(services)] == [
        "exception.raised",
        "exception.acknowledged",
        "exception.resolved",
    ]


def test_refusals_change_nothing(services: Services, clock: FakeClock) -> None:
    andon, kevin, daniel = services.andon, operator(services), lead(services)
    raised = andon.raise_exception(RaiseRequest(Category.QUALITY), kevin)
    exception_id = raised.exception_id
    before = len(andon_events(services))

    assert refused(andon.acknowledge, exception_id, kevin) == Refusal.NOT_PERMITTED
    assert refused(andon.acknowledge, "no-such-id", daniel) == Refusal.UNKNOWN_EXCEPTION
    bad_cause = Resolution("NO_SUCH_CAUSE", "REPAIRED")
    assert refused(andon.resolve, exception_id, bad_cause, daniel) == Refusal.UNKNOWN_CAUSE
    scrap_as_cause = Resolution("SOLDER", "REPAIRED")  # a scrap reason, not a cause
    assert refused(andon.resolve, exception_id, scrap_as_cause, daniel) == Refusal.UNKNOWN_CAUSE
    bad_action = Resolution("MACHINE_FAULT", "MACHINE_FAULT")
    assert refused(andon.resolve, exception_id, bad_action, daniel) == Refusal.UNKNOWN_ACTION
    other_center = RaiseRequest(Category.EQUIPMENT, equipment="TST1-FCT")
    assert refused(andon.raise_exception, other_center, kevin) == Refusal.UNKNOWN_EQUIPMENT
    assert len(andon_events(services)) == before

    andon.acknowledge(exception_id, daniel)
    assert refused(andon.acknowledge, exception_id, daniel) == Refusal.ALREADY_ACKNOWLEDGED
    andon.resolve(exception_id, FIX, daniel)
    assert refused(andon.resolve, exception_id, FIX, daniel) == Refusal.ALREADY_RESOLVED
    assert refused(andon.acknowledge, exception_id, daniel) == Refusal.ALREADY_RESOLVED
    assert len(andon_events(services)) == before + 2


def test_causes_and_actions_come_from_the_plants_lists_in_the_persons_language(
    services: Services,
) -> None:
    causes = {c.code: c.name for c in services.andon.causes("zh_CN")}
    assert causes["MACHINE_FAULT"] == "设备故障" and "SOLDER" not in causes
    actions = {a.code: a.name for a in services.andon.actions("en")}
    assert actions["REPAIRED"] == "Repaired"


def test_unacknowledged_exceptions_escalate_one_event_per_level(
    services: Services, clock: FakeClock
) -> None:
    andon = services.andon  # the station's config: 5, 15 and 30 minutes
    late = andon.raise_exception(RaiseRequest(Category.MATERIAL), operator(services))
    answered = andon.raise_exception(RaiseRequest(Category.OTHER), operator(services))
    # Acknowledged where it was raised: it escalates nowhere.
    other_station_row(services, clock, "WC-SMT", acknowledged_at=clock.now())
    clock.advance(60)
    andon.acknowledge(answered.exception_id, lead(services))

    clock.advance(3 * 60 + 59)
    assert andon.escalate_due() == []
    clock.advance(1)
    [first] = andon.escalate_due()
    assert (first.exception_id, first.level, first.category) == (late.exception_id, 1, "material")
    assert andon.escalate_due() == []  # once per level
    assert row_of(services, late.exception_id).level == 1

    clock.advance(30 * 60)  # past 15 and 30 minutes at once: both levels, in order
    assert [e.level for e in andon.escalate_due()] == [2, 3]
    clock.advance(60 * 60)
    assert andon.escalate_due() == []  # no level beyond the last
    assert row_of(services, late.exception_id).level == 3
    assert row_of(services, answered.exception_id).level == 0
    escalations = [
        (payload["exception_id"], payload["level"])
        for kind, payload, _ in andon_events(services)
        if kind == "exception.escalated"
    ]
    assert escalations == [(late.exception_id, 1), (late.exception_id, 2), (late.exception_id, 3)]
    summary = andon.summary()
    assert (summary.open, summary.highest_level, summary.unacknowledged) == (3, 3, 1)


def test_a_wall_clock_set_back_bends_no_duration(services: Services, clock: FakeClock) -> None:
    andon = services.andon
    raised = andon.raise_exception(RaiseRequest(Category.EQUIPMENT), operator(services))
    clock.set_wall(clock.now() - timedelta(hours=2))  # somebody sets the clock back
    clock.advance(5 * 60)
    [escalated] = andon.escalate_due()  # late on the monotonic clock, whatever the wall says
    assert escalated.level == 1
    [shown] = andon.open_exceptions()
    assert shown.age_seconds == pytest.approx(300)
    assert andon.acknowledge(raised.exception_id, lead(services)).seconds == pytest.approx(300)
    clock.set_wall(clock.now() - timedelta(days=1))
    clock.advance(120)
    resolved = andon.resolve(raised.exception_id, FIX, lead(services))
    assert resolved.seconds == pytest.approx(420)
    row = row_of(services, raised.exception_id)
    assert (row.ack_seconds, row.resolve_seconds) == pytest.approx((300, 420))


def test_across_a_restart_durations_go_by_wall_time_and_are_never_negative(
    services: Services, clock: FakeClock
) -> None:
    andon = services.andon
    raised = andon.raise_exception(RaiseRequest(Category.OTHER), operator(services))
    clock.reboot("boot-2", downtime=600)  # monotonic time starts again
    assert andon.acknowledge(raised.exception_id, lead(services)).seconds == pytest.approx(600)
    clock.set_wall(clock.now() - timedelta(hours=1))  # and then the wall clock goes back
    resolved = andon.resolve(raised.exception_id, FIX, lead(services))
    assert resolved.seconds == 0.0


def test_the_line_shows_other_stations_rows_of_its_work_centers_only(
    services: Services, clock: FakeClock
) -> None:
    andon = services.andon
    mine = andon.raise_exception(RaiseRequest(Category.MATERIAL), operator(services))
    theirs = other_station_row(services, clock, "WC-ASM", level=2, raised_by="U-NOT-HERE")
    other_station_row(services, clock, "WC-TEST")  # another line's: not shown here
    other_station_row(services, clock, "WC-ASM", resolved_at=clock.now())  # resolved: gone
    shown = andon.open_exceptions()
    assert [e.exception_id for e in shown] == [theirs, mine.exception_id]  # level 2 first
    assert (shown[0].station_id, shown[0].raised_by) == (
        "ST-ASM-02",
        "U-NOT-HERE",  # a person this station does not know is shown by id
    )
    assert shown[0].age_seconds == pytest.approx(180)  # another machine's boot: by wall time
    summary = andon.summary()
    assert (summary.open, summary.highest_level, summary.unacknowledged) == (2, 2, 2)

    # A team lead here may acknowledge and resolve what was raised at another station.
    assert andon.acknowledge(theirs, lead(services)).seconds == pytest.approx(180)
    assert [e.exception_id for e in andon.open_exceptions()] == [mine.exception_id, theirs]
    andon.resolve(theirs, FIX, lead(services))
    assert [e.exception_id for e in andon.open_exceptions()] == [mine.exception_id]


def test_every_category_and_severity_has_words_and_every_category_a_command_sheet() -> None:
    keys = [f"category.{c.value}" for c in Category] + [f"severity.{s.value}" for s in Severity]
    assert [key for key in keys if key not in CATALOG] == []
    assert {Command(f"andon_{c.value}") for c in Category} <= set(Command)


def test_every_terminal_of_the_line_tells_of_a_level_another_station_reached_once(
    services: Services, clock: FakeClock
) -> None:
    andon = services.andon
    theirs = other_station_row(services, clock, "WC-ASM", level=1)
    other_station_row(services, clock, "WC-TEST", level=2)  # another line's: not told here
    assert [(e.exception_id, e.level) for e in andon.escalate_due()] == [(theirs, 1)]
    assert andon.escalate_due() == []  # told once
    with services.store.write() as session:  # the hub brings its next level
        row = session.get(Andon, theirs)
        assert row is not None
        row.level = 2
        session.add(row)
    assert [(e.exception_id, e.level) for e in andon.escalate_due()] == [(theirs, 2)]
    assert andon_events(services) == []  # its own station records the escalation, not this one


def test_the_line_hears_a_level_even_when_the_raising_terminal_is_off(
    services: Services, clock: FakeClock
) -> None:
    """Its terminal records no escalation while off; the others ring by the raise's age."""
    andon = services.andon
    theirs = other_station_row(services, clock, "WC-ASM")  # raised 3 minutes ago, level 0
    assert andon.escalate_due() == []
    clock.advance(2 * 60 + 1)  # 5 minutes since the raise, by the wall clock
    assert [(e.exception_id, e.level) for e in andon.escalate_due()] == [(theirs, 1)]
    assert andon.escalate_due() == []  # told once
    clock.advance(10 * 60)
    assert [(e.exception_id, e.level) for e in andon.escalate_due()] == [(theirs, 2)]
    assert andon_events(services) == []  # nothing recorded here: it is not this station's
