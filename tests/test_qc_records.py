"""What raises inspections, and what they hold up: an operation's start (first article), its
reports (patrol by units, the final lot), its running time (patrol by minutes)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from kiosk.andon_values import Category, Severity
from kiosk.identity import SignedIn
from kiosk.qc_records import raise_after_report_in, switching_state
from kiosk.qc_sampling import Severity as Inspected
from kiosk.qc_sampling import SwitchingState
from kiosk.qc_values import Decision, Entry, InspectionKind
from kiosk.report_values import ReportRequest
from kiosk.services import Services
from kiosk.store.models import Inspection, Operation, QcSwitching
from kiosk.work import PauseReason, Refusal
from tests.fakes import FakeClock
from tests.test_qc import (
    GOOD,
    INSPECTOR_PIN,
    SOLDER,
    THICK_OUT,
    events,
    keep_plan,
    open_ones,
    people,
    quality_exceptions,
    record_all,
    reflow,
    refused,
    report,
    the_open,
)

__all__ = ["people"]  # a fixture, used by name

MINUTE = 60.0
CONFORMING: dict[str, Entry] = {"SOLDER": (True, "")}
BRIDGED: dict[str, Entry] = {"SOLDER": (False, "BRIDGE")}


def inspections(services: Services) -> list[Inspection]:
    with services.store.read() as session:
        return list(session.exec(select(Inspection)).all())


# First article.


def test_a_first_article_is_raised_at_start_and_reports_wait_until_it_passes(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    operator = people["operator"]

    operation = reflow(services, operator)

    first = the_open(services, InspectionKind.FIRST_ARTICLE)
    assert (first.trigger, first.sample_size, first.samples_done) == ("start", 1, 0)
    assert first.operation.endswith("20 Reflow & AOI 回流焊/AOI")
    assert first.checks == "Board thickness, Solder joints"
    # Numbered like maintenance orders: the station's local date, then 5 random characters.
    day = f"{clock.now().astimezone():%y%m%d}"
    assert re.fullmatch(rf"QC-{day}-[0-9A-HJKMNP-TV-Z]{{5}}", first.number), first.number
    assert refused(report, services, operation, operator, 5) is Refusal.FIRST_ARTICLE_PENDING
    services.qc.record_sample(first.inspection_id, 1, GOOD, people["inspector"])
    report(services, operation, operator, 5)
    [(_, raised)] = events(services, "qc.inspection_raised")
    assert (raised["kind"], raised["operation_id"], raised["accept"]) == (
        "first_article",
        operation,
        0,
    )


def test_a_pause_and_resume_raise_no_second_first_article(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    operator = people["operator"]
    operation = reflow(services, operator)
    services.tasks.pause(operation, operator, PauseReason.BREAK)
    services.tasks.resume(operation, operator)
    assert len(inspections(services)) == 1


def test_a_plan_is_for_its_operation_of_the_routing_only(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-PLACE", "first_article", seq=10)
    keep_plan(services, "FA-LAST", "first_article", seq=None)  # op 30, the routing's last
    operation = reflow(services, people["operator"])  # op 20
    assert inspections(services) == []
    report(services, operation, people["operator"], 5)


@pytest.mark.parametrize("decision", [Decision.REWORK, Decision.SCRAP])
def test_a_first_article_reworked_or_scrapped_is_checked_again_on_the_next_unit(
    services: Services, people: dict[str, SignedIn], decision: Decision
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    operator, inspector = people["operator"], people["inspector"]
    operation = reflow(services, operator)
    first = the_open(services, InspectionKind.FIRST_ARTICLE).inspection_id
    assert services.qc.record_sample(first, 1, THICK_OUT, inspector).verdict == "failed"
    assert refused(report, services, operation, operator, 5) is Refusal.FIRST_ARTICLE_PENDING

    signed = services.qc.disposition(first, decision, "", INSPECTOR_PIN, inspector, "en")

    assert signed.reinspection is not None
    again = the_open(services, InspectionKind.FIRST_ARTICLE)
    assert again == signed.reinspection
    assert (again.inspection_id != first, again.trigger) == (True, "disposition")
    assert refused(report, services, operation, operator, 5) is Refusal.FIRST_ARTICLE_PENDING
    services.qc.record_sample(again.inspection_id, 1, GOOD, inspector)
    report(services, operation, operator, 5)


def test_a_concession_releases_the_reports(services: Services, people: dict[str, SignedIn]) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    operator, inspector = people["operator"], people["inspector"]
    operation = reflow(services, operator)
    first = the_open(services, InspectionKind.FIRST_ARTICLE).inspection_id
    services.qc.record_sample(first, 1, THICK_OUT, inspector)

    services.qc.disposition(first, Decision.CONCESSION, "", INSPECTOR_PIN, inspector, "en")

    assert open_ones(services) == []
    report(services, operation, operator, 5)


# Patrols.


def test_a_patrol_by_units_is_raised_by_the_report_that_crosses_each_multiple(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "PT-50", "patrol", every_units=50, sample_size=2)
    operator, inspector = people["operator"], people["inspector"]
    operation = reflow(services, operator)  # 340 good reported before
    raised = []
    for good in (5, 4, 1, 30, 80, 1):  # 345, 349, 350, 380, 460, 461
        report(services, operation, operator, good)
        patrols = open_ones(services, InspectionKind.PATROL)
        raised.append(len(patrols))
        for patrol in patrols:
            record_all(services, patrol.inspection_id, inspector, [GOOD, GOOD])
    # 350 is crossed once; 400 and 450 by one report, which raises one patrol.
    assert raised == [0, 0, 1, 0, 1, 0]
    assert {row.trigger for row in inspections(services)} == {"units"}


def test_a_patrol_by_minutes_counts_running_time_from_the_start_and_the_last_patrol(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "PT-30MIN", "patrol", every_minutes=30)
    operator, inspector = people["operator"], people["inspector"]
    operation = reflow(services, operator)
    clock.advance(10 * MINUTE)
    services.tasks.pause(operation, operator, PauseReason.BREAK)
    clock.advance(60 * MINUTE)  # a break is not running time
    services.tasks.resume(operation, operator)
    clock.advance(19 * MINUTE)
    assert services.qc.raise_due() == []
    clock.advance(MINUTE)
    [first] = services.qc.raise_due("en")
    assert (first.kind, first.trigger, first.checks) == (
        InspectionKind.PATROL,
        "minutes",
        "Board thickness, Solder joints",
    )
    clock.advance(45 * MINUTE)
    assert services.qc.raise_due() == []  # never two open at once
    services.qc.record_sample(first.inspection_id, 1, GOOD, inspector)
    # 45 minutes ran since the last one was raised: the next is due at once.
    [second] = services.qc.raise_due()
    services.qc.record_sample(second.inspection_id, 1, GOOD, inspector)
    # Only what ran since the last patrol was raised counts now.
    clock.advance(29 * MINUTE)
    assert services.qc.raise_due() == []
    clock.advance(MINUTE)
    assert len(services.qc.raise_due()) == 1


def test_a_clock_set_back_or_forward_neither_hides_nor_adds_a_patrol(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "PT-30MIN", "patrol", every_minutes=30)
    reflow(services, people["operator"])
    clock.advance(20 * MINUTE)
    clock.set_wall(clock.now() - timedelta(hours=2))
    clock.advance(9 * MINUTE)
    assert services.qc.raise_due() == []
    clock.advance(MINUTE)
    [patrol] = services.qc.raise_due()  # 30 minutes ran, whatever the wall clock says
    services.qc.record_sample(patrol.inspection_id, 1, GOOD, people["inspector"])

    clock.set_wall(clock.now() + timedelta(hours=5))
    assert services.qc.raise_due() == []
    clock.advance(30 * MINUTE)
    assert len(services.qc.raise_due()) == 1


def test_only_running_operations_of_this_station_are_patrolled(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "PT-30MIN", "patrol", every_minutes=30)
    operation = reflow(services, people["operator"])
    services.tasks.pause(operation, people["operator"], PauseReason.MATERIAL_SHORTAGE)
    clock.advance(120 * MINUTE)
    assert services.qc.raise_due() == []


# Final inspection: a lot sampled by ISO 2859-1.


def final_lot(
    services: Services, people: dict[str, SignedIn], order: int, good: int
) -> tuple[str, Inspection]:
    """The reflow of `order` finished with `good` units: its final inspection's row."""
    operation = reflow(services, people["operator"], order)
    report(services, operation, people["operator"], good, final=True)
    number = the_open(services, InspectionKind.FINAL).number
    [row] = [row for row in inspections(services) if row.number == number]
    return operation, row


@pytest.mark.parametrize(("bridged", "verdict"), [(2, "passed"), (3, "failed")])
def test_a_lot_of_1000_at_aql_1_is_sampled_80_and_rejected_on_3(
    services: Services, people: dict[str, SignedIn], bridged: int, verdict: str
) -> None:
    keep_plan(services, "FN-REFLOW", "final", SOLDER, aql="1.0")
    _, lot = final_lot(services, people, 42, 1000)
    # ISO 2859-1 Table 1: 1000 units at level II is code J; Table 2-A: J at AQL 1.0 is
    # n = 80, Ac 2, Re 3.
    assert (lot.lot_size, lot.code_letter, lot.severity) == (1000, "J", "normal")
    assert (lot.sample_size, lot.accept, lot.reject, lot.trigger) == (80, 2, 3, "final_report")

    units = [BRIDGED] * bridged + [CONFORMING] * (80 - bridged)
    record_all(services, lot.id, people["inspector"], units)

    detail = services.qc.detail(lot.id, "en")
    assert (detail.verdict, detail.nonconforming) == (verdict, bridged)
    [(_, judged)] = events(services, "qc.inspection_judged")
    assert (judged["verdict"], judged["next_severity"]) == (verdict, "normal")


def test_a_final_report_of_another_operation_raises_no_lot(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FN-ASSEMBLY", "final", SOLDER, aql="1.0", seq=10)
    operation = reflow(services, people["operator"], 42)
    report(services, operation, people["operator"], 1000, final=True)
    assert inspections(services) == []


def test_two_lots_of_five_not_accepted_tighten_the_next(
    services: Services, people: dict[str, SignedIn]
) -> None:
    # Lots of 20 at level II are code C. AQL 4.0 normal (Table 2-A): the arrow leads to
    # B's plan, n = 3, Ac 0; tightened (Table 2-B): n = 5, Ac 0.
    keep_plan(services, "FN-REFLOW", "final", SOLDER, aql="4.0")
    inspector = people["inspector"]
    severities = []
    for order, accepted in ((37, False), (39, True), (43, False), (46, True)):
        _, lot = final_lot(services, people, order, 20)
        severities.append((lot.severity, lot.sample_size, lot.accept))
        units = [CONFORMING] * lot.sample_size if accepted else [BRIDGED] * lot.sample_size
        record_all(services, lot.id, inspector, units)

    assert severities == [
        ("normal", 3, 0),
        ("normal", 3, 0),
        ("normal", 3, 0),  # one lot of the last three not accepted: still normal
        ("tightened", 5, 0),
    ]
    with services.store.read() as session:
        state = session.get(QcSwitching, "FN-REFLOW")
    assert state is not None and '"tightened"' in state.state
    judged = [payload["next_severity"] for _, payload in events(services, "qc.inspection_judged")]
    assert judged == ["normal", "normal", "tightened", "tightened"]


def test_an_empty_final_report_raises_no_lot(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FN-REFLOW", "final", SOLDER, aql="1.0")
    operation = reflow(services, people["operator"], 42)
    services.reports.report(operation, ReportRequest(0, 0, None, True), people["operator"])
    assert inspections(services) == []


# The switching of a final plan, lot by lot.


def lot_of(services: Services, clock: FakeClock, operation_id: str, good: int) -> Inspection:
    """The lot a final report of `good` units raises, as reporting raises it: one operation
    stands for a stream of lots."""
    with services.store.write() as session:
        operation = session.get(Operation, operation_id)
        assert operation is not None
        outbox = services.store.outbox
        [lot] = raise_after_report_in(
            session, outbox, clock, operation, "FG-MC200", 0, good, True, None
        )
        return lot


def judge(services: Services, inspector: SignedIn, lot: Inspection, bridged: int) -> None:
    units = [BRIDGED] * bridged + [CONFORMING] * (lot.sample_size - bridged)
    record_all(services, lot.id, inspector, units)


def switching(services: Services, plan: str = "FN-REFLOW") -> SwitchingState:
    with services.store.read() as session:
        return switching_state(session, plan)


def test_a_lot_raised_at_another_severity_than_the_state_has_now_counts_for_nothing(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    # Lots of 20 at AQL 4.0: normal n = 3, Ac 0; tightened n = 5, Ac 0.
    keep_plan(services, "FN-REFLOW", "final", SOLDER, aql="4.0")
    operation = reflow(services, people["operator"])
    lots = [lot_of(services, clock, operation, 20) for _ in range(3)]  # open at once
    assert [lot.severity for lot in lots] == ["normal"] * 3
    inspector = people["inspector"]

    judge(services, inspector, lots[0], 3)
    judge(services, inspector, lots[1], 3)  # two of the last five: tightened
    judge(services, inspector, lots[2], 0)  # sampled by the normal plan

    assert switching(services) == SwitchingState(Inspected.TIGHTENED)
    judged = [payload["next_severity"] for _, payload in events(services, "qc.inspection_judged")]
    assert judged == ["normal", "tightened", "tightened"]


def test_five_lots_not_accepted_on_tightened_inspection_discontinue_sampling(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FN-REFLOW", "final", SOLDER, aql="4.0")
    operation = reflow(services, people["operator"])
    inspector = people["inspector"]
    for _ in range(2 + 5):  # two tighten it, five more discontinue it
        last = lot_of(services, clock, operation, 20)
        judge(services, inspector, last, 1)

    assert switching(services).discontinued
    [exception] = quality_exceptions(services)
    assert (exception.category, exception.severity) == (Category.QUALITY, Severity.HIGH)
    assert "FN-REFLOW" in exception.note and "ISO 2859-1" in exception.note
    assert (exception.work_center, exception.raised_by) == ("WC-SMT", inspector.user_id)
    [(_, stopped)] = events(services, "qc.sampling_discontinued")
    assert stopped == {"plan": "FN-REFLOW", "inspection_id": last.id, "exception_id": exception.id}
    assert len(events(services, "exception.raised")) == 1

    # Lots are still raised and judged, at tightened inspection; the state stays.
    during = lot_of(services, clock, operation, 20)
    assert (during.severity, during.sample_size) == ("tightened", 5)
    judge(services, inspector, during, 0)
    assert switching(services).discontinued and len(quality_exceptions(services)) == 1
    keep_plan(services, "FN-REFLOW", "final", SOLDER, aql="4.0")  # the same record again
    assert switching(services).discontinued


def test_a_discontinued_plan_sent_changed_resumes_at_tightened_inspection(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FN-REFLOW", "final", SOLDER, aql="4.0")
    operation = reflow(services, people["operator"])
    inspector = people["inspector"]
    for _ in range(7):
        judge(services, inspector, lot_of(services, clock, operation, 20), 1)
    assert switching(services).discontinued

    # The corrective action agreed, the QC engineer imports the plan changed.
    fixed = SOLDER.model_copy(update={"defects": ["BRIDGE", "COLD", "VOID"]})
    keep_plan(services, "FN-REFLOW", "final", fixed, aql="4.0")

    assert switching(services) == SwitchingState(Inspected.TIGHTENED)
    resumed = lot_of(services, clock, operation, 20)
    judge(services, inspector, resumed, 0)
    after = switching(services)
    assert (after.severity, after.discontinued, after.accepted_run) == (
        Inspected.TIGHTENED,
        False,
        1,
    )


def after_ten_lots_at_score_30(
    services: Services, clock: FakeClock, people: dict[str, SignedIn], allowed: bool
) -> tuple[str, Inspection]:
    """Ten lots accepted with a score of 3 each; answers the operation and the next lot.

    Lots of 20 at AQL 15: normal n = 5, Ac 2, so one nonconforming (within Ac 1, the AQL one
    step tighter) adds 3 to the switching score; reduced n = 2, Ac 1."""
    keep_plan(services, "FN-REFLOW", "final", SOLDER, aql="15", reduced_allowed=allowed)
    operation = reflow(services, people["operator"])
    for _ in range(10):
        judge(services, people["inspector"], lot_of(services, clock, operation, 20), 1)
    return operation, lot_of(services, clock, operation, 20)


def test_reduced_inspection_where_the_authority_allowed_it_until_a_lot_is_not_accepted(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    operation, eleventh = after_ten_lots_at_score_30(services, clock, people, allowed=True)

    assert (eleventh.severity, eleventh.sample_size, eleventh.accept) == ("reduced", 2, 1)
    judge(services, people["inspector"], eleventh, 2)
    assert switching(services) == SwitchingState()
    assert lot_of(services, clock, operation, 20).severity == "normal"


def test_no_reduced_inspection_without_the_authoritys_approval(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    _, eleventh = after_ten_lots_at_score_30(services, clock, people, allowed=False)

    assert eleventh.severity == "normal" and switching(services).score == 30
