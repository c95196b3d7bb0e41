"""Quality inspection (QC) at this station: the inspections raised here, their results unit
by unit, the verdict, the signed disposition of a failed one, and the control charts of what
was measured. No Textual.

Inspections are raised by the work itself (kiosk/qc_records.py): an operation's start, its
reports, its running time (`raise_due`, which the app calls from a timer). An inspector enters
each sample unit's results; the last unit judges the inspection in the same transaction:
at most `accept` nonconforming units pass it. A final inspection moves its plan's ISO 2859-1
switching state; a measured characteristic's newest point is checked on its control chart
(kiosk/qc_charts.py), and a signal raises a quality exception. A failed inspection is
dispositioned by a QC inspector who signs by re-entering their PIN, under the lockout that
sign-ins obey (kiosk/auth.py); a refused signature is recorded too. Each step is one
transaction with its events.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy import and_, or_, text
from sqlmodel import Session, col, func, select

from kiosk.andon_records import Raise
from kiosk.andon_records import raise_in as raise_exception_in
from kiosk.andon_values import Category, Severity
from kiosk.auth import SIGNED, AuthService
from kiosk.clock import Clock
from kiosk.config import Language
from kiosk.equipment_reference import in_language
from kiosk.i18n import Translator
from kiosk.identity import Outcome, SignedIn
from kiosk.ids import new_id
from kiosk.qc_charts import LARGEST_SUBGROUP, chart_view, charted, newest_rules, series
from kiosk.qc_records import (
    ON_DISPOSITION,
    ON_MINUTES,
    first_article_pending,
    keep_switching_state,
    patrols_due,
    plan_named,
    plan_of,
    plans,
    raise_inspection_in,
    switching_state,
)
from kiosk.qc_sampling import SwitchingState, next_state
from kiosk.qc_values import (
    CharacteristicKind,
    CharacteristicView,
    ChartKind,
    Decision,
    DefectChoice,
    DispositionView,
    Entry,
    InspectionDetail,
    InspectionKind,
    InspectionStatus,
    InspectionSummary,
    ResultView,
    SampleOutcome,
    SampleView,
    SpcSignalView,
    SpcView,
    as_read,
    judge_value,
)
from kiosk.roles import Permission
from kiosk.store.database import Store
from kiosk.store.models import (
    Disposition,
    Inspection,
    InspectionResult,
    Operation,
    ReferenceRecord,
    User,
    WorkOrder,
)
from kiosk.work import OPEN_STATUSES, Refusal, Refused
from sync.reference import CharacteristicRecord, InspectionPlanRecord, ReasonCodeRecord

SAMPLE_RECORDED = "qc.sample_recorded"
JUDGED = "qc.inspection_judged"
DISPOSITIONED = SIGNED  # proves the signer's PIN: kiosk.auth counts wrong ones from it
SIGNATURE_REFUSED = "qc.signature_refused"
SPC_SIGNAL = "qc.spc_signal"
SAMPLING_DISCONTINUED = "qc.sampling_discontinued"
DEFECT = "defect"  # the kind of reason code an attribute's defects are
NOTE_MOST = 500  # characters of a disposition's note kept


class QcService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        station_id: str,
        work_centers: Sequence[str],
        auth: AuthService,
    ) -> None:
        self._store = store
        self._clock = clock
        self._station_id = station_id
        self._work_centers = tuple(work_centers)
        self._auth = auth  # checks a signer's PIN, counting it towards their lockout

    # What there is to inspect.

    def to_do(self, language: str) -> list[InspectionSummary]:
        """What an inspector has to do at this station's work centers, the oldest first:
        the open inspections, and the failed ones nobody has dispositioned yet."""
        signed = select(Disposition.inspection_id)
        with self._store.read() as session:
            rows = session.exec(
                select(Inspection)
                .where(
                    col(Inspection.work_center).in_(self._work_centers),
                    or_(
                        col(Inspection.status) == InspectionStatus.OPEN,
                        and_(
                            col(Inspection.status) == InspectionStatus.FAILED,
                            col(Inspection.id).not_in(signed),
                        ),
                    ),
                )
                .order_by(text("inspection.rowid"))  # as raised, whatever the clock did
            ).all()
            return self._summaries(session, rows, language)

    def waiting_first_article(self, operation_id: str) -> bool:
        """Whether the operation's reports wait for a first article to pass: what the
        operator is told after a start."""
        with self._store.read() as session:
            return first_article_pending(session, operation_id)

    def detail(self, inspection_id: str, language: str) -> InspectionDetail:
        with self._store.read() as session:
            inspection = self._here(session, inspection_id)
            plan = plan_of(session, inspection)
            results = session.exec(
                select(InspectionResult)
                .where(InspectionResult.inspection_id == inspection.id)
                # Each unit's characteristics in the order they were entered: the plan's.
                .order_by(col(InspectionResult.sample_no), text("inspection_result.rowid"))
            ).all()
            samples: dict[int, list[ResultView]] = {}
            for row in results:
                samples.setdefault(row.sample_no, []).append(_result_view(row))
            signed = session.exec(
                select(Disposition).where(Disposition.inspection_id == inspection.id)
            ).first()
            return InspectionDetail(
                summary=self._summaries(session, [inspection], language)[0],
                characteristics=_characteristics(session, plan, language),
                samples=tuple(SampleView(no, tuple(found)) for no, found in samples.items()),
                accept=inspection.accept,
                reject=inspection.reject,
                lot_size=inspection.lot_size,
                code_letter=inspection.code_letter,
                severity=inspection.severity,
                nonconforming=inspection.nonconforming,
                disposition=None if signed is None else _disposition_view(inspection, signed),
            )

    def raise_due(self, language: str = Language.ZH_CN) -> list[InspectionSummary]:
        """Raise the patrol inspections by running minutes that are due; answers them, their
        checks named in `language`."""
        with self._store.read() as session:
            if not patrols_due(session, self._clock, self._work_centers):
                return []  # the usual answer, without taking the write lock
        with self._store.write() as session:
            raised = [
                raise_inspection_in(
                    session, self._store.outbox, self._clock, plan, operation, ON_MINUTES, None
                )
                for operation, plan in patrols_due(session, self._clock, self._work_centers)
            ]
            return self._summaries(session, raised, language)

    # Results.

    def record_sample(
        self, inspection_id: str, sample_no: int, results: Mapping[str, Entry], who: SignedIn
    ) -> SampleOutcome:
        """Record one sample unit's results: a value for each variable characteristic, a
        (passed, defect) for each attribute. A unit recorded again while the inspection is
        open is corrected (its event kept beside the first). The last unit judges the
        inspection and checks the control charts of what was measured."""
        if not who.may(Permission.INSPECT):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            inspection = self._here(session, inspection_id)
            if inspection.status != InspectionStatus.OPEN:
                raise Refused(Refusal.INSPECTION_CLOSED)
            if not 1 <= sample_no <= inspection.sample_size:
                raise ValueError(f"sample {sample_no} of an inspection of {inspection.sample_size}")
            plan = plan_of(session, inspection)
            chars = _characteristics(session, plan, who.language)
            entered = _entered(chars, results)
            self._keep_results(session, inspection, sample_no, entered, who)
            done = session.exec(
                select(func.count(func.distinct(InspectionResult.sample_no))).where(
                    InspectionResult.inspection_id == inspection.id
                )
            ).one()
            judged = done >= inspection.sample_size
            signals: list[SpcSignalView] = []
            if judged:
                self._judge(session, inspection, plan, who)
                signals = self._check_charts(session, inspection, chars, who)
            return SampleOutcome(
                inspection_id=inspection.id,
                sample_no=sample_no,
                results=entered,
                judged=judged,
                verdict=InspectionStatus(inspection.status),
                nonconforming=inspection.nonconforming,
                signals=tuple(signals),
            )

    def _keep_results(
        self,
        session: Session,
        inspection: Inspection,
        sample_no: int,
        entered: tuple[ResultView, ...],
        who: SignedIn,
    ) -> None:
        kept = {
            row.characteristic: row
            for row in session.exec(
                select(InspectionResult).where(
                    InspectionResult.inspection_id == inspection.id,
                    InspectionResult.sample_no == sample_no,
                )
            ).all()
        }
        now = self._clock.now()
        for result in entered:
            row = kept.get(result.characteristic) or InspectionResult(
                id=new_id(),
                inspection_id=inspection.id,
                sample_no=sample_no,
                characteristic=result.characteristic,
                passed=result.passed,
                entered_at=now,
            )
            row.value, row.passed, row.defect = result.value, result.passed, result.defect
            row.entered_at, row.user_id = now, who.user_id
            session.add(row)
        self._store.outbox.append(
            session,
            SAMPLE_RECORDED,
            {
                "inspection_id": inspection.id,
                "sample_no": sample_no,
                "results": [
                    {
                        "characteristic": r.characteristic,
                        "value": r.value,
                        "passed": r.passed,
                        "defect": r.defect,
                    }
                    for r in entered
                ],
            },
            who.user_id,
            subject_id=inspection.id,
        )

    def _judge(
        self,
        session: Session,
        inspection: Inspection,
        plan: InspectionPlanRecord | None,
        who: SignedIn,
    ) -> None:
        """Units with any characteristic out are nonconforming; at most `accept` pass it. A
        final inspection moves its plan's switching state (`_switched`); the lot that
        discontinues sampling raises a quality exception."""
        failed_units = session.exec(
            select(func.count(func.distinct(InspectionResult.sample_no))).where(
                InspectionResult.inspection_id == inspection.id,
                col(InspectionResult.passed).is_(False),
            )
        ).one()
        passed = failed_units <= inspection.accept
        inspection.status = InspectionStatus.PASSED if passed else InspectionStatus.FAILED
        inspection.nonconforming = failed_units
        inspection.judged_at = self._clock.now()
        inspection.judged_by = who.user_id
        session.add(inspection)
        state, stopped = None, False
        if inspection.kind == InspectionKind.FINAL and plan is not None:
            state, stopped = _switched(session, inspection, plan, failed_units)
        self._store.outbox.append(
            session,
            JUDGED,
            {
                "inspection_id": inspection.id,
                "verdict": inspection.status,
                "nonconforming": failed_units,
                "next_severity": "" if state is None else state.severity.value,
            },
            who.user_id,
            subject_id=inspection.id,
        )
        if stopped and plan is not None:
            self._discontinued(session, inspection, plan, who)

    def _discontinued(
        self, session: Session, inspection: Inspection, plan: InspectionPlanRecord, who: SignedIn
    ) -> None:
        """Sampling of the plan is discontinued (ISO 2859-1, 9.4): a quality exception, for
        the supplier's corrective action to be agreed, and its event."""
        what = Raise(
            category=Category.QUALITY,
            severity=Severity.HIGH,
            work_center=inspection.work_center,
            note=Translator(Language(who.language))(
                "qc.sampling_discontinued.note",
                plan=plan.code,
                item=inspection.item_code,
                number=inspection.number,
            ),
            operation_id=inspection.operation_id,
        )
        outbox = self._store.outbox
        exception = raise_exception_in(
            session, outbox, self._clock, self._station_id, what, who.user_id
        )
        outbox.append(
            session,
            SAMPLING_DISCONTINUED,
            {"plan": plan.code, "inspection_id": inspection.id, "exception_id": exception.id},
            who.user_id,
            subject_id=inspection.id,
        )

    def _check_charts(
        self,
        session: Session,
        inspection: Inspection,
        chars: tuple[CharacteristicView, ...],
        who: SignedIn,
    ) -> list[SpcSignalView]:
        """Check the newest point of each measured characteristic's chart (the inspection
        just judged); a signal raises one quality exception, with an event for each rule."""
        if not charted(inspection.sample_size):
            return []
        signals = []
        tr = Translator(Language(who.language))
        for char in chars:
            if char.kind != CharacteristicKind.VARIABLE:
                continue
            subgroups = series(session, inspection.item_code, char.code, inspection.sample_size)
            rules = newest_rules(subgroups)
            if not rules:
                continue
            note = tr(
                "qc.spc.note",
                characteristic=char.name,
                item=inspection.item_code,
                chart=ChartKind.IMR if inspection.sample_size == 1 else ChartKind.XBAR_R,
                rules=", ".join(map(str, rules)),
                number=inspection.number,
            )
            what = Raise(
                category=Category.QUALITY,
                # A point beyond 3σ is a special cause now; a run is a drift to look into.
                severity=Severity.HIGH if 1 in rules else Severity.MEDIUM,
                work_center=inspection.work_center,
                note=note,
                operation_id=inspection.operation_id,
            )
            outbox = self._store.outbox
            exception = raise_exception_in(
                session, outbox, self._clock, self._station_id, what, who.user_id
            )
            for rule in rules:
                outbox.append(
                    session,
                    SPC_SIGNAL,
                    {
                        "item_code": inspection.item_code,
                        "characteristic": char.code,
                        "rule": rule,
                        "inspection_id": inspection.id,
                        "exception_id": exception.id,
                    },
                    who.user_id,
                    subject_id=inspection.id,
                )
                signals.append(SpcSignalView(char.code, rule, exception.id))
        return signals

    # Disposition: an electronic signature.

    def meaning(self, inspection_id: str, decision: Decision, who: SignedIn, language: str) -> str:
        """The sentence `who` signs for this disposition, in `language`: the screen shows it
        before the PIN is asked for, and the signature keeps it."""
        with self._store.read() as session:
            return _meaning(self._here(session, inspection_id), decision, who.name, language)

    def disposition(
        self,
        inspection_id: str,
        decision: Decision,
        note: str,
        pin: str,
        who: SignedIn,
        language: str,
    ) -> DispositionView:
        """Sign what is done with a failed inspection's units. Only a QC inspector signs, by
        re-entering their own PIN: a wrong one counts towards their lockout as at sign-in,
        and a locked-out inspector cannot sign. A refused signature is recorded before it is
        refused. A first article reworked or scrapped raises a new first-article inspection
        (the next unit is checked); a concession releases the operation's reports."""
        with self._store.write() as session:
            inspection = self._here(session, inspection_id)
            refused = self._signature_refused(session, inspection, pin, who)
            if refused is None:
                return self._sign(session, inspection, decision, note, who, language)
            self._store.outbox.append(
                session,
                SIGNATURE_REFUSED,
                {"inspection_id": inspection.id, "reason": refused.value},
                who.user_id,
                subject_id=inspection.id,
            )
        raise Refused(refused)  # once the attempt is committed

    def _signature_refused(
        self, session: Session, inspection: Inspection, pin: str, who: SignedIn
    ) -> Refusal | None:
        """Why `who` may not sign this disposition, where the attempt is recorded: not a QC
        inspector, locked out, no PIN set, or not their PIN. What nobody may sign now is
        refused outright."""
        if not who.may(Permission.DISPOSITION):
            return Refusal.NOT_PERMITTED
        if inspection.status != InspectionStatus.FAILED:
            raise Refused(Refusal.NOT_FAILED)
        signed = session.exec(
            select(Disposition.id).where(Disposition.inspection_id == inspection.id)
        ).first()
        if signed is not None:
            raise Refused(Refusal.ALREADY_DISPOSITIONED)
        signer = session.get(User, who.user_id)
        if signer is None:
            return Refusal.NOT_PERMITTED
        outcome = self._auth.check_pin_in(session, signer, pin)
        return None if outcome is Outcome.OK else _PIN_REFUSALS[outcome]

    def _sign(
        self,
        session: Session,
        inspection: Inspection,
        decision: Decision,
        note: str,
        who: SignedIn,
        language: str,
    ) -> DispositionView:
        signer = session.get(User, who.user_id)
        assert signer is not None  # the PIN was checked against this row
        row = Disposition(
            id=new_id(),
            inspection_id=inspection.id,
            decision=decision,
            note=note.strip()[:NOTE_MOST],
            signer_id=signer.id,
            signer_name=signer.name,
            signed_at=self._clock.now(),
            meaning=_meaning(inspection, decision, signer.name, language),
        )
        session.add(row)
        outbox = self._store.outbox
        outbox.append(
            session,
            DISPOSITIONED,
            {
                "inspection_id": inspection.id,
                "disposition_id": row.id,
                "decision": row.decision,
                "signer_id": row.signer_id,
                "signer_name": row.signer_name,
                "meaning": row.meaning,
                "note": row.note,
            },
            signer.id,
            subject_id=inspection.id,
        )
        again = None
        if inspection.kind == InspectionKind.FIRST_ARTICLE and decision != Decision.CONCESSION:
            operation = session.get(Operation, inspection.operation_id or "")
            plan = plan_named(session, inspection.plan_code)
            if operation is not None and plan is not None and operation.status in OPEN_STATUSES:
                again = raise_inspection_in(
                    session, outbox, self._clock, plan, operation, ON_DISPOSITION, signer.id
                )
        view = _disposition_view(inspection, row)
        if again is None:
            return view
        return replace(view, reinspection=self._summaries(session, [again], language)[0])

    # Control charts.

    def spc(
        self, item_code: str, characteristic: str, language: str, *, plan_code: str | None = None
    ) -> SpcView:
        """The item's measured characteristic on its control chart. With `plan_code`, of that
        plan's inspections only, with its characteristic's limits, on the chart of its sample
        size (a final plan's lots vary: the size of its newest charted lot). Without, of all
        the item's plans: the chart of the sample size it was last inspected with (of those
        charted), else its plans' smallest."""
        with self._store.read() as session:
            found = [
                (char, plan)
                for plan in plans(session)
                if plan.item_code == item_code and plan_code in (None, plan.code)
                for char in plan.characteristics
                if char.code == characteristic and char.kind == CharacteristicKind.VARIABLE
            ]
            if not found:
                raise Refused(Refusal.UNKNOWN_CHARACTERISTIC)
            char, plan = found[0]
            if plan_code is not None and plan.kind != InspectionKind.FINAL:
                size: int | None = plan.sample_size
            else:
                size = _newest_charted(session, item_code, characteristic, plan_code)
            if size is None or not charted(size):
                size = min((p.sample_size for _, p in found if charted(p.sample_size)), default=1)
            view = _characteristic_view(char, {}, language)
            return chart_view(session, item_code, view, size, plan_code)

    # Helpers.

    def _here(self, session: Session, inspection_id: str) -> Inspection:
        inspection = session.get(Inspection, inspection_id)
        if inspection is None or inspection.work_center not in self._work_centers:
            raise Refused(Refusal.UNKNOWN_INSPECTION)
        return inspection

    def _summaries(
        self, session: Session, rows: Sequence[Inspection], language: str
    ) -> list[InspectionSummary]:
        ids = [row.id for row in rows]
        done = dict(
            session.exec(
                select(
                    InspectionResult.inspection_id,
                    func.count(func.distinct(InspectionResult.sample_no)),
                )
                .where(col(InspectionResult.inspection_id).in_(ids))
                .group_by(col(InspectionResult.inspection_id))
            ).all()
        )
        operations = {
            op.id: f"{number} {op.seq} {op.name}"
            for op, number in session.exec(
                select(Operation, WorkOrder.number)
                .join(WorkOrder, col(Operation.work_order_id) == WorkOrder.id)
                .where(col(Operation.id).in_([row.operation_id for row in rows]))
            ).all()
        }
        checks = {
            code: ", ".join(
                in_language(c.name_zh, c.name_en, language) for c in plan.characteristics
            )
            for code in {row.plan_code for row in rows}
            if (plan := plan_named(session, code)) is not None
        }
        return [
            InspectionSummary(
                inspection_id=row.id,
                number=row.number,
                plan_code=row.plan_code,
                kind=InspectionKind(row.kind),
                item_code=row.item_code,
                operation=operations.get(row.operation_id or "", ""),
                work_center=row.work_center,
                trigger=row.trigger,
                checks=checks.get(row.plan_code, ""),
                sample_size=row.sample_size,
                samples_done=done.get(row.id, 0),
                status=InspectionStatus(row.status),
                raised_at=row.raised_at,
            )
            for row in rows
        ]


def _entered(
    chars: tuple[CharacteristicView, ...], results: Mapping[str, Entry]
) -> tuple[ResultView, ...]:
    """One unit's entries, judged; refused unless every characteristic has a fitting one."""
    known = {char.code for char in chars}
    if not chars or set(results) - known:
        raise Refused(Refusal.UNKNOWN_CHARACTERISTIC)
    if known - set(results):
        raise Refused(Refusal.SAMPLE_INCOMPLETE)
    return tuple(_judged(char, results[char.code]) for char in chars)


def _judged(char: CharacteristicView, entry: Entry) -> ResultView:
    if char.kind == CharacteristicKind.VARIABLE:
        if entry is None or isinstance(entry, tuple | bool):
            raise Refused(Refusal.VALUE_NEEDED)
        value = float(entry)
        if not math.isfinite(value):
            raise Refused(Refusal.NOT_A_NUMBER)  # "1e999" is a number to a text box
        read = float(as_read(value, char.decimals))  # recorded as judged
        return ResultView(char.code, read, judge_value(char, read), "")
    if not isinstance(entry, tuple):
        raise ValueError(f"{char.code} is an attribute: enter (passed, defect)")
    passed, defect = entry
    if passed and defect:
        raise ValueError(f"{char.code}: a unit that passed has no defect")
    # A failed unit names one of the characteristic's defects, where it has any.
    if not passed and defect not in ({d.code for d in char.defects} or {""}):
        raise Refused(Refusal.UNKNOWN_DEFECT)
    return ResultView(char.code, None, passed, defect)


_PIN_REFUSALS = {
    Outcome.WRONG_PIN: Refusal.WRONG_PIN,
    Outcome.LOCKED: Refusal.LOCKED_OUT,
    Outcome.PIN_NOT_SET: Refusal.PIN_NOT_SET,
    Outcome.INACTIVE: Refusal.NOT_PERMITTED,
}


def _switched(
    session: Session, inspection: Inspection, plan: InspectionPlanRecord, nonconforming: int
) -> tuple[SwitchingState, bool]:
    """The plan's switching state after this lot, and whether the lot discontinued sampling.
    The lot counts by its own verdict, if it was raised at the severity the state still has:
    of two lots open at once, the first judged may switch it, and the other was sampled by
    another table. While sampling is discontinued no lot counts (see `switching_state`)."""
    state = switching_state(session, plan.code)
    if state.discontinued or inspection.severity != state.severity:
        return state, False
    state = next_state(
        state,
        inspection.accept,
        nonconforming,
        # The station cannot tell irregular production: the authority's approval stands.
        production_steady=True,
        reduced_approved=plan.reduced_allowed,
    )
    keep_switching_state(session, plan.code, state)
    return state, state.discontinued


def _newest_charted(
    session: Session, item_code: str, characteristic: str, plan_code: str | None
) -> int | None:
    """The sample size of the newest judged inspection that measured the characteristic (of
    the plan's, when given), of those charted."""
    query = (
        select(Inspection.sample_size)
        .join(InspectionResult, col(InspectionResult.inspection_id) == Inspection.id)
        .where(
            Inspection.item_code == item_code,
            InspectionResult.characteristic == characteristic,
            col(Inspection.judged_at).is_not(None),
            col(Inspection.sample_size) <= LARGEST_SUBGROUP,
        )
    )
    if plan_code is not None:
        query = query.where(Inspection.plan_code == plan_code)
    return session.exec(query.order_by(col(Inspection.judged_at).desc())).first()


def _characteristics(
    session: Session, plan: InspectionPlanRecord | None, language: str
) -> tuple[CharacteristicView, ...]:
    """The plan's characteristics as the station has the plan now; none if it was withdrawn."""
    if plan is None:
        return ()
    rows = session.exec(
        select(ReferenceRecord.data).where(ReferenceRecord.entity == "reason_code")
    ).all()
    defects = {
        reason.code: in_language(reason.name_zh, reason.name_en, language)
        for reason in map(ReasonCodeRecord.model_validate_json, rows)
        if reason.kind == DEFECT
    }
    return tuple(_characteristic_view(char, defects, language) for char in plan.characteristics)


def _characteristic_view(
    char: CharacteristicRecord, defects: Mapping[str, str], language: str
) -> CharacteristicView:
    return CharacteristicView(
        code=char.code,
        name=in_language(char.name_zh, char.name_en, language),
        kind=CharacteristicKind(char.kind),
        nominal=char.nominal,
        lsl=char.lsl,
        usl=char.usl,
        unit=char.unit,
        decimals=char.decimals,
        gauge=char.gauge,
        defects=tuple(DefectChoice(code, defects.get(code, code)) for code in char.defects),
    )


def _result_view(row: InspectionResult) -> ResultView:
    return ResultView(row.characteristic, row.value, row.passed, row.defect)


def _meaning(inspection: Inspection, decision: Decision, name: str, language: str) -> str:
    tr = Translator(Language(language))
    return tr(
        "qc.signature.meaning",
        name=name,
        decision=tr(f"qc.decision.{decision.value}"),
        number=inspection.number,
        nonconforming=inspection.nonconforming if inspection.nonconforming is not None else 0,
        sample_size=inspection.sample_size,
    )


def _disposition_view(inspection: Inspection, row: Disposition) -> DispositionView:
    return DispositionView(
        inspection_id=inspection.id,
        number=inspection.number,
        decision=Decision(row.decision),
        note=row.note,
        signer_name=row.signer_name,
        signed_at=row.signed_at,
        meaning=row.meaning,
    )
