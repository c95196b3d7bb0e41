"""Raising an exception inside a caller's transaction: the andon service raises them, and so
do other flows (a failed daily check raises an equipment exception). No Textual here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from kiosk.clock import Clock
from kiosk.ids import new_id
from kiosk.store.models import Andon
from kiosk.store.outbox import Outbox

RAISED = "exception.raised"


@dataclass(frozen=True)
class Raise:
    """What an exception is about; `work_center` is the line it shows on."""

    category: str
    severity: str
    work_center: str
    note: str = ""
    equipment: str = ""
    operation_id: str | None = None


def raise_in(
    session: Session,
    outbox: Outbox,
    clock: Clock,
    station_id: str,
    what: Raise,
    user_id: str | None,
) -> Andon:
    """Add the exception and its `exception.raised` event to the caller's transaction."""
    row = Andon(
        id=new_id(),
        station_id=station_id,
        work_center=what.work_center,
        category=what.category,
        severity=what.severity,
        note=what.note,
        equipment=what.equipment,
        operation_id=what.operation_id,
        raised_at=clock.now(),
        raised_by=user_id,
        raised_mono_ns=int(clock.monotonic() * 1e9),
        raised_boot=clock.boot_id(),
    )
    session.add(row)
    outbox.append(
        session,
        RAISED,
        {
            "exception_id": row.id,
            "category": what.category,
            "severity": what.severity,
            "note": what.note,
            "work_center": what.work_center,
            "equipment": what.equipment,
            "operation_id": what.operation_id,
        },
        user_id,
        subject_id=row.id,
    )
    return row
