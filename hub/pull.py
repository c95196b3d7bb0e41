"""Answering a station's pull: reference-data changes in its scope after its cursor.

Most pulls are polls from a station that is up to date, so the reads run on the driver
(hub/driver_sql.py) and a cursor already at the newest change is answered from one read.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Connection

from hub.driver_sql import fetch
from hub.rules import StationScope
from sync.protocol import Change, PullRequest, PullResponse

TOMBSTONE_HORIZON = "tombstone_horizon"

_HEAD = (
    "SELECT (SELECT value FROM change_counter WHERE id = 1),"
    " (SELECT value FROM hub_meta WHERE key = ?)"
)


@lru_cache(maxsize=16)
def _scope_filter(work_centers: int) -> str:
    # record.scope is "" for every station, else "|WC-A|WC-B|" (one pattern per work center).
    return "(scope = ''" + " OR scope LIKE ?" * work_centers + ")"


def _scope_params(scope: StationScope) -> list[str]:
    return [f"%|{code}|%" for code in sorted(scope.work_centers)]


def tombstone_horizon(conn: Connection) -> int:
    return _head(conn)[1]


def _head(conn: Connection) -> tuple[int, int]:
    """The last change number handed out, and the oldest deletion the hub still knows."""
    ((counter, horizon),) = fetch(conn, _HEAD, (TOMBSTONE_HORIZON,))
    return int(counter or 0), int(horizon or 0)


def pull(
    conn: Connection, scope: StationScope, request: PullRequest, now: datetime
) -> PullResponse:
    # The counter is read before the records: every change numbered up to it has committed
    # (numbers are handed out under a lock held to commit), so the cursor may move to it.
    committed, horizon = _head(conn)
    if not request.full and 0 < request.cursor < horizon:
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
    if request.cursor >= committed:
        return PullResponse(
            hub_time=now, changes=[], cursor=request.cursor, more=False, remaining=0
        )
    where = f"change_no > ? AND {_scope_filter(len(scope.work_centers))}"
    rows = fetch(
        conn,
        f"SELECT entity, key, record_id, data, change_no FROM record WHERE {where}"
        " ORDER BY change_no LIMIT ?",
        (request.cursor, *_scope_params(scope), request.limit + 1),
    )
    more = len(rows) > request.limit
    changes = [
        Change(
            entity=entity,
            key=key,
            change_no=int(change_no),
            record_id=record_id,
            data=None if data is None else json.loads(data),
        )
        for entity, key, record_id, data, change_no in rows[: request.limit]
    ]
    cursor = (
        changes[-1].change_no
        if more
        else max(committed, changes[-1].change_no if changes else 0, request.cursor)
    )
    remaining = 0
    if more:
        ((remaining,),) = fetch(
            conn,
            f"SELECT count(*) FROM record WHERE {where}",
            (cursor, *_scope_params(scope)),
        )
    return PullResponse(
        hub_time=now, changes=changes, cursor=cursor, more=more, remaining=int(remaining)
    )
