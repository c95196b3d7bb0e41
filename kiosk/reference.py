"""Applying the hub's reference data to the station store (no UI, no network).

Only the fields the hub sends are written: what the station keeps on a row itself (an
operation's status and quantities, derived from its own events) is never in a record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from kiosk.store.models import (
    BomLine,
    Item,
    MaterialLot,
    Operation,
    PendingDeletion,
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


def _referencing() -> dict[str, list[Any]]:
    """Table name → the columns of other tables whose foreign keys point at it."""
    found: dict[str, list[Any]] = {}
    for table in SQLModel.metadata.tables.values():
        for key in table.foreign_keys:
            found.setdefault(key.column.table.name, []).append(key.parent)
    return found


_REFERENCING = _referencing()


def _still_referenced(session: Session, table: type[SQLModel], key: str) -> bool:
    """Whether a row this station keeps still points at `key`."""
    name = table.__table__.name  # type: ignore[attr-defined]
    return any(
        session.execute(select(column).where(column == key).limit(1)).first() is not None
        for column in _REFERENCING.get(name, ())
    )


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
    Rows are written entity by entity in bulk: a new station's first pull is thousands.
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
    by_entity: dict[str, list[Change]] = {}
    for change in ordered:
        if change.data is not None:
            by_entity.setdefault(change.entity, []).append(change)
    for entity, group in by_entity.items():
        _upsert(session, entity, group)
    if session.exec(select(PendingDeletion.entity).limit(1)).first() is not None:
        for change in ordered:  # sent again: the hub has it after all
            if change.data is not None:
                session.execute(
                    delete(PendingDeletion).where(
                        col(PendingDeletion.entity) == change.entity,
                        col(PendingDeletion.row_key) == _row_key(change),
                    )
                )
        _settle_pending(session)
    if resync and ordered:
        session.execute(
            sqlite_insert(ResyncSeen).on_conflict_do_nothing(),
            [{"entity": c.entity, "row_key": _row_key(c)} for c in ordered],
        )


def _delete(session: Session, change: Change) -> None:
    known = _TABLES.get(change.entity)
    if known is None:
        session.execute(
            delete(ReferenceRecord).where(
                col(ReferenceRecord.entity) == change.entity, col(ReferenceRecord.key) == change.key
            )
        )
        return
    _delete_row(session, change.entity, _row_key(change))


def _delete_row(session: Session, entity: str, key: str) -> bool:
    """Delete a row the hub deleted. While rows here still point at it, deleting it would
    break a foreign key: the page would fail at commit, and every retry with it, and this
    station could never sync again. So it is kept and noted, until nothing points at it."""
    table, key_column = _TABLES[entity]
    if _still_referenced(session, table, key):
        session.execute(
            sqlite_insert(PendingDeletion).on_conflict_do_nothing(),
            [{"entity": entity, "row_key": key}],
        )
        return False
    session.execute(delete(table).where(getattr(table, key_column) == key))
    return True


def _settle_pending(session: Session) -> None:
    """Delete the rows kept by _delete_row that nothing points at any more, children first."""
    rank = {entity: index for index, entity in enumerate(ENTITY_ORDER)}
    pending = session.exec(select(PendingDeletion.entity, PendingDeletion.row_key)).all()
    for entity, key in sorted(pending, key=lambda row: -rank.get(row[0], 0)):
        if _delete_row(session, entity, key):
            session.execute(
                delete(PendingDeletion).where(
                    col(PendingDeletion.entity) == entity, col(PendingDeletion.row_key) == key
                )
            )


def _upsert(session: Session, entity: str, changes: list[Change]) -> None:
    known = _TABLES.get(entity)
    if known is None:
        statement = sqlite_insert(ReferenceRecord)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["entity", "key"], set_={"data": statement.excluded.data}
            ),
            [
                {"entity": entity, "key": c.key, "data": json.dumps(c.data, ensure_ascii=False)}
                for c in changes
            ],
        )
        return
    table, key_column = known
    column = getattr(table, key_column)
    keys = [_row_key(c) for c in changes]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        existing.update(session.exec(select(column).where(column.in_(keys[start : start + 500]))))
    rows = [_values(c.data) for c in changes if c.data is not None]
    new = [row for row, key in zip(rows, keys, strict=True) if key not in existing]
    old = [row for row, key in zip(rows, keys, strict=True) if key in existing]
    if new:
        session.execute(insert(table), new)
    if old:
        session.execute(update(table), old)  # by primary key, which every record carries


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
        for row_key in list(session.exec(select(getattr(table, key_column)))):
            if row_key not in keep and _delete_row(session, entity, row_key):
                dropped += 1
    _settle_pending(session)
    session.execute(delete(ResyncSeen))
    return dropped
