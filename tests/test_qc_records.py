"""What raises inspections, and what they hold up: an operation's start (first article), its
reports (patrol by units, the final lot), its running time (patrol by minutes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from kiosk.identity import SignedIn
from kiosk.qc_values import Decision, Entry, InspectionKind
from kiosk.report_values import ReportRequest
from kiosk.services import Services
from kiosk.store.models import Inspection, QcSwitching
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
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    operator = people["operator"]

    operation = reflow(services, operator)

    first = the_open(services, InspectionKind.FIRST_ARTICLE)
    assert (first.trigger, first.sample_size, first.samples_done) == ("start", 1, 0)
    assert first.operation.endswith("20 Reflow & AOI 回流焊/AOI")
    assert first.checks == "Board thickness, Solder joints"
    assert first.number.startswith("QC-")
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
