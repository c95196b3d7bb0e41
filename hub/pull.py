"""Answering a station's pull: reference-data changes in its scope after its cursor."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, func, or_, select

from hub.rules import StationScope
from hub.tables import change_counter, hub_meta, record
from sync.protocol import Change, PullRequest, PullResponse

TOMBSTONE_HORIZON = "tombstone_horizon"


def _in_scope(scope: StationScope) -> ColumnElement[bool]:
    return or_(
        record.c.scope == "", *(record.c.scope.like(f"%|{wc}|%") for wc in scope.work_centers)
    )


def tombstone_horizon(conn: Connection) -> int:
    value = conn.execute(
        select(hub_meta.c.value).where(hub_meta.c.key == TOMBSTONE_HORIZON)
    ).scalar()
    return int(value or 0)


def pull(
    conn: Connection, scope: StationScope, request: PullRequest, now: datetime
) -> PullResponse:
    if not request.full and 0 < request.cursor < tombstone_horizon(conn):
        # Deletions after this cursor were forgotten: only a full resync, after which the
        # station drops what it did not receive, is complete. Its pages are the same feed
        # from zero (tombstones still kept included, so a deletion during it is not lost).
        return PullResponse(
            hub_time=now,
            changes=[],
            cursor=request.cursor,
            more=True,
            remaining=0,
            resync_required=True,
        )
    # Read the counter before the records: every change numbered up to it has committed
    # (numbers are handed out under a lock held to commit), so the cursor may move to it.
    committed = int(conn.execute(select(change_counter.c.value)).scalar_one())
    query = select(
        record.c.entity, record.c.key, record.c.record_id, record.c.data, record.c.change_no
    ).where(record.c.change_no > request.cursor, _in_scope(scope))
    rows = conn.execute(query.order_by(record.c.change_no).limit(request.limit + 1)).all()
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    changes = [
        Change(
            entity=r.entity,
            key=r.key,
            change_no=int(r.change_no),
            record_id=r.record_id,
            data=None if r.data is None else json.loads(r.data),
        )
        for r in rows
    ]
    cursor = (
        changes[-1].change_no
        if more
        else max(committed, changes[-1].change_no if changes else 0, request.cursor)
    )
    remaining = 0
    if more:
        count = (
            select(func.count())
            .select_from(record)
            .where(record.c.change_no > cursor, _in_scope(scope))
        )
        remaining = int(conn.execute(count).scalar_one())
    return PullResponse(
        hub_time=now, changes=changes, cursor=cursor, more=more, remaining=remaining
    )
