"""The exceptions (andon) of every line, kept in `line_exception` as their events are
applied, and what a station asks of them: the open ones of its work centers.

Each step is an upsert whose outcome does not depend on the order steps arrive in (stations
push when they can): the first acknowledgement and the first resolution stand, the level
only rises, and the raise fills in what the exception is about whenever it comes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import Connection

from hub.driver_sql import fetch, run
from sync.events import (
    ExceptionAcknowledged,
    ExceptionEscalated,
    ExceptionRaised,
    ExceptionResolved,
)
from sync.protocol import OpenException, OutboxEvent, ResolvedException

ExceptionPayload = ExceptionRaised | ExceptionAcknowledged | ExceptionEscalated | ExceptionResolved
PAYLOADS = (ExceptionRaised, ExceptionAcknowledged, ExceptionEscalated, ExceptionResolved)

_WORK_CENTER = "SELECT work_center FROM line_exception WHERE exception_id = ?"
_RAISED = (
    "INSERT INTO line_exception (exception_id, work_center, station_id, category, severity,"
    " note, equipment, operation_id, raised_at, raised_by, level)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
    " ON CONFLICT (exception_id) DO UPDATE SET work_center = excluded.work_center,"
    " station_id = excluded.station_id, category = excluded.category,"
    " severity = excluded.severity, note = excluded.note, equipment = excluded.equipment,"
    " operation_id = excluded.operation_id, raised_at = excluded.raised_at,"
    " raised_by = excluded.raised_by"
)
_ACKNOWLEDGED = (
    "INSERT INTO line_exception (exception_id, level, acknowledged_at, acknowledged_by,"
    " ack_seconds) VALUES (?, 0, ?, ?, ?)"
    " ON CONFLICT (exception_id) DO UPDATE SET acknowledged_at = excluded.acknowledged_at,"
    " acknowledged_by = excluded.acknowledged_by, ack_seconds = excluded.ack_seconds"
    " WHERE line_exception.acknowledged_at IS NULL"
)
_ESCALATED = (
    "INSERT INTO line_exception (exception_id, level) VALUES (?, ?)"
    " ON CONFLICT (exception_id) DO UPDATE SET level = excluded.level"
    " WHERE excluded.level > line_exception.level"
)
_RESOLVED = (
    "INSERT INTO line_exception (exception_id, level, resolved_at, resolved_by,"
    " resolve_seconds, cause, action, resolution_note) VALUES (?, 0, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (exception_id) DO UPDATE SET resolved_at = excluded.resolved_at,"
    " resolved_by = excluded.resolved_by, resolve_seconds = excluded.resolve_seconds,"
    " cause = excluded.cause, action = excluded.action,"
    " resolution_note = excluded.resolution_note"
    " WHERE line_exception.resolved_at IS NULL"
)
_OPEN_COLUMNS = (
    "exception_id, station_id, work_center, category, severity, note, equipment,"
    " operation_id, raised_at, raised_by, level, acknowledged_at, acknowledged_by, ack_seconds"
)
_RESOLVED_COLUMNS = (
    "exception_id, resolved_at, resolved_by, resolve_seconds, cause, action, resolution_note"
)


def work_center_of(conn: Connection, exception_id: str) -> str | None:
    """The work center the exception was raised for, once its raise has been applied."""
    rows = fetch(conn, _WORK_CENTER, (exception_id,))
    return rows[0][0] if rows else None


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def project(
    conn: Connection, station_id: str, event: OutboxEvent, payload: ExceptionPayload
) -> None:
    """Apply one accepted exception event to `line_exception`, in the push's transaction."""
    at = _utc(event.occurred_at)
    if isinstance(payload, ExceptionRaised):
        run(
            conn,
            _RAISED,
            (
                payload.exception_id,
                payload.work_center,
                station_id,
                payload.category,
                payload.severity,
                payload.note,
                payload.equipment,
                payload.operation_id,
                at,
                event.user_id,
            ),
        )
    elif isinstance(payload, ExceptionAcknowledged):
        run(conn, _ACKNOWLEDGED, (payload.exception_id, at, event.user_id, payload.seconds))
    elif isinstance(payload, ExceptionEscalated):
        run(conn, _ESCALATED, (payload.exception_id, payload.level))
    else:
        run(
            conn,
            _RESOLVED,
            (
                payload.exception_id,
                at,
                event.user_id,
                payload.seconds,
                payload.cause,
                payload.action,
                payload.note,
            ),
        )


@lru_cache(maxsize=32)
def _marks(count: int) -> str:
    return ", ".join("?" * count)


def open_on_lines(conn: Connection, work_centers: frozenset[str]) -> list[OpenException]:
    """The open exceptions of these work centers, oldest first (by the index on work
    center and resolved_at)."""
    centers = sorted(work_centers)
    if not centers:
        return []
    rows = fetch(
        conn,
        f"SELECT {_OPEN_COLUMNS} FROM line_exception WHERE resolved_at IS NULL"
        f" AND work_center IN ({_marks(len(centers))}) ORDER BY raised_at, exception_id",
        centers,
    )
    return [
        OpenException(
            exception_id=exception_id,
            station_id=station,
            work_center=center,
            category=category,
            severity=severity,
            note=note,
            equipment=equipment,
            operation_id=operation_id,
            raised_at=datetime.fromisoformat(raised_at),
            raised_by=raised_by,
            level=int(level),
            acknowledged_at=None if acked_at is None else datetime.fromisoformat(acked_at),
            acknowledged_by=acked_by,
            ack_seconds=ack_seconds,
        )
        for (
            exception_id,
            station,
            center,
            category,
            severity,
            note,
            equipment,
            operation_id,
            raised_at,
            raised_by,
            level,
            acked_at,
            acked_by,
            ack_seconds,
        ) in rows
    ]


def resolved_among(
    conn: Connection, station_id: str, work_centers: frozenset[str], asking: Sequence[str]
) -> list[ResolvedException]:
    """Which of `asking` are resolved: of the station's work centers, or raised there."""
    wanted = sorted(set(asking))
    if not wanted:
        return []
    centers = sorted(work_centers)
    on_lines = f" OR work_center IN ({_marks(len(centers))})" if centers else ""
    rows = fetch(
        conn,
        f"SELECT {_RESOLVED_COLUMNS} FROM line_exception WHERE resolved_at IS NOT NULL"
        f" AND exception_id IN ({_marks(len(wanted))}) AND (station_id = ?{on_lines})",
        (*wanted, station_id, *centers),
    )
    return [
        ResolvedException(
            exception_id=exception_id,
            resolved_at=datetime.fromisoformat(resolved_at),
            resolved_by=resolved_by,
            resolve_seconds=seconds,
            cause=cause or "",
            action=action or "",
            note=note or "",
        )
        for exception_id, resolved_at, resolved_by, seconds, cause, action, note in rows
    ]
