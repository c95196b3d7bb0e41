"""Quality inspection: results unit by unit, verdicts, refusals, signed dispositions and the
control charts, through the real services on the demo plant."""

from __future__ import annotations

import json
import random
import statistics
from dataclasses import replace
from itertools import pairwise
from typing import Any

import pytest
from sqlmodel import col, select

from kiosk.andon_values import Category
from kiosk.identity import Outcome, SignedIn
from kiosk.qc_records import ON_START, raise_inspection_in
from kiosk.qc_values import (
    CharacteristicKind,
    CharacteristicView,
    ChartKind,
    Decision,
    Entry,
    InspectionKind,
    InspectionStatus,
    InspectionSummary,
    SpcViolationView,
    judge_value,
)
from kiosk.report_values import ReportRequest
from kiosk.security import badge_hash, pin_hash
from kiosk.services import Services
from kiosk.spc import FIRM_LIMITS_COUNT
from kiosk.store.models import (
    Andon,
    Disposition,
    Event,
    Inspection,
    InspectionResult,
    Operation,
    ReferenceRecord,
    User,
    WorkOrder,
)
from kiosk.work import Refusal, Refused
from sync.events import read_payload
from sync.reference import CharacteristicRecord, InspectionPlanRecord
from tests.conftest import TODAY
from tests.fakes import FakeClock
from tests.test_materials import signed_in
from tests.test_serials import started

THICK = CharacteristicRecord(
    code="THICK",
    name_zh="板厚",
    name_en="Board thickness",
    kind="variable",
    nominal=1.60,
    lsl=1.50,
    usl=1.70,
    unit="mm",
    decimals=2,
    gauge="Micrometer 0-25 mm",
)
SOLDER = CharacteristicRecord(
    code="SOLDER", name_zh="焊点", name_en="Solder joints", defects=["BRIDGE", "COLD"]
)
GOOD: dict[str, Entry] = {"THICK": 1.60, "SOLDER": (True, "")}
THICK_OUT: dict[str, Entry] = {"THICK": 1.75, "SOLDER": (True, "")}
INSPECTOR_PIN = "4321"


def keep_plan(
    services: Services,
    code: str,
    kind: str,
    *characteristics: CharacteristicRecord,
    seq: int | None = 20,
    **fields: Any,
) -> None:
    """An inspection plan of the MC-200 (its reflow & AOI, by default) as the hub sends it,
    with the plant's defect codes its attributes name."""
    plan = InspectionPlanRecord(
        id=code,
        code=code,
        item_code="FG-MC200",
        operation_seq=seq,
        kind=kind,
        characteristics=list(characteristics or (THICK, SOLDER)),
        **fields,
    )
    with services.store.write() as session:
        session.merge(
            ReferenceRecord(entity="inspection_plan", key=code, data=plan.model_dump_json())
        )
        for code_, zh, en in (("BRIDGE", "连锡", "Solder bridge"), ("COLD", "虚焊", "Cold joint")):
            reason = {"kind": "defect", "code": code_, "name_zh": zh, "name_en": en}
            session.merge(
                ReferenceRecord(
                    entity="reason_code", key=f"defect:{code_}", data=json.dumps(reason)
                )
            )


@pytest.fixture
def people(services: Services) -> dict[str, SignedIn]:
    """The demo plant's operator, QC inspector (given a PIN to sign with) and team lead."""
    with services.store.write() as session:
        inspector = session.exec(select(User).where(User.badge_hash == badge_hash("E1008"))).one()
        inspector.pin_hash = pin_hash(INSPECTOR_PIN)
        session.add(inspector)
    return {
        "operator": signed_in(services, "E1003"),
        "inspector": signed_in(services, "E1008", INSPECTOR_PIN),
        "lead": signed_in(services, "E1009", "1357"),
    }


def reflow(services: Services, operator: SignedIn, order: int = 32) -> str:
    """Start the MC-200 order's reflow & AOI (WC-SMT, op 20); answers the operation's id."""
    return started(services, order, 20, operator).operation_id


def report(
    services: Services, operation_id: str, who: SignedIn, good: int, final: bool = False
) -> None:
    services.reports.report(operation_id, ReportRequest(good, 0, None, final), who)


def open_ones(services: Services, kind: InspectionKind | None = None) -> list[InspectionSummary]:
    """The open inspections (of `kind`), without the failed ones waiting to be signed for."""
    return [
        s
        for s in services.qc.to_do("en")
        if kind in (None, s.kind) and s.status is InspectionStatus.OPEN
    ]


def the_open(services: Services, kind: InspectionKind) -> InspectionSummary:
    [found] = open_ones(services, kind)
    return found


def record_all(
    services: Services, inspection_id: str, who: SignedIn, units: list[dict[str, Entry]]
) -> None:
    for sample_no, unit in enumerate(units, start=1):
        services.qc.record_sample(inspection_id, sample_no, unit, who)


def events(services: Services, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """Events of a type prefix, each checked against the payload the hub expects."""
    with services.store.read() as session:
        rows = session.exec(
            select(Event).where(col(Event.type).startswith(prefix)).order_by(col(Event.seq))
        ).all()
    for row in rows:
        read_payload(row.type, row.payload)
    return [(row.type, json.loads(row.payload)) for row in rows]


def refused(call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refused) as refusal:
        call(*args)
    return refusal.value.reason


def failed_first_article(services: Services, people: dict[str, SignedIn]) -> str:
    """The reflow started, its first article measured too thick: failed."""
    keep_plan(services, "FA-REFLOW", "first_article")
    reflow(services, people["operator"])
    first = the_open(services, InspectionKind.FIRST_ARTICLE)
    services.qc.record_sample(first.inspection_id, 1, THICK_OUT, people["inspector"])
    return first.inspection_id


# Values as the screen judges them.


def test_a_value_is_judged_inclusive_of_its_limits_as_it_is_shown() -> None:
    char = CharacteristicView(
        "THICK", "Board thickness", CharacteristicKind.VARIABLE, 1.6, 1.5, 1.7, "mm", 2, "", ()
    )
    assert judge_value(char, 1.50) and judge_value(char, 1.70)
    assert judge_value(char, 1.704)  # shown as 1.70
    assert not judge_value(char, 1.706)  # shown as 1.71
    assert not judge_value(char, 1.49)
    upper_only = CharacteristicView(
        "FLAT", "Flatness", CharacteristicKind.VARIABLE, None, None, 0.1, "mm", 2, "", ()
    )
    assert judge_value(upper_only, -5.0) and not judge_value(upper_only, 0.11)


def test_a_value_is_rounded_half_to_even_on_its_decimal_digits() -> None:
    # ASTM E29: 2.675 reads 2.68 (float rounding of its binary value, 2.67499..., gives 2.67),
    # 2.665 reads 2.66; at a limit it is within it.
    at_least = CharacteristicView(
        "GAP", "Gap", CharacteristicKind.VARIABLE, None, 2.68, None, "mm", 2, "", ()
    )
    at_most = replace(at_least, lsl=None, usl=2.67)
    assert judge_value(at_least, 2.675) and not judge_value(at_most, 2.675)
    assert judge_value(at_most, 2.665) and not judge_value(at_least, 2.665)
    assert judge_value(at_least, 2.68) and judge_value(at_most, 2.67)
    tenths = CharacteristicView(
        "SUM", "Sum", CharacteristicKind.VARIABLE, None, None, 0.3, "mm", 1, "", ()
    )
    assert judge_value(tenths, 0.1 + 0.2)  # 0.30000000000000004 reads 0.3, the limit


# Recording and judging.


def test_an_inspection_is_done_by_its_plan_as_raised_whatever_the_hub_sends_after(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article", sample_size=2)
    reflow(services, people["operator"])
    first = the_open(services, InspectionKind.FIRST_ARTICLE)
    inspector = people["inspector"]
    services.qc.record_sample(first.inspection_id, 1, GOOD, inspector)
    # The hub tightens the thickness to 1.55-1.65, then withdraws the plan altogether.
    tighter = THICK.model_copy(update={"lsl": 1.55, "usl": 1.65})
    keep_plan(services, "FA-REFLOW", "first_article", tighter, SOLDER, sample_size=2)
    with services.store.write() as session:
        withdrawn = session.get(ReferenceRecord, ("inspection_plan", "FA-REFLOW"))
        assert withdrawn is not None
        session.delete(withdrawn)

    detail = services.qc.detail(first.inspection_id, "en")
    assert [(c.code, c.lsl, c.usl) for c in detail.characteristics][:1] == [("THICK", 1.5, 1.7)]
    last = services.qc.record_sample(first.inspection_id, 2, {**GOOD, "THICK": 1.68}, inspector)
    assert (last.judged, last.verdict) == (True, InspectionStatus.PASSED)  # by 1.50-1.70


def test_a_unit_in_spec_passes_its_inspection_and_the_events_say_so(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article", sample_size=2)
    reflow(services, people["operator"])
    first = the_open(services, InspectionKind.FIRST_ARTICLE)
    inspector = people["inspector"]

    one = services.qc.record_sample(first.inspection_id, 1, GOOD, inspector)
    assert (one.judged, one.verdict) == (False, InspectionStatus.OPEN)
    assert the_open(services, InspectionKind.FIRST_ARTICLE).samples_done == 1
    two = services.qc.record_sample(first.inspection_id, 2, {**GOOD, "THICK": 1.70}, inspector)

    assert (two.judged, two.verdict, two.nonconforming) == (True, InspectionStatus.PASSED, 0)
    assert [r.passed for r in two.results] == [True, True]
    assert open_ones(services) == []
    detail = services.qc.detail(first.inspection_id, "zh_CN")
    assert [c.name for c in detail.characteristics] == ["板厚", "焊点"]
    assert [d.name for d in detail.characteristics[1].defects] == ["连锡", "虚焊"]
    assert [(s.sample_no, s.conforming) for s in detail.samples] == [(1, True), (2, True)]
    assert detail.samples[1].results[0].value == 1.70
    assert (detail.verdict, detail.accept, detail.reject) == (InspectionStatus.PASSED, 0, 1)
    qc = events(services, "qc.")
    assert [kind for kind, _ in qc] == [
        "qc.inspection_raised",
        "qc.sample_recorded",
        "qc.sample_recorded",
        "qc.inspection_judged",
    ]
    assert qc[2][1]["results"] == [
        {"characteristic": "THICK", "value": 1.70, "passed": True, "defect": ""},
        {"characteristic": "SOLDER", "value": None, "passed": True, "defect": ""},
    ]
    assert qc[3][1] == {
        "inspection_id": first.inspection_id,
        "verdict": "passed",
        "nonconforming": 0,
        "next_severity": "",
    }


def test_one_characteristic_out_makes_the_unit_nonconforming(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    reflow(services, people["operator"])
    first = the_open(services, InspectionKind.FIRST_ARTICLE)

    outcome = services.qc.record_sample(
        first.inspection_id, 1, {"THICK": 1.61, "SOLDER": (False, "BRIDGE")}, people["inspector"]
    )

    assert (outcome.verdict, outcome.nonconforming) == (InspectionStatus.FAILED, 1)
    assert [(r.characteristic, r.passed, r.defect) for r in outcome.results] == [
        ("THICK", True, ""),
        ("SOLDER", False, "BRIDGE"),
    ]


def test_a_unit_recorded_again_while_open_is_corrected_and_both_records_kept(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article", sample_size=2)
    reflow(services, people["operator"])
    first = the_open(services, InspectionKind.FIRST_ARTICLE)
    inspector = people["inspector"]

    services.qc.record_sample(first.inspection_id, 1, THICK_OUT, inspector)
    services.qc.record_sample(first.inspection_id, 1, GOOD, inspector)
    last = services.qc.record_sample(first.inspection_id, 2, GOOD, inspector)

    assert last.verdict is InspectionStatus.PASSED  # judged by the corrected unit
    with services.store.read() as session:
        values = session.exec(
            select(InspectionResult.sample_no, InspectionResult.value).where(
                InspectionResult.characteristic == "THICK"
            )
        ).all()
    assert sorted(values) == [(1, 1.60), (2, 1.60)]
    assert len(events(services, "qc.sample_recorded")) == 3


def test_a_value_is_recorded_as_it_was_judged_at_its_decimals(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    reflow(services, people["operator"])
    first = the_open(services, InspectionKind.FIRST_ARTICLE)

    outcome = services.qc.record_sample(
        first.inspection_id, 1, {**GOOD, "THICK": 1.7049}, people["inspector"]
    )

    assert (outcome.results[0].value, outcome.verdict) == (1.70, InspectionStatus.PASSED)
    with services.store.read() as session:
        assert session.exec(select(InspectionResult.value)).all() == [1.70, None]
    [(_, recorded)] = events(services, "qc.sample_recorded")
    assert recorded["results"][0]["value"] == 1.70


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), float("1e999")])
def test_a_value_that_is_not_a_finite_number_is_refused(
    services: Services, people: dict[str, SignedIn], value: float
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    reflow(services, people["operator"])
    first = the_open(services, InspectionKind.FIRST_ARTICLE).inspection_id
    before = len(events(services, ""))

    unit = {**GOOD, "THICK": value}
    assert refused(services.qc.record_sample, first, 1, unit, people["inspector"]) is (
        Refusal.NOT_A_NUMBER
    )
    assert len(events(services, "")) == before


def test_refusals_of_a_unit_record_commit_nothing(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    reflow(services, people["operator"])
    first = the_open(services, InspectionKind.FIRST_ARTICLE).inspection_id
    inspector, record = people["inspector"], services.qc.record_sample
    before = len(events(services, ""))

    assert refused(record, first, 1, GOOD, people["operator"]) is Refusal.NOT_PERMITTED
    assert refused(record, "no-such-id", 1, GOOD, inspector) is Refusal.UNKNOWN_INSPECTION
    unknown = {**GOOD, "WIDTH": 3.0}
    assert refused(record, first, 1, unknown, inspector) is Refusal.UNKNOWN_CHARACTERISTIC
    assert refused(record, first, 1, {"THICK": 1.6}, inspector) is Refusal.SAMPLE_INCOMPLETE
    no_value = {**GOOD, "THICK": None}
    assert refused(record, first, 1, no_value, inspector) is Refusal.VALUE_NEEDED
    as_attribute = {**GOOD, "THICK": (True, "")}
    assert refused(record, first, 1, as_attribute, inspector) is Refusal.VALUE_NEEDED
    not_its_defect = {**GOOD, "SOLDER": (False, "SCRATCH")}
    assert refused(record, first, 1, not_its_defect, inspector) is Refusal.UNKNOWN_DEFECT
    no_defect = {**GOOD, "SOLDER": (False, "")}
    assert refused(record, first, 1, no_defect, inspector) is Refusal.UNKNOWN_DEFECT

    assert len(events(services, "")) == before
    with services.store.read() as session:
        assert session.exec(select(InspectionResult)).all() == []
    record(first, 1, GOOD, inspector)
    assert refused(record, first, 1, GOOD, inspector) is Refusal.INSPECTION_CLOSED


def test_an_inspection_of_another_stations_work_center_is_not_here(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-TEST", "first_article", seq=30)
    with services.store.write() as session:
        test_op = session.exec(
            select(Operation)
            .join(WorkOrder, col(Operation.work_order_id) == WorkOrder.id)
            .where(WorkOrder.number == f"WO-{TODAY:%y%m}-0032", Operation.seq == 30)
        ).one()
        plan = InspectionPlanRecord.model_validate_json(
            session.exec(select(ReferenceRecord.data).where(ReferenceRecord.key == "FA-TEST")).one()
        )
        elsewhere = raise_inspection_in(
            session, services.store.outbox, clock, plan, test_op, ON_START, None
        ).id
    assert test_op.work_center == "WC-TEST"  # not one of this station's
    assert open_ones(services) == []
    record = services.qc.record_sample
    assert refused(record, elsewhere, 1, GOOD, people["inspector"]) is Refusal.UNKNOWN_INSPECTION
    assert refused(services.qc.detail, elsewhere, "en") is Refusal.UNKNOWN_INSPECTION


# Disposition, signed by PIN.


def test_a_disposition_without_the_qc_role_is_refused_and_the_attempt_recorded(
    services: Services, people: dict[str, SignedIn]
) -> None:
    failed = failed_first_article(services, people)

    refusal = refused(
        services.qc.disposition, failed, Decision.CONCESSION, "", "1357", people["lead"], "zh_CN"
    )

    assert refusal is Refusal.NOT_PERMITTED
    assert events(services, "qc.signature_refused") == [
        ("qc.signature_refused", {"inspection_id": failed, "reason": "not_permitted"})
    ]
    with services.store.read() as session:
        assert session.exec(select(Disposition)).all() == []


def test_a_wrong_pin_signs_nothing_and_the_attempt_is_recorded(
    services: Services, people: dict[str, SignedIn]
) -> None:
    failed = failed_first_article(services, people)

    refusal = refused(
        services.qc.disposition, failed, Decision.SCRAP, "", "0000", people["inspector"], "en"
    )

    assert refusal is Refusal.WRONG_PIN
    assert events(services, "qc.signature_refused") == [
        ("qc.signature_refused", {"inspection_id": failed, "reason": "wrong_pin"})
    ]
    with services.store.read() as session:
        assert session.exec(select(Disposition)).all() == []
    assert events(services, "qc.dispositioned") == []


def test_wrong_pins_at_signing_lock_the_signer_out_as_at_sign_in(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    # conftest's policy: 3 attempts, 300 s lockout.
    failed = failed_first_article(services, people)
    inspector, sign = people["inspector"], services.qc.disposition

    tries = [refused(sign, failed, Decision.SCRAP, "", pin, inspector, "en") for pin in "012"]
    clock.advance(299)
    still = refused(sign, failed, Decision.SCRAP, "", INSPECTOR_PIN, inspector, "en")

    assert tries == [Refusal.WRONG_PIN, Refusal.WRONG_PIN, Refusal.LOCKED_OUT]
    assert still is Refusal.LOCKED_OUT  # even the right PIN, until the lockout passes
    assert services.auth.badge_and_pin("E1008", INSPECTOR_PIN).outcome is Outcome.LOCKED
    reasons = [payload["reason"] for _, payload in events(services, "qc.signature_refused")]
    assert reasons == ["wrong_pin", "wrong_pin", "locked_out", "locked_out"]
    with services.store.read() as session:
        assert session.exec(select(Disposition)).all() == []
    clock.advance(1)
    services.qc.disposition(failed, Decision.SCRAP, "", INSPECTOR_PIN, inspector, "en")
    assert len(events(services, "qc.dispositioned")) == 1


def test_signing_in_again_by_badge_does_not_start_the_count_again(
    services: Services, people: dict[str, SignedIn]
) -> None:
    failed = failed_first_article(services, people)
    args = (failed, Decision.SCRAP, "", "0000", people["inspector"], "en")
    tries = [refused(services.qc.disposition, *args)]
    for _ in range(2):
        again = signed_in(services, "E1008")  # QC signs in by badge: no PIN proved
        tries.append(refused(services.qc.disposition, *args[:4], again, "en"))
    assert tries == [Refusal.WRONG_PIN, Refusal.WRONG_PIN, Refusal.LOCKED_OUT]


def test_a_signature_proves_the_pin_and_starts_the_count_again(
    services: Services, people: dict[str, SignedIn]
) -> None:
    inspector, sign = people["inspector"], services.qc.disposition
    first = failed_first_article(services, people)
    for pin in "01":
        refused(sign, first, Decision.SCRAP, "", pin, inspector, "en")
    scrapped = sign(first, Decision.SCRAP, "", INSPECTOR_PIN, inspector, "en")
    assert scrapped.reinspection is not None
    second = scrapped.reinspection.inspection_id
    services.qc.record_sample(second, 1, THICK_OUT, inspector)

    tries = [refused(sign, second, Decision.SCRAP, "", pin, inspector, "en") for pin in "012"]

    assert tries == [Refusal.WRONG_PIN, Refusal.WRONG_PIN, Refusal.LOCKED_OUT]


def test_a_signer_without_a_pin_is_told_so_and_the_attempt_recorded(
    services: Services, people: dict[str, SignedIn]
) -> None:
    failed = failed_first_article(services, people)
    with services.store.write() as session:
        inspector = session.exec(select(User).where(User.badge_hash == badge_hash("E1008"))).one()
        inspector.pin_hash = None
        session.add(inspector)

    refusal = refused(
        services.qc.disposition, failed, Decision.SCRAP, "", "", people["inspector"], "en"
    )

    assert refusal is Refusal.PIN_NOT_SET
    assert events(services, "qc.signature_refused") == [
        ("qc.signature_refused", {"inspection_id": failed, "reason": "pin_not_set"})
    ]


def test_a_failed_inspection_stays_to_do_until_its_disposition_is_signed(
    services: Services, people: dict[str, SignedIn]
) -> None:
    failed = failed_first_article(services, people)
    [waiting] = services.qc.to_do("en")
    assert (waiting.inspection_id, waiting.status) == (failed, InspectionStatus.FAILED)
    services.qc.disposition(failed, Decision.SCRAP, "", INSPECTOR_PIN, people["inspector"], "en")
    # Signed: gone from the list; the scrap raised the next unit's first article instead.
    [next_one] = services.qc.to_do("en")
    assert next_one.inspection_id != failed and next_one.status is InspectionStatus.OPEN


def test_the_right_pin_signs_with_name_time_and_meaning(
    services: Services, clock: FakeClock, people: dict[str, SignedIn]
) -> None:
    failed = failed_first_article(services, people)
    inspector = people["inspector"]
    number = services.qc.detail(failed, "en").summary.number
    clock.advance(90)
    shown = services.qc.meaning(failed, Decision.CONCESSION, inspector, "en")

    note = " thickness within customer deviation D-17 "
    signed = services.qc.disposition(
        failed, Decision.CONCESSION, note, INSPECTOR_PIN, inspector, "en"
    )

    expected = (
        f"I, 黄婷, sign the disposition CONCESSION (use as is) of inspection {number}: "
        "1 of 1 units nonconforming"
    )
    assert shown == signed.meaning == expected
    with services.store.read() as session:
        row = session.exec(select(Disposition)).one()
    assert (row.signer_id, row.signer_name, row.signed_at) == (
        inspector.user_id,
        "黄婷",
        clock.now(),
    )
    assert (row.decision, row.meaning) == ("concession", expected)
    assert row.note == "thickness within customer deviation D-17"
    [(_, payload)] = events(services, "qc.dispositioned")
    assert payload == {
        "inspection_id": failed,
        "disposition_id": row.id,
        "decision": "concession",
        "signer_id": inspector.user_id,
        "signer_name": "黄婷",
        "meaning": expected,
        "note": "thickness within customer deviation D-17",
    }
    with services.store.read() as session:
        event = session.exec(select(Event).where(Event.type == "qc.dispositioned")).one()
    assert (event.occurred_at, event.user_id) == (row.signed_at, inspector.user_id)
    assert services.qc.detail(failed, "en").disposition == signed
    assert signed.reinspection is None


def test_the_meaning_is_in_the_signers_language(
    services: Services, people: dict[str, SignedIn]
) -> None:
    failed = failed_first_article(services, people)
    signed = services.qc.disposition(
        failed, Decision.REWORK, "", INSPECTOR_PIN, people["inspector"], "zh_CN"
    )
    assert signed.meaning.startswith("本人黄婷签署检验单")
    assert "返工" in signed.meaning


def test_only_a_failed_inspection_is_dispositioned_and_only_once(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "FA-REFLOW", "first_article")
    reflow(services, people["operator"])
    inspector, sign = people["inspector"], services.qc.disposition
    passed = the_open(services, InspectionKind.FIRST_ARTICLE).inspection_id
    services.qc.record_sample(passed, 1, GOOD, inspector)
    args = (Decision.CONCESSION, "", INSPECTOR_PIN, inspector, "en")

    assert refused(sign, passed, *args) is Refusal.NOT_FAILED
    assert refused(sign, "no-such-id", *args) is Refusal.UNKNOWN_INSPECTION


def test_a_signed_disposition_is_not_signed_again(
    services: Services, people: dict[str, SignedIn]
) -> None:
    failed = failed_first_article(services, people)
    args = (Decision.CONCESSION, "", INSPECTOR_PIN, people["inspector"], "en")
    services.qc.disposition(failed, *args)
    assert refused(services.qc.disposition, failed, *args) is Refusal.ALREADY_DISPOSITIONED
    assert len(events(services, "qc.dispositioned")) == 1


# Control charts.

IN_CONTROL = [
    *(1.60, 1.62, 1.61, 1.59, 1.60, 1.63, 1.61, 1.60, 1.58, 1.61, 1.62, 1.60, 1.59),
    *(1.61, 1.62, 1.60, 1.61, 1.59, 1.60, 1.62, 1.61, 1.60, 1.58, 1.61, 1.60),
]
HISTORY = IN_CONTROL[:FIRM_LIMITS_COUNT]  # enough values before a point for firm limits


def measure_each_unit(
    services: Services, people: dict[str, SignedIn], values: list[float]
) -> list[list[int]]:
    """A patrol of one unit after every good unit reported, its thickness measured: the
    rules each unit's value fired."""
    keep_plan(services, "PT-THICK", "patrol", THICK, every_units=1)
    operation = reflow(services, people["operator"])
    fired = []
    for value in values:
        report(services, operation, people["operator"], 1)
        patrol = the_open(services, InspectionKind.PATROL)
        outcome = services.qc.record_sample(
            patrol.inspection_id, 1, {"THICK": value}, people["inspector"]
        )
        fired.append([signal.rule for signal in outcome.signals])
    return fired


def fired_at(fired: list[list[int]]) -> list[tuple[int, int]]:
    """(rule, index) of each rule fired at entry, as a chart lists its violations."""
    return [(rule, index) for index, rules in enumerate(fired) for rule in rules]


def quality_exceptions(services: Services) -> list[Andon]:
    with services.store.read() as session:
        return list(session.exec(select(Andon).where(Andon.category == Category.QUALITY)).all())


@pytest.mark.parametrize(
    ("tail", "rule"),
    [
        ([1.68, 1.61, 1.60], 1),  # in spec, but beyond 3σ of what came before
        ([1.63, 1.62] * 5, 2),  # nine on the high side of the centre line
        ([1.58, 1.59, 1.60, 1.61, 1.62, 1.63, 1.60], 3),  # six rising
    ],
)
def test_a_signal_on_the_newest_value_raises_one_quality_exception(
    services: Services, people: dict[str, SignedIn], tail: list[float], rule: int
) -> None:
    fired = measure_each_unit(services, people, HISTORY + tail)

    assert [rules for rules in fired if rules] == [[rule]]  # once, at the point that fires
    view = services.qc.spc("FG-MC200", "THICK", "en")
    assert [(v.rule, v.index) for v in view.violations] == fired_at(fired)
    [exception] = quality_exceptions(services)
    assert (exception.work_center, exception.raised_by) == ("WC-SMT", people["inspector"].user_id)
    assert f"判异准则 {rule}" in exception.note  # the inspector reads Chinese
    [(_, signal)] = events(services, "qc.spc_signal")
    assert (signal["characteristic"], signal["rule"], signal["exception_id"]) == (
        "THICK",
        rule,
        exception.id,
    )
    raised = events(services, "exception.raised")
    assert [payload["exception_id"] for _, payload in raised] == [exception.id]


def test_a_value_is_judged_against_limits_from_the_values_before_it(
    services: Services, people: dict[str, SignedIn]
) -> None:
    # Within limits from all 21 values (the outlier widens them), beyond those of the 20
    # before it.
    fired = measure_each_unit(services, people, [*HISTORY, 1.56])
    assert fired == [[]] * len(HISTORY) + [[1]]


def test_the_chart_flags_each_point_as_it_was_judged_at_entry(
    services: Services, people: dict[str, SignedIn]
) -> None:
    fired = measure_each_unit(services, people, [*HISTORY, 1.56])

    view = services.qc.spc("FG-MC200", "THICK", "en")

    # Against the whole window's limits 1.56 is within: the chart shows what was raised.
    assert view.lower is not None and view.lower < 1.56
    assert view.violations == (SpcViolationView(1, len(HISTORY)),)
    assert [(v.rule, v.index) for v in view.violations] == fired_at(fired)


def test_limits_from_fewer_than_20_values_raise_nothing(
    services: Services, people: dict[str, SignedIn]
) -> None:
    # An in-control process, normal around the nominal: provisional limits from its first
    # few values would flag one of its first 20 values (value 17, for this seed).
    rng = random.Random(0)
    values = [round(rng.gauss(1.60, 0.015), 2) for _ in range(40)]

    fired = measure_each_unit(services, people, values)

    assert fired[:FIRM_LIMITS_COUNT] == [[]] * FIRM_LIMITS_COUNT
    assert len(quality_exceptions(services)) == sum(1 for rules in fired if rules)


def test_an_in_control_series_raises_nothing(
    services: Services, people: dict[str, SignedIn]
) -> None:
    fired = measure_each_unit(services, people, IN_CONTROL)
    assert fired == [[]] * len(IN_CONTROL)
    assert quality_exceptions(services) == []
    assert events(services, "qc.spc_signal") == []


def test_the_chart_shows_the_values_limits_and_capability(
    services: Services, people: dict[str, SignedIn]
) -> None:
    measure_each_unit(services, people, IN_CONTROL)

    view = services.qc.spc("FG-MC200", "THICK", "en")

    mean = statistics.fmean(IN_CONTROL)
    sigma = statistics.fmean(abs(b - a) for a, b in pairwise(IN_CONTROL)) / 1.128
    assert (view.chart, view.name, view.points) == (
        ChartKind.IMR,
        "Board thickness",
        tuple(IN_CONTROL),
    )
    assert view.center == pytest.approx(mean)
    assert view.upper == pytest.approx(mean + 3 * sigma)
    assert view.cp == pytest.approx(0.20 / (6 * sigma))
    assert view.cpk == pytest.approx(min(1.70 - mean, mean - 1.50) / (3 * sigma))
    assert (view.provisional, view.violations, view.no_limits) == (False, (), "")
    assert refused(services.qc.spc, "FG-MC200", "SOLDER", "en") is Refusal.UNKNOWN_CHARACTERISTIC


def test_a_chart_without_enough_points_has_no_limits(
    services: Services, people: dict[str, SignedIn]
) -> None:
    measure_each_unit(services, people, [1.61])
    view = services.qc.spc("FG-MC200", "THICK", "en")
    assert (view.points, view.center, view.cpk, view.no_limits) == (
        (1.61,),
        None,
        None,
        "too_few_points",
    )


def test_subgroups_are_checked_once_each_inspection_is_complete(
    services: Services, people: dict[str, SignedIn]
) -> None:
    keep_plan(services, "PT-THICK3", "patrol", THICK, every_units=1, sample_size=3)
    operation = reflow(services, people["operator"])
    in_control = [
        *((1.60, 1.62, 1.61), (1.59, 1.61, 1.60), (1.61, 1.62, 1.60)),
        *((1.60, 1.61, 1.59), (1.62, 1.60, 1.61)),
    ]
    subgroups = [*in_control * 4, (1.66, 1.67, 1.65)]  # 20 subgroups before the shift
    fired = []
    for subgroup in subgroups:
        report(services, operation, people["operator"], 1)
        patrol = the_open(services, InspectionKind.PATROL).inspection_id
        for sample_no, value in enumerate(subgroup, start=1):
            outcome = services.qc.record_sample(
                patrol, sample_no, {"THICK": value}, people["inspector"]
            )
            fired.append((sample_no, [signal.rule for signal in outcome.signals]))

    # Only the last subgroup, once complete: its mean is far above the others'.
    assert [rules for _, rules in fired[:-1]] == [[]] * (len(fired) - 1)
    assert fired[-1] == (3, [1])
    assert len(quality_exceptions(services)) == 1
    view = services.qc.spc("FG-MC200", "THICK", "en")
    assert view.chart is ChartKind.XBAR_R
    assert view.points == pytest.approx([statistics.fmean(s) for s in subgroups])
    with services.store.read() as session:
        judged = session.exec(select(Inspection).where(Inspection.status != "open")).all()
    assert len(judged) == len(subgroups)


def open_of(services: Services, plan_code: str) -> str:
    with services.store.read() as session:
        return session.exec(
            select(Inspection.id).where(
                Inspection.plan_code == plan_code, Inspection.status == InspectionStatus.OPEN
            )
        ).one()


def test_a_plans_chart_holds_its_own_inspections_and_limits(
    services: Services, people: dict[str, SignedIn]
) -> None:
    wide = THICK.model_copy(update={"usl": 1.80})
    keep_plan(services, "PT-A", "patrol", THICK, every_units=1)
    keep_plan(services, "PT-B", "patrol", wide, every_units=2)
    keep_plan(services, "PT-C", "patrol", THICK, every_units=2, sample_size=2)
    operation = reflow(services, people["operator"])
    inspector = people["inspector"]
    a, b, c = [1.60, 1.61, 1.62, 1.63], [1.75, 1.76], [(1.60, 1.62), (1.61, 1.63)]
    for unit in range(4):
        report(services, operation, people["operator"], 1)  # B and C every second unit
        if unit % 2:
            subgroup: list[dict[str, Entry]] = [{"THICK": value} for value in c[unit // 2]]
            record_all(services, open_of(services, "PT-C"), inspector, subgroup)
            record_all(services, open_of(services, "PT-B"), inspector, [{"THICK": b[unit // 2]}])
        record_all(services, open_of(services, "PT-A"), inspector, [{"THICK": a[unit]}])

    # Without a plan: the item's charts of the size last judged, A's and B's values mixed.
    mixed = services.qc.spc("FG-MC200", "THICK", "en")
    assert (mixed.chart, mixed.points, mixed.usl) == (
        ChartKind.IMR,
        (1.60, 1.75, 1.61, 1.62, 1.76, 1.63),
        1.70,
    )
    one = services.qc.spc("FG-MC200", "THICK", "en", plan_code="PT-A")
    assert (one.chart, one.points, one.usl) == (ChartKind.IMR, tuple(a), 1.70)
    other = services.qc.spc("FG-MC200", "THICK", "en", plan_code="PT-B")
    assert (other.chart, other.points, other.usl) == (ChartKind.IMR, tuple(b), 1.80)
    pairs = services.qc.spc("FG-MC200", "THICK", "en", plan_code="PT-C")
    assert pairs.chart is ChartKind.XBAR_R
    assert pairs.points == pytest.approx([statistics.fmean(g) for g in c])
    keep_plan(services, "FA-SOLDER", "first_article", SOLDER)
    for plan in ("PT-NONE", "FA-SOLDER"):  # no such plan; a plan that does not measure it
        with pytest.raises(Refused) as refusal:
            services.qc.spc("FG-MC200", "THICK", "en", plan_code=plan)
        assert refusal.value.reason is Refusal.UNKNOWN_CHARACTERISTIC
