"""Applying a station's push: one transaction per batch, idempotent by event id.

The station's last applied sequence (per epoch) is updated in the same transaction as the
events, so a batch delivered twice applies once and a crash in between loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Connection, Engine, Table, insert, select, update

from hub.db import is_postgres, write
from hub.driver_sql import fetch, run
from hub.rules import StationScope, Verdict, judge
from hub.tables import event_ref, hub_event, station_epoch
from sync.events import references
from sync.protocol import (
    EventResult,
    EventStatus,
    OutboxEvent,
    PushRequest,
    PushResponse,
    RejectReason,
)

# The statements every batch runs, on the driver (driver_sql.py): through SQLAlchemy they
# cost a millisecond a batch.
_LOCK_STATION = "SELECT id FROM station WHERE id = ?"
_EPOCHS = (
    "SELECT epoch, status, last_seq, conflict_seq, conflict_detail FROM station_epoch"
    " WHERE station_id = ?"
)
_SET_LAST_SEQ = "UPDATE station_epoch SET last_seq = ? WHERE station_id = ? AND epoch = ?"
_SEEN = "UPDATE station SET last_seen_at = ?, clock_skew_ms = ? WHERE id = ?"


class EpochConflict(Exception):
    """The station pushed from a database the hub cannot merge without an admin's word."""


def apply_push(
    engine: Engine, scope: StationScope, request: PushRequest, now: datetime
) -> PushResponse:
    try:
        with write(engine) as conn:
            return _apply(conn, scope, request, now)
    except _Conflict as conflict:
        _record_conflict(engine, scope.station_id, request.epoch, conflict, now)
        raise EpochConflict(conflict.detail) from None


class _Conflict(Exception):
    def __init__(self, seq: int | None, detail: str) -> None:
        super().__init__(detail)
        self.seq = seq
        self.detail = detail


def _apply(
    conn: Connection, scope: StationScope, request: PushRequest, now: datetime
) -> PushResponse:
    # Two hub processes given the same batch (a retry racing the original) take turns here
    # (SQLite: the write transaction's lock, taken at BEGIN).
    fetch(conn, _LOCK_STATION + (" FOR UPDATE" if is_postgres(conn) else ""), (scope.station_id,))
    last_seq = _last_seq(conn, scope.station_id, request.epoch, now)
    ids = [event.id for event in request.events]
    known = set()
    if ids:
        marks = ", ".join("?" * len(ids))
        known = {
            row[0] for row in fetch(conn, f"SELECT id FROM hub_event WHERE id IN ({marks})", ids)
        }
    received = _utc_text(now)
    # Only events not plainly accepted get an answer of their own (protocol v2): a healthy
    # batch costs no per-event answer to build, encode, send and read.
    results: list[EventResult] = []
    rows: list[tuple[object, ...]] = []
    refs: list[tuple[str, list[tuple[str, str]]]] = []
    for event in sorted(request.events, key=lambda e: e.seq):
        if event.id in known:
            results.append(EventResult(id=event.id, seq=event.seq, status=EventStatus.DUPLICATE))
            continue
        if event.seq <= last_seq:
            raise _Conflict(
                event.seq,
                f"station {scope.station_id} sent sequence {event.seq} of database "
                f"{request.epoch} again with a different event (the hub has up to "
                f"{last_seq}): the station database looks restored from an older copy",
            )
        if event.seq > last_seq + 1:
            results.append(
                EventResult(
                    id=event.id,
                    seq=event.seq,
                    status=EventStatus.GAP,
                    detail=f"expected sequence {last_seq + 1}",
                )
            )
            continue
        verdict, payload = judge(conn, scope, event)
        rows.append(_row(scope.station_id, request.epoch, event, verdict, received))
        if verdict.status is not EventStatus.REJECTED:
            refs.append((event.id, references(payload)))
        if verdict.status is not EventStatus.ACCEPTED:
            results.append(
                EventResult(
                    id=event.id,
                    seq=event.seq,
                    status=verdict.status,
                    reason=verdict.reason,
                    detail=verdict.detail,
                )
            )
        known.add(event.id)
        last_seq = event.seq
    _insert(conn, rows, refs)
    run(conn, _SET_LAST_SEQ, (last_seq, scope.station_id, request.epoch))
    skew_ms = int((request.sent_at - now).total_seconds() * 1000)
    run(conn, _SEEN, (now.isoformat(), skew_ms, scope.station_id))
    return PushResponse(hub_time=now, last_seq=last_seq, results=results)


def _insert(
    conn: Connection, rows: list[tuple[object, ...]], refs: list[tuple[str, list[tuple[str, str]]]]
) -> None:
    if not rows:
        return
    _insert_many(conn, hub_event, _EVENT_COLUMNS, rows)
    ref_rows = [(event_id, kind, value) for event_id, pairs in refs for kind, value in pairs]
    if ref_rows:
        _insert_many(conn, event_ref, ("event_id", "kind", "value"), ref_rows)


def _insert_many(
    conn: Connection, table: Table, names: tuple[str, ...], rows: Sequence[tuple[object, ...]]
) -> None:
    """One driver-level executemany: the batch is the hot path of a long catch-up, and
    SQLAlchemy's per-row statement handling cost more than the inserts themselves."""
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"
    )
    conn.exec_driver_sql(sql, rows)


_EVENT_COLUMNS = (
    "id",
    "station_id",
    "epoch",
    "seq",
    "type",
    "payload",
    "subject_id",
    "user_id",
    "occurred_at",
    "received_at",
    "status",
    "reason",
    "detail",
)


def _row(
    station_id: str, epoch: str, event: OutboxEvent, verdict: Verdict, received: str
) -> tuple[object, ...]:
    """A hub_event row, in _EVENT_COLUMNS' order."""
    return (
        event.id,
        station_id,
        epoch,
        event.seq,
        event.type,
        _payload_text(event.payload, verdict),
        event.subject_id,
        event.user_id,
        _utc_text(event.occurred_at),
        received,
        verdict.status.value,
        verdict.reason,
        verdict.detail,
    )


def _payload_text(raw: msgspec.Raw, verdict: Verdict) -> str:
    """The payload as the station sent it. One the hub could not read is kept as a JSON
    string of that text (bytes that are not UTF-8 as escapes): nothing is lost, and
    reading it back never fails."""
    if verdict.reason == RejectReason.BAD_PAYLOAD:
        return msgspec.json.encode(bytes(raw).decode(errors="backslashreplace")).decode()
    return bytes(raw).decode()


def _utc_text(moment: datetime) -> str:
    # One format for every station (UTC, "Z"), so the text sorts as the times do; a moment
    # that has no UTC form (year 1 at +01:00) keeps its own offset.
    if moment.utcoffset():
        with suppress(OverflowError):
            moment = moment.astimezone(UTC)
    return msgspec.json.encode(moment).decode()[1:-1]


def _last_seq(conn: Connection, station_id: str, epoch: str, now: datetime) -> int:
    """The last sequence applied from this database; a database the hub must hold raises."""
    rows = {row[0]: row for row in fetch(conn, _EPOCHS, (station_id,))}
    row = rows.get(epoch)
    if row is None:
        if rows:
            raise _Conflict(
                None,
                f"station {station_id} pushed from a new database {epoch}; the hub already "
                f"has events from {', '.join(sorted(rows))}. An admin must accept it "
                "(kiosk hub accept-epoch) before its events are merged",
            )
        conn.execute(
            insert(station_epoch).values(
                station_id=station_id,
                epoch=epoch,
                status="active",
                last_seq=0,
                conflict_detail="",
                first_seen_at=now.isoformat(),
            )
        )
        return 0
    _, status, last_seq, conflict_seq, conflict_detail = row
    if status != "active":
        raise _Conflict(conflict_seq, conflict_detail or f"database {epoch} is {status}")
    return int(last_seq)


def _record_conflict(
    engine: Engine, station_id: str, epoch: str, conflict: _Conflict, now: datetime
) -> None:
    """Remember the conflict (its own transaction: the batch itself was rolled back)."""
    with write(engine) as conn:
        found = conn.execute(
            select(station_epoch.c.status).where(
                station_epoch.c.station_id == station_id, station_epoch.c.epoch == epoch
            )
        ).scalar()
        if found is None:
            conn.execute(
                insert(station_epoch).values(
                    station_id=station_id,
                    epoch=epoch,
                    status="conflict",
                    last_seq=0,
                    conflict_seq=conflict.seq,
                    conflict_detail=conflict.detail,
                    first_seen_at=now.isoformat(),
                )
            )
        elif found == "active":
            conn.execute(
                update(station_epoch)
                .where(station_epoch.c.station_id == station_id, station_epoch.c.epoch == epoch)
                .values(
                    status="conflict", conflict_seq=conflict.seq, conflict_detail=conflict.detail
                )
            )
