"""The hub's reference data applied to a station store: deletions the station's own rows
still depend on must never stop its pulls."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from hub.records import Record
from kiosk.store.database import Store
from kiosk.store.models import Item, Operation, PendingDeletion, WorkOrder
from sync.protocol import Change
from sync.station_state import apply_page, cursor, start_resync
from tests.hub_harness import open_station, operation_records

_NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)


def _changes(records: list[Record], first_no: int) -> list[Change]:
    return [
        Change(
            entity=r.entity,
            key=r.key,
            change_no=first_no + n,
            record_id=(r.data or {}).get("id"),
            data=r.data,
        )
        for n, r in enumerate(records)
    ]


def _deleted(record: Record, change_no: int) -> Change:
    return Change(
        entity=record.entity,
        key=record.key,
        change_no=change_no,
        record_id=(record.data or {}).get("id"),
        data=None,
    )


def _station_with(tmp_path: Path, plan: list[Record]) -> Store:
    """A station that has pulled `plan` (change numbers 1 to len(plan))."""
    store = open_station(tmp_path, "ST-1")
    apply_page(store, _changes(plan, 1), len(plan), False, True, _NOW)
    return store


def _numbers(store: Store) -> set[str]:
    with store.read() as session:
        return set(session.exec(select(WorkOrder.number)))


def test_a_deleted_work_order_its_operation_still_needs_is_kept_and_the_pull_goes_on(
    tmp_path: Path,
) -> None:
    plan = operation_records("WC-A", 2)
    store = _station_with(tmp_path, plan)
    order = next(r for r in plan if r.entity == "work_order")
    operation = next(r for r in plan if r.entity == "operation" and r.key.startswith(order.key))

    # The hub deletes the work order but (inconsistently) not its operation.
    apply_page(store, [_deleted(order, 100)], 100, False, True, _NOW)
    assert cursor(store) == (100, False)
    assert order.key in _numbers(store)

    # Once the operation goes too (a later page), so does the work order.
    apply_page(store, [_deleted(operation, 101)], 101, False, True, _NOW)
    assert order.key not in _numbers(store)
    with store.read() as session:
        assert session.get(Operation, (operation.data or {})["id"]) is None


def test_a_full_resync_keeps_a_row_the_hub_lost_that_a_kept_row_points_at(
    tmp_path: Path,
) -> None:
    plan = operation_records("WC-A", 1)
    store = _station_with(tmp_path, plan)
    start_resync(store)
    # The hub's full feed lacks the item its work order still names.
    without_item = [r for r in plan if r.entity != "item"]
    apply_page(store, _changes(without_item, 1), len(plan), True, True, _NOW)
    assert cursor(store) == (len(plan), False)
    with store.read() as session:
        assert session.get(Item, "ITEM-1") is not None
    assert _numbers(store) == {"WO-WC-A-0"}


def test_an_item_deleted_in_the_page_that_moves_its_work_order_away_goes(
    tmp_path: Path,
) -> None:
    plan = operation_records("WC-A", 1)
    store = _station_with(tmp_path, plan)
    old_item = next(r for r in plan if r.entity == "item")
    order = next(r for r in plan if r.entity == "work_order")
    new_item = Record(
        "item", "ITEM-2", (), {"code": "ITEM-2", "description": "Case", "unit": "pcs"}
    )
    moved = Record(
        order.entity, order.key, order.scope, {**(order.data or {}), "item_code": "ITEM-2"}
    )
    page = [_deleted(old_item, 50), *_changes([new_item, moved], 51)]
    apply_page(store, page, 52, False, True, _NOW)
    with store.read() as session:
        assert session.get(Item, "ITEM-1") is None
        assert session.get(Item, "ITEM-2") is not None
        assert session.exec(select(PendingDeletion)).all() == []
