"""Exceptions (andon, 异常) of the line: raised by anyone on the floor, acknowledged and then
resolved by a team lead, escalated level by level while nobody acknowledges them.

Each step is committed with its event and the row's new state in one transaction. How long
a step took (raised → acknowledged, raised → resolved) and how late an exception is are
measured from the row's monotonic reading where the boot is the same, on wall time across
boots (kiosk.timer.seconds_between), so a clock set back never makes them negative. The
line's open exceptions include the rows other stations raised (the hub sends them into the
same table); only the station that raised one escalates it, on its own clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from kiosk.andon_records import Raise, raise_in
from kiosk.andon_values import (
    SEVERITY_RANK,
    Acknowledged,
    AndonSummary,
    EquipmentChoice,
    Escalated,
    OpenException,
    RaiseContext,
    RaiseRequest,
    ReasonChoice,
    Resolution,
    Resolved,
)
from kiosk.clock import Clock
from kiosk.identity import SignedIn
from kiosk.ids import short_code
from kiosk.roles import Permission
from kiosk.store.database import Store
from kiosk.store.models import Andon, Operation, ReferenceRecord, User, WorkOrder
from kiosk.timer import Mark, seconds_between
from kiosk.work import Refusal, Refused

ACKNOWLEDGED = "exception.acknowledged"
ESCALATED = "exception.escalated"
RESOLVED = "exception.resolved"
CAUSE = "cause"  # the kinds of reason code a resolution needs
ACTION = "action"
NOTE_MOST = 500  # characters of a note kept


class AndonService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        station_id: str,
        work_centers: Sequence[str],
        escalate_after_minutes: Sequence[int],
    ) -> None:
        self._store = store
        self._clock = clock
        self._station_id = station_id
        self._work_centers = tuple(work_centers)
        self._escalate_after = tuple(escalate_after_minutes)
        # The level this terminal last told of, for exceptions other stations escalate (the
        # hub brings their level): every terminal of the line rings, not only the raiser.
        self._told: dict[str, int] = {}

    # Raising.

    def raise_context(self, operation_id: str | None) -> RaiseContext:
        """Where an exception raised with this task selected would belong, and the equipment
        there it may name."""
        with self._store.read() as session:
            work_center, operation = self._where(session, operation_id)
            return RaiseContext(work_center, operation, _equipment(session, work_center))

    def raise_exception(self, request: RaiseRequest, who: SignedIn) -> OpenException:
        if not who.may(Permission.RAISE_EXCEPTION):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            work_center, operation = self._where(session, request.operation_id)
            equipment = request.equipment.strip()
            if equipment and equipment not in {e.code for e in _equipment(session, work_center)}:
                raise Refused(Refusal.UNKNOWN_EQUIPMENT)
            what = Raise(
                category=request.category.value,
                severity=request.severity.value,
                work_center=work_center,
                note=request.note.strip()[:NOTE_MOST],
                equipment=equipment,
                operation_id=request.operation_id,
            )
            row = raise_in(
                session, self._store.outbox, self._clock, self._station_id, what, who.user_id
            )
            return self._shown(
                row, {who.user_id: who.name}, {row.id: operation} if operation else {}
            )

    def _where(self, session: Session, operation_id: str | None) -> tuple[str, str]:
        """The work center and the operation's label for an exception of this task."""
        if operation_id is None:
            return self._work_centers[0], ""
        op = session.get(Operation, operation_id)
        if op is None:
            raise Refused(Refusal.UNKNOWN_OPERATION)
        if op.work_center not in self._work_centers:
            raise Refused(Refusal.NOT_AT_THIS_STATION)
        order = session.get(WorkOrder, op.work_order_id)
        assert order is not None  # a foreign key
        return op.work_center, f"{order.number} {op.seq} {op.name}"

    # The line's open exceptions.

    def open_exceptions(self) -> list[OpenException]:
        """Unresolved exceptions of this station's work centers, wherever they were raised:
        those nobody acknowledged first, then the highest level, the worst, the oldest."""
        with self._store.read() as session:
            rows = self._open_rows(session)
            people = _names(
                session, [r.raised_by for r in rows] + [r.acknowledged_by for r in rows]
            )
            operations = _operations(session, rows)
        shown = [self._shown(row, people, operations) for row in rows]
        return sorted(
            shown,
            key=lambda e: (
                e.acknowledged,
                -e.level,
                -SEVERITY_RANK.get(e.severity, -1),
                -e.age_seconds,
            ),
        )

    def summary(self) -> AndonSummary:
        with self._store.read() as session:
            rows = self._open_rows(session)
        return AndonSummary(
            open=len(rows),
            highest_level=max((row.level for row in rows), default=0),
            unacknowledged=sum(row.acknowledged_at is None for row in rows),
        )

    def _open_rows(self, session: Session) -> list[Andon]:
        return list(
            session.exec(
                select(Andon).where(
                    col(Andon.work_center).in_(self._work_centers),
                    col(Andon.resolved_at).is_(None),
                )
            ).all()
        )

    # Acknowledging and resolving: a team lead.

    def acknowledge(self, exception_id: str, lead: SignedIn) -> Acknowledged:
        if not lead.may(Permission.HANDLE_EXCEPTION):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            row = self._row(session, exception_id)
            if row.resolved_at is not None:
                raise Refused(Refusal.ALREADY_RESOLVED)
            if row.acknowledged_at is not None:
                raise Refused(Refusal.ALREADY_ACKNOWLEDGED)
            seconds = self._acknowledge(session, row, lead)
            return Acknowledged(row.id, short_code(row.id), seconds)

    def resolve(self, exception_id: str, resolution: Resolution, lead: SignedIn) -> Resolved:
        """Resolve it with a cause and an action from the plant's lists. One nobody has
        acknowledged yet is acknowledged by the same team lead in the same transaction."""
        if not lead.may(Permission.HANDLE_EXCEPTION):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            row = self._row(session, exception_id)
            if row.resolved_at is not None:
                raise Refused(Refusal.ALREADY_RESOLVED)
            if resolution.cause not in _reasons(session, CAUSE, "en"):
                raise Refused(Refusal.UNKNOWN_CAUSE)
            if resolution.action not in _reasons(session, ACTION, "en"):
                raise Refused(Refusal.UNKNOWN_ACTION)
            if row.acknowledged_at is None:
                self._acknowledge(session, row, lead)
            mark = self._now()
            seconds = seconds_between(_raised(row), mark)
            note = resolution.note.strip()[:NOTE_MOST]
            row.resolved_at = mark.occurred_at
            row.resolved_by = lead.user_id
            row.resolve_seconds = seconds
            row.cause, row.action, row.resolution_note = resolution.cause, resolution.action, note
            session.add(row)
            self._store.outbox.append(
                session,
                RESOLVED,
                {
                    "exception_id": row.id,
                    "cause": resolution.cause,
                    "action": resolution.action,
                    "note": note,
                    "seconds": round(seconds, 3),
                },
                lead.user_id,
                subject_id=row.id,
            )
            assert row.ack_seconds is not None  # acknowledged above if it was not
            return Resolved(row.id, short_code(row.id), row.ack_seconds, seconds)

    def causes(self, language: str) -> list[ReasonChoice]:
        """The plant's causes, named in `language` (Chinese or English)."""
        with self._store.read() as session:
            return sorted(_reasons(session, CAUSE, language).values(), key=lambda r: r.code)

    def actions(self, language: str) -> list[ReasonChoice]:
        with self._store.read() as session:
            return sorted(_reasons(session, ACTION, language).values(), key=lambda r: r.code)

    def _acknowledge(self, session: Session, row: Andon, lead: SignedIn) -> float:
        mark = self._now()
        seconds = seconds_between(_raised(row), mark)
        row.acknowledged_at = mark.occurred_at
        row.acknowledged_by = lead.user_id
        row.ack_seconds = seconds
        session.add(row)
        self._store.outbox.append(
            session,
            ACKNOWLEDGED,
            {"exception_id": row.id, "seconds": round(seconds, 3)},
            lead.user_id,
            subject_id=row.id,
        )
        return seconds

    def _row(self, session: Session, exception_id: str) -> Andon:
        row = session.get(Andon, exception_id)
        if row is None:
            raise Refused(Refusal.UNKNOWN_EXCEPTION)
        if row.work_center not in self._work_centers:
            raise Refused(Refusal.NOT_AT_THIS_STATION)
        return row

    # Escalation.

    def escalate_due(self) -> list[Escalated]:
        """Raise the level of this station's exceptions nobody acknowledged in time: one
        `exception.escalated` event per level reached, with the row, in one transaction.
        Answers what escalated, with the line's exceptions other stations escalated since
        this terminal last told of them (empty most of the time, without the write lock)."""
        if not self._escalate_after:
            return []
        with self._store.read() as session:
            heard = self._heard(session)
            if not self._late(session):
                return heard
        escalated: list[Escalated] = heard
        with self._store.write() as session:
            for row, reached in self._late(session):  # again: another writer may have acted
                for level in range(row.level + 1, reached + 1):
                    self._store.outbox.append(
                        session,
                        ESCALATED,
                        {"exception_id": row.id, "level": level},
                        None,
                        subject_id=row.id,
                    )
                    escalated.append(_escalated(row, level))
                row.level = reached
                session.add(row)
        return escalated

    def _heard(self, session: Session) -> list[Escalated]:
        """Exceptions of the line raised elsewhere that reached a level this terminal has
        not told of yet (read only: their station records the escalation). The level is
        the one recorded, or the one their age reached by the wall clock if that is higher:
        a raising terminal switched off records nothing, and the line must still hear."""
        rows = session.exec(
            select(Andon).where(
                Andon.station_id != self._station_id,
                col(Andon.work_center).in_(self._work_centers),
                col(Andon.resolved_at).is_(None),
                col(Andon.acknowledged_at).is_(None),
            )
        ).all()
        now = self._now()
        levels = {row.id: max(row.level, self._level_due(row, now)) for row in rows}
        heard = [row for row in rows if levels[row.id] > self._told.get(row.id, 0)]
        for row in heard:
            self._told[row.id] = levels[row.id]
        return [_escalated(row, levels[row.id]) for row in heard]

    def _late(self, session: Session) -> list[tuple[Andon, int]]:
        """This station's unacknowledged exceptions below the level their age has reached,
        with that level."""
        rows = session.exec(
            select(Andon).where(
                Andon.station_id == self._station_id,
                col(Andon.resolved_at).is_(None),
                col(Andon.acknowledged_at).is_(None),
                col(Andon.level) < len(self._escalate_after),
            )
        ).all()
        now = self._now()
        late = []
        for row in rows:
            reached = self._level_due(row, now)
            if reached > row.level:
                late.append((row, reached))
        return late

    def _level_due(self, row: Andon, now: Mark) -> int:
        """The escalation level an unacknowledged exception's age has reached."""
        minutes = seconds_between(_raised(row), now) / 60
        return sum(minutes >= after for after in self._escalate_after)

    # Helpers.

    def _now(self) -> Mark:
        clock = self._clock
        return Mark("", clock.now(), int(clock.monotonic() * 1e9), clock.boot_id())

    def _shown(
        self, row: Andon, people: dict[str, str], operations: dict[str, str]
    ) -> OpenException:
        return OpenException(
            exception_id=row.id,
            code=short_code(row.id),
            station_id=row.station_id,
            work_center=row.work_center,
            category=row.category,
            severity=row.severity,
            level=row.level,
            note=row.note,
            equipment=row.equipment,
            operation=operations.get(row.id, ""),
            raised_at=row.raised_at,
            raised_by=_name(people, row.raised_by),
            age_seconds=seconds_between(_raised(row), self._now()),
            acknowledged=row.acknowledged_at is not None,
            acknowledged_by=_name(people, row.acknowledged_by),
            ack_seconds=row.ack_seconds,
        )


def _raised(row: Andon) -> Mark:
    return Mark("", row.raised_at, row.raised_mono_ns, row.raised_boot)


def _name(people: dict[str, str], user_id: str | None) -> str:
    return "" if user_id is None else people.get(user_id, user_id)


def _names(session: Session, user_ids: Iterable[str | None]) -> dict[str, str]:
    wanted = {user_id for user_id in user_ids if user_id}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.name).where(col(User.id).in_(wanted))).all()
    return dict(rows)


def _operations(session: Session, rows: Sequence[Andon]) -> dict[str, str]:
    """Exception id → its operation's label, where the operation is known here."""
    wanted = {row.operation_id for row in rows if row.operation_id}
    if not wanted:
        return {}
    found = session.exec(
        select(Operation.id, Operation.seq, Operation.name, WorkOrder.number)
        .join(WorkOrder, col(WorkOrder.id) == col(Operation.work_order_id))
        .where(col(Operation.id).in_(wanted))
    ).all()
    labels = {op_id: f"{number} {seq} {name}" for op_id, seq, name, number in found}
    return {row.id: labels[row.operation_id] for row in rows if row.operation_id in labels}


def _equipment(session: Session, work_center: str) -> tuple[EquipmentChoice, ...]:
    records = session.exec(
        select(ReferenceRecord.data).where(ReferenceRecord.entity == "equipment")
    ).all()
    found = [
        EquipmentChoice(record["code"], record.get("name", ""))
        for record in map(json.loads, records)
        if record.get("work_center") == work_center
    ]
    return tuple(sorted(found, key=lambda e: e.code))


def _reasons(session: Session, kind: str, language: str) -> dict[str, ReasonChoice]:
    rows = session.exec(
        select(ReferenceRecord.data).where(ReferenceRecord.entity == "reason_code")
    ).all()
    found = {}
    for record in map(json.loads, rows):
        if record.get("kind") == kind:
            name = record["name_zh"] if language == "zh_CN" else record["name_en"]
            found[record["code"]] = ReasonChoice(record["code"], name)
    return found


def _escalated(row: Andon, level: int) -> Escalated:
    return Escalated(
        row.id,
        short_code(row.id),
        row.category,
        row.severity,
        row.work_center,
        row.equipment,
        level,
    )
