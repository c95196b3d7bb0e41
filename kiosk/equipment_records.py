"""Recording an equipment state change inside a caller's transaction: the equipment service
records them, and so does maintenance (a machine handed back after repair). No Textual."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, col, select

from kiosk.clock import Clock
from kiosk.equipment_time import StateMark
from kiosk.ids import new_id
from kiosk.store.models import EquipmentState
from kiosk.store.outbox import Outbox
from kiosk.timer import Mark, seconds_between

STATE_CHANGED = "equipment.state_changed"


@dataclass(frozen=True)
class Change:
    equipment: str
    state: str
    reason: str = ""
    maintenance_order_id: str | None = None


def last_state(session: Session, equipment: str) -> EquipmentState | None:
    """The machine's latest change (in the order they were recorded), or None."""
    return session.exec(
        select(EquipmentState)
        .where(EquipmentState.equipment == equipment)
        .order_by(text("equipment_state.rowid DESC"))
        .limit(1)
    ).first()


def state_marks(session: Session, equipment: str) -> list[StateMark]:
    """Every change of the machine, in the order recorded (for equipment_time)."""
    rows = session.exec(
        select(EquipmentState)
        .where(col(EquipmentState.equipment) == equipment)
        .order_by(text("equipment_state.rowid"))
    ).all()
    return [StateMark(r.state, r.changed_at, r.mono_ns, r.boot_id) for r in rows]


def record_in(
    session: Session, outbox: Outbox, clock: Clock, change: Change, user_id: str | None
) -> EquipmentState:
    """Add the change and its event (with how long the previous state lasted)."""
    previous = last_state(session, change.equipment)
    row = EquipmentState(
        id=new_id(),
        equipment=change.equipment,
        state=change.state,
        reason=change.reason,
        user_id=user_id,
        changed_at=clock.now(),
        mono_ns=int(clock.monotonic() * 1e9),
        boot_id=clock.boot_id(),
        maintenance_order_id=change.maintenance_order_id,
    )
    session.add(row)
    lasted = 0.0
    if previous is not None:
        lasted = seconds_between(_mark(previous), _mark(row))
    outbox.append(
        session,
        STATE_CHANGED,
        {
            "equipment": change.equipment,
            "state": change.state,
            "previous": previous.state if previous is not None else "",
            "reason": change.reason,
            "seconds_in_previous": lasted,
            "maintenance_order": change.maintenance_order_id,
        },
        user_id,
        subject_id=change.equipment,
    )
    return row


def _mark(row: EquipmentState) -> Mark:
    return Mark(STATE_CHANGED, row.changed_at, row.mono_ns, row.boot_id)
