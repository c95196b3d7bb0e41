"""Applying a station's push: one transaction per batch, idempotent by event id.

The station's last applied sequence (per epoch) is updated in the same transaction as the
events, so a batch delivered twice applies once and a crash in between loses nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from hub.db import is_postgres, write
from hub.driver_sql import fetch, insert_rows, run
from hub.rules import ACCEPTED, Batch, StationScope, Verdict, judge, reject
from hub.tables import event_ref, hub_event, station_epoch
from sync.events import EventPayload, references
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
        try:
            with write(engine) as conn:
                return _apply(conn, scope, request, now, look_up_new=False)
        except IntegrityError:
            # An event id the hub has, sent under a sequence it has not applied (a replay
            # from another station or database): look every id of the batch up instead.
            with write(engine) as conn:
                return _apply(conn, scope, request, now, look_up_new=True)
    except _Conflict as conflict:
        _record_conflict(engine, scope.station_id, request.epoch, conflict, now)
        raise EpochConflict(conflict.detail) from None


class _Conflict(Exception):
    def __init__(self, seq: int | None, detail: str) -> None:
        super().__init__(detail)
        self.seq = seq
        self.detail = detail


def _apply(
    conn: Connection, scope: StationScope, request: PushRequest, now: datetime, look_up_new: bool
) -> PushResponse:
    # Two hub processes given the same batch (a retry racing the original) take turns here
    # (SQLite: the write transaction's lock, taken at BEGIN).
    fetch(conn, _LOCK_STATION + (" FOR UPDATE" if is_postgres(conn) else ""), (scope.station_id,))
    last_seq = _last_seq(conn, scope.station_id, request.epoch, now)
    # A sequence the hub has applied is a duplicate or a restored database: its id decides.
    # An id under a new sequence is new, unless the insert says otherwise (see apply_push).
    ids = [event.id for event in request.events if look_up_new or event.seq <= last_seq]
    known = set()
    if ids:
        marks = ", ".join("?" * len(ids))
        known = {
            row[0] for row in fetch(conn, f"SELECT id FROM hub_event WHERE id IN ({marks})", ids)
        }
    events = sorted(request.events, key=lambda e: e.seq)
    received, *occurred = _utc_texts([now] + [event.occurred_at for event in events])
    # Only events not plainly accepted get an answer of their own (protocol v2): a healthy
    # batch costs no per-event answer to build, encode, send and read.
    results: list[EventResult] = []
    rows: list[tuple[object, ...]] = []
    refs: list[tuple[str, list[tuple[str, str]]]] = []
    batch = Batch()
    for event, occurred_at in zip(events, occurred, strict=True):
        if event.seq <= last_seq:
            if event.id in known:
                results.append(_duplicate(event))
                continue
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
        last_seq = event.seq
        if event.id in known:
            # Applied before under another sequence (another station's, a cloned disk's):
            # kept once, and this station's sequence moves on all the same.
            results.append(_duplicate(event))
            continue
        verdict, payload, text = _judged(conn, scope, event, batch)
        times = (occurred_at, received)
        rows.append(_row(scope.station_id, request.epoch, event, verdict, text, times))
        if verdict is ACCEPTED:
            if payload is not None and (found := references(payload)):
                refs.append((event.id, found))
        else:
            if payload is not None and verdict.status is not EventStatus.REJECTED:
                refs.append((event.id, references(payload)))
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
    _insert(conn, rows, refs)
    run(conn, _SET_LAST_SEQ, (last_seq, scope.station_id, request.epoch))
    skew_ms = int((request.sent_at - now).total_seconds() * 1000)
    run(conn, _SEEN, (now.isoformat(), skew_ms, scope.station_id))
    return PushResponse(hub_time=now, last_seq=last_seq, results=results)


def _duplicate(event: OutboxEvent) -> EventResult:
    return EventResult(id=event.id, seq=event.seq, status=EventStatus.DUPLICATE)


def _judged(
    conn: Connection, scope: StationScope, event: OutboxEvent, batch: Batch
) -> tuple[Verdict, EventPayload | None, str]:
    """The verdict on `event`, its payload read, and the payload text to store: as the
    station sent it, or, when unreadable, as a JSON string of that text (bytes that are
    not UTF-8 as escapes), so nothing is lost and reading it back never fails."""
    try:
        text = str(event.payload, "utf-8")
    except UnicodeDecodeError as exc:
        verdict = reject(RejectReason.BAD_PAYLOAD, f"payload: {exc}")
        return (
            verdict,
            None,
            _as_json_string(bytes(event.payload).decode(errors="backslashreplace")),
        )
    verdict, payload = judge(conn, scope, event, text, batch)
    if verdict is not ACCEPTED and verdict.reason == RejectReason.BAD_PAYLOAD:
        text = _as_json_string(text)
    return verdict, payload, text


def _as_json_string(text: str) -> str:
    return msgspec.json.encode(text).decode()


def _insert(
    conn: Connection, rows: list[tuple[object, ...]], refs: list[tuple[str, list[tuple[str, str]]]]
) -> None:
    if not rows:
        return
    insert_rows(conn, hub_event.name, _EVENT_COLUMNS, rows)
    ref_rows = [(event_id, kind, value) for event_id, pairs in refs for kind, value in pairs]
    if ref_rows:
        insert_rows(conn, event_ref.name, ("event_id", "kind", "value"), ref_rows)


_ACCEPTED_TEXT = EventStatus.ACCEPTED.value
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
    station_id: str,
    epoch: str,
    event: OutboxEvent,
    verdict: Verdict,
    payload: str,
    times: tuple[str, str],
) -> tuple[object, ...]:
    """A hub_event row, in _EVENT_COLUMNS' order."""
    return (
        event.id,
        station_id,
        epoch,
        event.seq,
        event.type,
        payload,
        event.subject_id,
        event.user_id,
        *times,
        _ACCEPTED_TEXT if verdict is ACCEPTED else verdict.status.value,
        verdict.reason,
        verdict.detail,
    )


def _utc_texts(moments: list[datetime]) -> list[str]:
    """Each moment as UTC text ending in "Z": one format for every station, so the text
    sorts as the times do. A moment with no UTC form (year 1 at +01:00) keeps its offset.
    Encoded in one call: one call per event cost a tenth of the push."""
    in_utc = [moment if not moment.utcoffset() else _in_utc(moment) for moment in moments]
    # No quote or comma occurs inside a datetime's text.
    return msgspec.json.encode(in_utc).decode()[2:-2].split('","')


def _in_utc(moment: datetime) -> datetime:
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return moment


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
