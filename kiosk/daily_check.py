"""The daily equipment check (点检): once per machine per shift, before work starts there.

Every item is answered: pass/fail, or a reading judged against its limits. One failed item
fails the check, which raises an equipment exception in the same transaction and blocks
starts at the machine's work center until a team lead releases it. The shift's latest
check is the one that counts, so a machine put right can be checked again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, select

from kiosk.andon_records import Raise, raise_in
from kiosk.clock import Clock
from kiosk.daily_check_values import Answer, CheckDone, CheckItem, CheckKind, CheckStatus
from kiosk.equipment_reference import equipment_here, in_language, station_equipment
from kiosk.identity import SignedIn
from kiosk.ids import new_id
from kiosk.roles import Permission
from kiosk.shifts import shift_start
from kiosk.store.database import Store
from kiosk.store.models import DailyCheck
from kiosk.work import Refusal, Refused
from sync.reference import EquipmentRecord

CHECKED = "equipment.checked"
RELEASED = "equipment.check_released"


class DailyCheckService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        station_id: str,
        work_centers: Sequence[str],
        shift_starts: Sequence[str],
    ) -> None:
        self._store = store
        self._clock = clock
        self._station_id = station_id
        self._work_centers = tuple(work_centers)
        self._shift_starts = tuple(shift_starts)

    def items(self, equipment: str, language: str) -> list[CheckItem]:
        """The machine's check items, worded in `language` (Chinese or English)."""
        with self._store.read() as session:
            record = equipment_here(session, self._work_centers, equipment)
        return _items(record, language)

    def statuses(self) -> dict[str, CheckStatus]:
        """Where each machine of the station stands this shift."""
        since = self._shift()
        with self._store.read() as session:
            return {
                record.code: check_status(session, record, since)
                for record in station_equipment(session, self._work_centers)
            }

    def submit(self, equipment: str, answers: Mapping[str, Answer], who: SignedIn) -> CheckDone:
        """Record the check and its event; a failed item raises an equipment exception."""
        if not who.may(Permission.RUN_EQUIPMENT):
            raise Refused(Refusal.NOT_PERMITTED)
        since = self._shift()
        with self._store.write() as session:
            record = equipment_here(session, self._work_centers, equipment)
            items = _items(record, who.language)
            results = [_result(item, answers.get(item.code)) for item in items]
            failed = [
                (item, result)
                for item, result in zip(items, results, strict=True)
                if not result["passed"]
            ]
            exception_id = None
            if failed:
                note = "; ".join(_failure(item, result) for item, result in failed)
                what = Raise("equipment", "high", record.work_center, note, equipment=equipment)
                outbox = self._store.outbox
                andon = raise_in(session, outbox, self._clock, self._station_id, what, who.user_id)
                exception_id = andon.id
            check = DailyCheck(
                id=new_id(),
                equipment=equipment,
                shift_start=since,
                results=json.dumps(results, ensure_ascii=False),
                passed=not failed,
                done_at=self._clock.now(),
                done_by=who.user_id,
                exception_id=exception_id,
            )
            session.add(check)
            self._store.outbox.append(
                session,
                CHECKED,
                {
                    "check_id": check.id,
                    "equipment": equipment,
                    "shift_start": since.isoformat(),
                    "passed": check.passed,
                    "results": results,
                    "exception_id": exception_id,
                },
                who.user_id,
                subject_id=equipment,
            )
            codes = tuple(item.code for item, _ in failed)
            return CheckDone(check.id, equipment, check.passed, codes, exception_id)

    def release(self, equipment: str, approver: SignedIn, who: SignedIn) -> str:
        """A team lead lets work start despite the shift's failed check; its id."""
        if not approver.may(Permission.RELEASE_CHECK):
            raise Refused(Refusal.NOT_PERMITTED)
        since = self._shift()
        with self._store.write() as session:
            equipment_here(session, self._work_centers, equipment)
            check = latest_check(session, equipment, since)
            if check is None or check.passed or check.released_at is not None:
                raise Refused(Refusal.NOTHING_TO_RELEASE)
            check.released_at = self._clock.now()
            check.released_by = approver.user_id
            session.add(check)
            self._store.outbox.append(
                session,
                RELEASED,
                {"check_id": check.id, "equipment": equipment, "approved_by": approver.user_id},
                who.user_id,
                subject_id=equipment,
            )
            return check.id

    def _shift(self) -> datetime:
        return shift_start(self._clock.now(), self._shift_starts)


def require_checks(session: Session, work_center: str, since: datetime) -> None:
    """Work may start at `work_center` only when each of its machines that has check items
    passed this shift's check (the shift began at `since`), or failed it and was released:
    Refused(DAILY_CHECK_NEEDED) or Refused(DAILY_CHECK_FAILED) otherwise. Runs in the
    caller's transaction, so the start and the check it relied on are one consistent read."""
    for record in station_equipment(session, (work_center,)):
        require_check(session, record, since)


def require_check(session: Session, record: EquipmentRecord, since: datetime) -> None:
    """`require_checks` for one machine (set running by hand, it needs its check too)."""
    status = check_status(session, record, since)
    if status is CheckStatus.TO_DO:
        raise Refused(Refusal.DAILY_CHECK_NEEDED)
    if status is CheckStatus.FAILED:
        raise Refused(Refusal.DAILY_CHECK_FAILED)


def check_status(session: Session, record: EquipmentRecord, since: datetime) -> CheckStatus:
    if not record.daily_check:
        return CheckStatus.NOT_NEEDED
    check = latest_check(session, record.code, since)
    if check is None:
        return CheckStatus.TO_DO
    if check.passed:
        return CheckStatus.PASSED
    return CheckStatus.FAILED if check.released_at is None else CheckStatus.RELEASED


def latest_check(session: Session, equipment: str, since: datetime) -> DailyCheck | None:
    """The machine's latest check for the shift that began at `since` (in the order they
    were recorded: a clock change does not reorder them)."""
    return session.exec(
        select(DailyCheck)
        .where(DailyCheck.equipment == equipment, DailyCheck.shift_start == since)
        .order_by(text("daily_check.rowid DESC"))
        .limit(1)
    ).first()


def _items(record: EquipmentRecord, language: str) -> list[CheckItem]:
    return [
        CheckItem(
            item.code,
            in_language(item.text_zh, item.text_en, language),
            CheckKind(item.kind),
            item.lsl,
            item.usl,
            item.unit,
        )
        for item in record.daily_check
    ]


def _result(item: CheckItem, answer: Answer | None) -> dict[str, object]:
    """The item's entry in the check's results; Refused(CHECK_INCOMPLETE) if unanswered."""
    if item.kind is CheckKind.VALUE:
        if answer is None or answer.value is None:
            raise Refused(Refusal.CHECK_INCOMPLETE)
        return {
            "code": item.code,
            "kind": item.kind.value,
            "passed": item.within(answer.value),
            "value": answer.value,
            "lsl": item.lsl,
            "usl": item.usl,
            "unit": item.unit,
        }
    if answer is None or answer.passed is None:
        raise Refused(Refusal.CHECK_INCOMPLETE)
    return {"code": item.code, "kind": item.kind.value, "passed": answer.passed}


def _failure(item: CheckItem, result: Mapping[str, object]) -> str:
    """A failed item for the exception's note: its words, and the reading if it has one."""
    if "value" in result:
        return f"{item.text} = {result['value']:g} {item.unit}".rstrip()
    return item.text
