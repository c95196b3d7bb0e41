"""The station's side of sync, in its own store: the outbox queue, the hub's answers, the
pull cursor and what the header shows. Everything here is one short transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from kiosk.reference import apply_changes, drop_unseen
from kiosk.store.database import Store
from kiosk.store.models import Event, StationMeta
from sync.protocol import Change, EventResult, EventStatus

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


class Unsent(NamedTuple):
    """An outbox row as it is sent: its payload stays the JSON text the store holds."""

    id: str
    seq: int
    type: str
    payload: str
    subject_id: str | None
    user_id: str | None
    occurred_at: datetime
    mono_ns: int
    boot_id: str


def unsent(store: Store, limit: int, after_seq: int = 0) -> list[Unsent]:
    # Core rows, not ORM objects: this runs for every batch of a long catch-up.
    table = Event.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in Unsent._fields]
    with store.engine.connect() as conn:
        rows = conn.execute(
            core_select(*columns)
            .where(table.c.synced_at.is_(None), table.c.seq > after_seq)
            .order_by(table.c.seq)
            .limit(limit)
        )
        return [Unsent(*row) for row in rows]


def record_answers(
    store: Store, results: Sequence[EventResult], hub_last_seq: int, now: datetime, skew_ms: int
) -> int:
    """Mark what the hub answered; returns how many events left (or re-entered) the queue.

    A `gap` means the hub lacks events this station thought delivered (the hub was
    restored from a backup): they go back in the queue, to be sent again in order.
    """
    table = Event.__table__  # type: ignore[attr-defined]
    accepted = [r.id for r in results if r.status in (EventStatus.ACCEPTED, EventStatus.DUPLICATE)]
    # A duplicate was accepted by an earlier delivery whose answer was lost.
    others = [
        {"b_id": r.id, "status": r.status.value, "reason": r.reason, "detail": r.detail}
        for r in results
        if r.status in (EventStatus.FLAGGED, EventStatus.REJECTED)
    ]
    with store.write() as session:
        conn = session.connection()
        for start in range(0, len(accepted), 500):
            conn.execute(
                update(table)
                .where(table.c.id.in_(accepted[start : start + 500]))
                .values(synced_at=now, sync_status=EventStatus.ACCEPTED.value)
            )
        if others:
            conn.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    synced_at=now,
                    sync_status=bindparam("status"),
                    sync_reason=bindparam("reason"),
                    sync_detail=bindparam("detail"),
                ),
                others,
            )
        requeued = 0
        if any(r.status is EventStatus.GAP for r in results):
            requeued = conn.execute(
                update(table)
                .where(
                    table.c.seq > hub_last_seq,
                    table.c.sync_status == EventStatus.ACCEPTED.value,
                )
                .values(synced_at=None, sync_status=None)
            ).rowcount
        _set(session, LAST_SYNC, now.isoformat())
        _set(session, SKEW, str(skew_ms))
        session.execute(update(StationMeta).where(col(StationMeta.key) == BLOCKED).values(value=""))
    return len(accepted) + len(others) + requeued


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
        issues = session.exec(
            select(func.count())
            .select_from(Event)
            .where(col(Event.sync_status).in_(("rejected", "flagged")))
        ).one()
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
            select(Event)
            .where(col(Event.sync_status).in_(("rejected", "flagged")))
            .order_by(col(Event.seq).desc())
            .limit(limit)
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
