"""The event log that is also the sync outbox."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from kiosk.clock import Clock
from kiosk.ids import new_id
from kiosk.store.models import Event
from kiosk.store.types import utc_text

# The same row as `append` adds, on the driver: for hot paths that run in `Store.write_sql`.
_INSERT = (
    "INSERT INTO event (id, seq, station_id, type, payload, subject_id, user_id, occurred_at,"
    " mono_ns, boot_id) SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM event"
)


def _encode(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in an event payload")


class Outbox:
    def __init__(self, station_id: str, clock: Clock) -> None:
        self._station_id = station_id
        self._clock = clock

    def append(
        self,
        session: Session,
        type_: str,
        payload: dict[str, Any],
        user_id: str | None,
        subject_id: str | None = None,
    ) -> Event:
        """Add an event to the caller's write transaction; it commits (or not) with it.

        The sequence is max+1 under the write lock the transaction already holds, so it is
        gapless and never handed out twice.
        """
        last = session.execute(select(func.max(Event.seq))).scalar()
        event = Event(
            id=new_id(),
            seq=(last or 0) + 1,
            station_id=self._station_id,
            type=type_,
            payload=json.dumps(payload, default=_encode, ensure_ascii=False, sort_keys=True),
            user_id=user_id,
            subject_id=subject_id,
            occurred_at=self._clock.now(),
            mono_ns=int(self._clock.monotonic() * 1e9),
            boot_id=self._clock.boot_id(),
        )
        session.add(event)
        session.flush()
        return event

    def append_sql(
        self,
        conn: sqlite3.Connection,
        type_: str,
        payload: dict[str, Any],
        user_id: str | None,
        subject_id: str | None = None,
    ) -> str:
        """`append` on the driver's connection in a write transaction (Store.write_sql);
        answers the event's id. The ORM's flush costs more than the row itself on a scan."""
        event_id = new_id()
        conn.execute(
            _INSERT,
            (
                event_id,
                self._station_id,
                type_,
                json.dumps(payload, default=_encode, ensure_ascii=False, sort_keys=True),
                subject_id,
                user_id,
                utc_text(self._clock.now()),
                int(self._clock.monotonic() * 1e9),
                self._clock.boot_id(),
            ),
        )
        return event_id
