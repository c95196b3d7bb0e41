"""Applying the hub's reference data to the station store (no UI, no network).

Only the fields the hub sends are written: what the station keeps on a row itself (an
operation's status and quantities, derived from its own events) is never in a record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, text
from sqlmodel import Session, SQLModel, col, select

from kiosk.store.models import (
    BomLine,
    Item,
    MaterialLot,
    Operation,
    ReferenceRecord,
    ResyncSeen,
    SopDocument,
    User,
    WorkCenter,
    WorkOrder,
)
from sync.protocol import Change
from sync.reference import ENTITY_ORDER

# Entity → (table, its key column). Entities not listed are kept as ReferenceRecord rows.
_TABLES: dict[str, tuple[type[SQLModel], str]] = {
    "work_center": (WorkCenter, "code"),
    "item": (Item, "code"),
    "user": (User, "id"),
    "work_order": (WorkOrder, "id"),
    "operation": (Operation, "id"),
    "bom_line": (BomLine, "id"),
    "lot": (MaterialLot, "id"),
    "sop": (SopDocument, "id"),
}
_DATES = {"due_date", "expires_on", "effective_from"}


def _row_key(change: Change) -> str:
    return change.record_id or change.key


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: date.fromisoformat(value) if name in _DATES and isinstance(value, str) else value
        for name, value in data.items()
    }


def apply_changes(session: Session, changes: Sequence[Change], resync: bool) -> None:
    """Apply one page of changes in the caller's transaction.

    Deletions go children first and upserts parents first; foreign keys are checked at
    commit, so a page holding both a work order and its operations applies in any order.
    """
    session.execute(text("PRAGMA defer_foreign_keys=ON"))
    latest: dict[tuple[str, str], Change] = {}
    for change in changes:
        latest[(change.entity, change.key)] = change
    rank = {entity: index for index, entity in enumerate(ENTITY_ORDER)}
    ordered = sorted(latest.values(), key=lambda c: rank.get(c.entity, len(rank)))
    for change in reversed(ordered):
        if change.data is None:
            _delete(session, change)
    for change in ordered:
        if change.data is not None:
            _upsert(session, change.entity, _row_key(change), change.key, change.data)
        if resync:
            session.merge(ResyncSeen(entity=change.entity, row_key=_row_key(change)))


def _delete(session: Session, change: Change) -> None:
    known = _TABLES.get(change.entity)
    if known is None:
        session.execute(
            delete(ReferenceRecord).where(
                col(ReferenceRecord.entity) == change.entity, col(ReferenceRecord.key) == change.key
            )
        )
        return
    table, key_column = known
    session.execute(delete(table).where(getattr(table, key_column) == _row_key(change)))


def _upsert(
    session: Session, entity: str, row_key: str, hub_key: str, data: dict[str, Any]
) -> None:
    known = _TABLES.get(entity)
    if known is None:
        session.merge(
            ReferenceRecord(entity=entity, key=hub_key, data=json.dumps(data, ensure_ascii=False))
        )
        return
    table, _ = known
    values = _values(data)
    row = session.get(table, row_key)
    if row is None:
        session.add(table(**values))
        return
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)


def drop_unseen(session: Session) -> int:
    """End of a full resync: delete reference rows the hub no longer has."""
    seen: dict[str, set[str]] = {}
    for entity, row_key in session.exec(select(ResyncSeen.entity, ResyncSeen.row_key)):
        seen.setdefault(entity, set()).add(row_key)
    session.execute(text("PRAGMA defer_foreign_keys=ON"))
    dropped = 0
    for entity in reversed(ENTITY_ORDER):
        known = _TABLES.get(entity)
        keep = seen.get(entity, set())
        if known is None:
            for record in session.exec(
                select(ReferenceRecord).where(ReferenceRecord.entity == entity)
            ):
                if record.key not in keep:
                    session.delete(record)
                    dropped += 1
            continue
        table, key_column = known
        column = getattr(table, key_column)
        for row_key in session.exec(select(column)):
            if row_key not in keep:
                session.execute(delete(table).where(column == row_key))
                dropped += 1
    session.execute(delete(ResyncSeen))
    return dropped
