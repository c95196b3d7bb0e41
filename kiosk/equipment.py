"""Equipment states at this station: changing them, and each machine's times this shift.

A change to a state that stops production needs a stop reason from the plant's list. A
breakdown ("down") opens the machine's corrective maintenance order in the same transaction,
unless one is open already. Times in each state are measured on the monotonic clock
(kiosk/equipment_time.py); availability is the running time over the shift so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from kiosk.clock import Clock
from kiosk.daily_check import require_check
from kiosk.equipment_records import Change, last_state, record_in, state_marks
from kiosk.equipment_reference import equipment_here, in_language, station_equipment
from kiosk.equipment_reference import stop_reasons as plant_stop_reasons
from kiosk.equipment_time import StateMark, time_in_states
from kiosk.equipment_values import (
    STOPS,
    Equipment,
    EquipmentShift,
    MachineState,
    StateChanged,
    StopReason,
)
from kiosk.identity import SignedIn
from kiosk.maintenance_records import CORRECTIVE, Opening, open_corrective_for, open_in
from kiosk.roles import Permission
from kiosk.shifts import shift_start
from kiosk.store.database import Store
from kiosk.timer import Mark, seconds_between
from kiosk.work import Refusal, Refused
from sync.reference import EquipmentRecord


class EquipmentService:
    def __init__(
        self, store: Store, clock: Clock, work_centers: Sequence[str], shift_starts: Sequence[str]
    ) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = tuple(work_centers)
        self._shift_starts = tuple(shift_starts)

    def equipment(self) -> list[Equipment]:
        """The station's machines, by work center then code."""
        with self._store.read() as session:
            return [_equipment(r) for r in station_equipment(session, self._work_centers)]

    def stop_reasons(self, language: str) -> list[StopReason]:
        """The plant's stop reasons, named in `language` (Chinese or English)."""
        with self._store.read() as session:
            reasons = plant_stop_reasons(session).values()
        named = (StopReason(r.code, in_language(r.name_zh, r.name_en, language)) for r in reasons)
        return sorted(named, key=lambda reason: reason.code)

    def change(
        self, equipment: str, state: MachineState, reason: str, who: SignedIn
    ) -> StateChanged:
        """Record the machine's new state (a stop with its reason) and its event; a breakdown
        opens a corrective maintenance order, named by the stop reason in `who`'s language."""
        if not who.may(Permission.RUN_EQUIPMENT):
            raise Refused(Refusal.NOT_PERMITTED)
        # A technician puts a machine into maintenance; the others call one (down).
        if state is MachineState.MAINTENANCE and not who.may(Permission.MAINTAIN):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            record = equipment_here(session, self._work_centers, equipment)
            reason = reason if state in STOPS else ""
            if state in STOPS and not reason:
                raise Refused(Refusal.STOP_REASON_NEEDED)
            known = plant_stop_reasons(session)
            if reason and reason not in known:
                raise Refused(Refusal.UNKNOWN_STOP_REASON)
            marks = state_marks(session, equipment)
            previous = marks[-1].state if marks else ""
            if previous == state:
                raise Refused(Refusal.SAME_STATE)
            # The technician hands a machine back: its maintenance order's confirmation does.
            if previous == MachineState.MAINTENANCE and not who.may(Permission.MAINTAIN):
                raise Refused(Refusal.IN_MAINTENANCE)
            if state is MachineState.RUNNING:
                require_check(session, record, shift_start(self._clock.now(), self._shift_starts))
            outbox = self._store.outbox
            row = record_in(
                session, outbox, self._clock, Change(equipment, state, reason), who.user_id
            )
            number = None
            if state is MachineState.DOWN:
                pending = open_corrective_for(session, equipment)
                if pending is None:
                    stop = known[reason]
                    title = in_language(stop.name_zh, stop.name_en, who.language)
                    opening = Opening(CORRECTIVE, equipment, title=title, down_state_id=row.id)
                    number = open_in(session, outbox, self._clock, opening, who.user_id).number
                elif pending.down_state_id is None:
                    # Opened from an exception while the machine still ran: its downtime
                    # starts now.
                    pending.down_state_id = row.id
                    session.add(pending)
            return StateChanged(equipment, state, previous, number)

    def shift_summary(self, language: str) -> list[EquipmentShift]:
        """Every machine of the station: its state now (the stop reason named in `language`)
        and its times since the shift began."""
        since = shift_start(self._clock.now(), self._shift_starts)
        with self._store.read() as session:
            records = station_equipment(session, self._work_centers)
            marks = {record.code: state_marks(session, record.code) for record in records}
            reasons = {record.code: _last_reason(session, record.code) for record in records}
            names = {
                code: in_language(r.name_zh, r.name_en, language)
                for code, r in plant_stop_reasons(session).items()
            }
        return [
            self._shift(_equipment(r), marks[r.code], names.get(reasons[r.code], ""), since)
            for r in records
        ]

    def _shift(
        self, equipment: Equipment, marks: list[StateMark], reason: str, since: datetime
    ) -> EquipmentShift:
        clock = self._clock
        if not marks:  # (time_in_states wants at least one mark)
            shift_seconds = max(0.0, (clock.now() - since).total_seconds())
            return EquipmentShift(equipment, None, "", None, 0.0, {}, shift_seconds, None)
        times = time_in_states(_in_shift(marks, since), since, clock)
        last = marks[-1]
        now = Mark("now", clock.now(), int(clock.monotonic() * 1e9), clock.boot_id())
        return EquipmentShift(
            equipment,
            MachineState(last.state),
            reason,
            last.changed_at,
            seconds_between(_mark(last), now),
            times.seconds,
            times.window_seconds,
            times.share(MachineState.RUNNING),
        )


def _in_shift(marks: list[StateMark], since: datetime) -> list[StateMark]:
    """The last mark at or before `since` (the state the shift began in) and all after."""
    first = 0
    for index, mark in enumerate(marks):
        if mark.changed_at <= since:
            first = index
    return marks[first:]


def _equipment(record: EquipmentRecord) -> Equipment:
    return Equipment(record.code, record.name, record.work_center, bool(record.daily_check))


def _mark(mark: StateMark) -> Mark:
    return Mark(mark.state, mark.changed_at, mark.mono_ns, mark.boot_id)


def _last_reason(session: Session, equipment: str) -> str:
    last = last_state(session, equipment)
    return last.reason if last is not None else ""
