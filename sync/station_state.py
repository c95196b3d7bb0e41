"""The station's side of sync, in its own store: the outbox queue, the hub's answers, the
pull cursor and what the header shows. Everything here is one short transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec
from sqlalchemy import func, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from kiosk.reference import apply_changes, drop_unseen
from kiosk.store.database import Store
from kiosk.store.models import SYNC_ISSUE, Event, StationMeta
from kiosk.store.types import utc_text
from sync.protocol import Change, EventResult, EventStatus, OutboxEvent

CURSOR = "pull_cursor"
RESYNC = "resync"
LAST_SYNC = "last_sync_at"
SKEW = "clock_skew_ms"
BLOCKED = "sync_blocked"


@dataclass(frozen=True)
class SyncIssue:
    """An event the hub refused or flagged, for the team lead's sync issues screen."""

    seq: int
    type: str
    occurred_at: datetime
    user_id: str | None
    subject_id: str | None
    status: str
    reason: str
    detail: str
    payload: dict[str, object]


@dataclass(frozen=True)
class QueueState:
    queued: int
    issues: int
    last_sync_at: datetime | None
    clock_skew_ms: int | None
    blocked: str


def _get(session: Session, key: str) -> str | None:
    row = session.get(StationMeta, key)
    return None if row is None else row.value


def _set(session: Session, key: str, value: str) -> None:
    statement = sqlite_insert(StationMeta).values(key=key, value=value)
    session.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


# The outbox columns an OutboxEvent is made of, in its fields' order.
_SENT_COLUMNS = (
    "id",
    "seq",
    "type",
    "payload",
    "subject_id",
    "user_id",
    "occurred_at",
    "mono_ns",
    "boot_id",
)
# The hot statements of a long catch-up, as SQL for the driver: building them with
# SQLAlchemy cost more per batch than reading or marking its 500 rows.
_UNSENT = (
    f"SELECT {', '.join(_SENT_COLUMNS)} FROM event"
    " WHERE synced_at IS NULL AND seq > ? ORDER BY seq LIMIT ?"
)
_MARK_ACCEPTED = (
    "UPDATE event SET synced_at = ?, sync_status = 'accepted'"
    " WHERE seq BETWEEN ? AND ? AND synced_at IS NULL"
)
_MARK_ANSWERED = (
    "UPDATE event SET synced_at = ?, sync_status = ?, sync_reason = ?, sync_detail = ? WHERE id = ?"
)
_REQUEUE = (
    "UPDATE event SET synced_at = NULL, sync_status = NULL"
    " WHERE seq > ? AND sync_status = 'accepted'"
)
_SET_META = (
    "INSERT INTO station_meta (key, value) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def unsent(store: Store, limit: int, after_seq: int = 0) -> list[OutboxEvent]:
    """The next unsent events after `after_seq`, in order, as they travel: each payload
    is the JSON text the store holds, sent without being parsed and encoded again."""
    with store.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        rows = cursor.execute(_UNSENT, (after_seq, limit)).fetchall()
    # Times are stored as ISO-8601 text in UTC (kiosk/store/types.py).
    return [
        OutboxEvent(
            id=id_,
            seq=seq,
            type=type_,
            payload=msgspec.Raw(payload.encode()),
            subject_id=subject,
            user_id=user,
            occurred_at=datetime.fromisoformat(at),
            mono_ns=mono,
            boot_id=boot,
        )
        for id_, seq, type_, payload, subject, user, at, mono, boot in rows
    ]


def record_answers(
    store: Store,
    batch: Sequence[OutboxEvent],
    results: Sequence[EventResult],
    hub_last_seq: int,
    now: datetime,
    skew_ms: int,
) -> int:
    """Mark what the hub answered for `batch`; returns how many events left (or re-entered)
    the queue. The hub names only the events it did not plainly accept.

    A `gap` means the hub lacks events this station thought delivered (the hub was
    restored from a backup): they go back in the queue, to be sent again in order.
    """
    if not batch:
        return 0
    stamp = utc_text(now)
    # A duplicate was accepted by an earlier delivery whose answer was lost: accepted too.
    others = [
        (stamp, r.status.value, r.reason, r.detail, r.id)
        for r in results
        if r.status in (EventStatus.FLAGGED, EventStatus.REJECTED)
    ]
    gaps = any(r.status is EventStatus.GAP for r in results)
    with store.write_sql() as conn:
        # The batch is every unsent event from its first sequence to its last (newer events
        # have higher numbers), and the hub applied all of it up to its last sequence: one
        # range update marks them, where naming 500 ids cost more than the hub's insert.
        last = min(batch[-1].seq, hub_last_seq)
        accepted = conn.execute(_MARK_ACCEPTED, (stamp, batch[0].seq, last)).rowcount
        if others:
            conn.executemany(_MARK_ANSWERED, others)
        requeued = conn.execute(_REQUEUE, (hub_last_seq,)).rowcount if gaps else 0
        meta = [(LAST_SYNC, now.isoformat()), (SKEW, str(skew_ms)), (BLOCKED, "")]
        conn.executemany(_SET_META, meta)
    return int(accepted) + requeued


def cursor(store: Store) -> tuple[int, bool]:
    """The pull cursor, and whether a full resync is under way."""
    with store.read() as session:
        return int(_get(session, CURSOR) or 0), _get(session, RESYNC) == "1"


def start_resync(store: Store) -> None:
    with store.write() as session:
        _set(session, RESYNC, "1")
        _set(session, CURSOR, "0")


def apply_page(
    store: Store,
    changes: Sequence[Change],
    new_cursor: int,
    resync: bool,
    last_page: bool,
    now: datetime,
) -> None:
    """Changes and the cursor that covers them commit together, or not at all."""
    with store.write() as session:
        apply_changes(session, changes, resync)
        if resync and last_page:
            drop_unseen(session)
            _set(session, RESYNC, "0")
        _set(session, CURSOR, str(new_cursor))
        _set(session, LAST_SYNC, now.isoformat())


def set_blocked(store: Store, why: str) -> None:
    with store.write() as session:
        _set(session, BLOCKED, why)


def queue_state(store: Store) -> QueueState:
    with store.read() as session:
        queued = session.exec(
            select(func.count()).select_from(Event).where(col(Event.synced_at).is_(None))
        ).one()
        issues = session.exec(select(func.count()).select_from(Event).where(text(SYNC_ISSUE))).one()
        last = _get(session, LAST_SYNC)
        skew = _get(session, SKEW)
        return QueueState(
            queued=int(queued),
            issues=int(issues),
            last_sync_at=datetime.fromisoformat(last) if last else None,
            clock_skew_ms=int(skew) if skew else None,
            blocked=_get(session, BLOCKED) or "",
        )


def sync_issues(store: Store, limit: int = 200) -> list[SyncIssue]:
    """Newest first: what the hub refused or flagged, with its reason."""
    with store.read() as session:
        rows = session.exec(
            select(Event).where(text(SYNC_ISSUE)).order_by(col(Event.seq).desc()).limit(limit)
        ).all()
        return [
            SyncIssue(
                seq=row.seq,
                type=row.type,
                occurred_at=row.occurred_at,
                user_id=row.user_id,
                subject_id=row.subject_id,
                status=row.sync_status or "",
                reason=row.sync_reason,
                detail=row.sync_detail,
                payload=json.loads(row.payload),
            )
            for row in rows
        ]
