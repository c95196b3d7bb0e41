"""Writing reference data on the hub: each changed record gets the next change number."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, tuple_, update

from hub.tables import change_counter, record
from sync.reference import RECORD_TYPES


@dataclass(frozen=True)
class Record:
    entity: str
    key: str
    # The work centers this record concerns; empty for every station.
    scope: tuple[str, ...]
    # None deletes the record (a tombstone stations receive on their next pull).
    data: dict[str, Any] | None


def scope_text(work_centers: Iterable[str]) -> str:
    codes = sorted(set(work_centers))
    return "|" + "|".join(codes) + "|" if codes else ""


def _data_text(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _record_id(data: dict[str, Any] | None) -> str | None:
    value = data.get("id") if data else None
    return str(value) if value is not None else None


def reserve_change_numbers(conn: Connection, count: int) -> int:
    """Take `count` change numbers; returns the first. The row lock lasts until commit."""
    top = conn.execute(
        update(change_counter)
        .where(change_counter.c.id == 1)
        .values(value=change_counter.c.value + count)
        .returning(change_counter.c.value)
    ).scalar_one()
    return int(top) - count + 1


def write_records(conn: Connection, records: Sequence[Record], now: datetime) -> int:
    """Upsert `records` in the caller's transaction; returns how many actually changed.

    A record identical to the stored one (same scope and data) is left alone, so importing
    the same file twice sends stations nothing.
    """
    for r in records:
        # Stations apply records as they come: a malformed one must never be stored.
        if r.data is not None:
            RECORD_TYPES[r.entity].model_validate(r.data)
    by_key = {(r.entity, r.key): r for r in records}
    wanted = {(r.entity, r.key): (scope_text(r.scope), _data_text(r.data)) for r in records}
    if not wanted:
        return 0
    stored: dict[tuple[str, str], tuple[str, str | None]] = {}
    stored_ids: dict[tuple[str, str], str | None] = {}
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = conn.execute(
            select(
                record.c.entity, record.c.key, record.c.scope, record.c.data, record.c.record_id
            ).where(tuple_(record.c.entity, record.c.key).in_(chunk))
        )
        for row in rows:
            stored[(row.entity, row.key)] = (row.scope, row.data)
            stored_ids[(row.entity, row.key)] = row.record_id
    for key, (scope, data) in list(wanted.items()):
        old = stored.get(key)
        if old is not None and old[0] and scope and old[0] != scope:
            # A record that moved (an operation to another work center) stays in the old
            # scope too, so the stations that had it learn where it went.
            merged = {code for code in (old[0] + scope).split("|") if code}
            wanted[key] = (scope_text(merged), data)
    changed = [key for key, value in wanted.items() if stored.get(key) != value]
    # A deletion of something never stored is no change either.
    changed = [k for k in changed if not (k not in stored and wanted[k][1] is None)]
    if not changed:
        return 0
    first = reserve_change_numbers(conn, len(changed))
    stamp = now.isoformat()
    existing = [k for k in changed if k in stored]
    for start in range(0, len(existing), 500):
        chunk = existing[start : start + 500]
        conn.execute(delete(record).where(tuple_(record.c.entity, record.c.key).in_(chunk)))
    conn.execute(
        insert(record),
        [
            {
                "entity": entity,
                "key": key,
                "scope": wanted[(entity, key)][0],
                # A tombstone keeps the id, so stations can find the row to delete.
                "record_id": _record_id(by_key[(entity, key)].data)
                or stored_ids.get((entity, key)),
                "data": wanted[(entity, key)][1],
                "change_no": first + offset,
                "changed_at": stamp,
            }
            for offset, (entity, key) in enumerate(changed)
        ],
    )
    return len(changed)
