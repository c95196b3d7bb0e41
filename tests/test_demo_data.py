"""The demo plant: complete, consistent reference data that the rest of the terminal can use."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from hub.db import open_hub_db
from hub.importer import apply_import, parse_import_json
from hub.tables import record
from kiosk.clock import SystemClock
from kiosk.demo_data import (
    DEMO_BADGES,
    DEMO_LEFT_BADGE,
    DEMO_STATION_ID,
    DEMO_WORK_CENTERS,
    demo_reference,
    seed_demo,
)
from kiosk.roles import Role
from kiosk.security import badge_hash, pin_matches
from kiosk.store.database import Store, open_store
from kiosk.store.models import (
    BomLine,
    Item,
    MaterialLot,
    Operation,
    ReferenceRecord,
    SopDocument,
    User,
    WorkCenter,
    WorkOrder,
)
from kiosk.work import LotStatus, OperationStatus, WorkOrderStatus
from sync.reference import InspectionPlanRecord

TODAY = date(2026, 11, 17)


def _open(path: Path) -> Store:
    return open_store(path, DEMO_STATION_ID, SystemClock())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = _open(tmp_path / "station.db")
    seed_demo(store, TODAY)
    yield store
    store.close()


def test_three_work_centers_including_the_demo_station_ones(store: Store) -> None:
    with store.read() as session:
        codes = {wc.code for wc in session.exec(select(WorkCenter)).all()}
    assert codes == {"WC-SMT", "WC-ASM", "WC-TEST"}
    assert set(DEMO_WORK_CENTERS) <= codes


def test_work_orders_are_many_and_mostly_released(store: Store) -> None:
    with store.read() as session:
        orders = session.exec(select(WorkOrder)).all()
    assert len(orders) >= 18
    statuses = Counter(order.status for order in orders)
    assert statuses[WorkOrderStatus.CANCELLED] == 1
    assert statuses[WorkOrderStatus.CLOSED] == 1
    assert statuses[WorkOrderStatus.RELEASED] == len(orders) - 2
    assert all(1 <= order.priority <= 9 for order in orders)
    assert any(order.due_date < TODAY for order in orders if order.status == "released")
    assert max(order.due_date for order in orders) > TODAY
    assert all(order.number.startswith("WO-2611-") for order in orders)


def test_every_role_is_present(store: Store) -> None:
    with store.read() as session:
        roles = Counter(Role(user.role) for user in session.exec(select(User)).all())
    assert set(roles) == set(Role)
    assert roles[Role.OPERATOR] >= 4
    assert roles[Role.TEAM_LEAD] >= 2


def test_every_demo_badge_finds_its_user_and_pin(store: Store) -> None:
    assert len({demo.badge for demo in DEMO_BADGES}) == len(DEMO_BADGES) == 13
    with store.read() as session:
        for demo in DEMO_BADGES:
            user = session.exec(select(User).where(User.badge_hash == badge_hash(demo.badge))).one()
            assert (user.name, user.role, user.language) == (demo.name, demo.role, demo.language)
            assert user.active
            if demo.pin is None:
                assert user.pin_hash is None
            else:
                assert user.pin_hash is not None
                assert pin_matches(demo.pin, user.pin_hash)
                assert not pin_matches("0000", user.pin_hash)


def test_leads_admins_and_one_operator_have_a_pin() -> None:
    for demo in DEMO_BADGES:
        if demo.role in (Role.TEAM_LEAD, Role.ADMIN):
            assert demo.pin is not None, demo
    assert any(d.pin is not None for d in DEMO_BADGES if d.role == Role.OPERATOR)
    assert {d.language for d in DEMO_BADGES} == {"zh_CN", "en"}


def test_the_person_who_left_is_inactive(store: Store) -> None:
    with store.read() as session:
        user = session.exec(
            select(User).where(User.badge_hash == badge_hash(DEMO_LEFT_BADGE.badge))
        ).one()
    assert not user.active


def test_lots_on_hold_expired_and_consumed(store: Store) -> None:
    with store.read() as session:
        lots = session.exec(select(MaterialLot)).all()
        items = {item.code for item in session.exec(select(Item)).all()}
    assert len(lots) >= 15
    assert all(lot.item_code in items for lot in lots)
    assert any(lot.status == LotStatus.ON_HOLD for lot in lots)
    assert any(lot.status == LotStatus.CONSUMED for lot in lots)
    assert any(
        lot.status == LotStatus.RELEASED and lot.expires_on is not None and lot.expires_on < TODAY
        for lot in lots
    )
    assert sum(lot.status == LotStatus.RELEASED for lot in lots) > len(lots) // 2


def test_sops_exist_in_both_languages_and_are_referenced(store: Store) -> None:
    with store.read() as session:
        docs = session.exec(select(SopDocument)).all()
        referenced = {
            op.sop_code for op in session.exec(select(Operation)).all() if op.sop_code is not None
        }
    languages: dict[tuple[str, int], set[str]] = defaultdict(set)
    for doc in docs:
        languages[(doc.code, doc.version)].add(doc.language)
        assert doc.effective_from <= TODAY
        for part in ("# ", "1. ", "|---", "![", "⚠"):
            assert part in doc.body, (doc.code, doc.language, part)
    assert len({code for code, _ in languages}) >= 4
    assert all(langs == {"zh_CN", "en"} for langs in languages.values())
    assert ("SOP-ASM-001", 2) in languages
    assert referenced <= {code for code, _ in languages}
    assert len(referenced) >= 4


def test_operations_are_consistent(store: Store) -> None:
    with store.read() as session:
        centers = {wc.code for wc in session.exec(select(WorkCenter)).all()}
        orders = {wo.id: wo for wo in session.exec(select(WorkOrder)).all()}
        operations = session.exec(select(Operation)).all()
        bom_lines = session.exec(select(BomLine)).all()
    by_order: dict[str, list[Operation]] = defaultdict(list)
    for op in operations:
        assert op.work_center in centers
        assert op.status in (
            OperationStatus.PENDING,
            OperationStatus.DONE,
            OperationStatus.CANCELLED,
        )
        order = orders[op.work_order_id]
        assert op.qty_planned == order.qty_planned
        assert (op.status == OperationStatus.CANCELLED) == (
            order.status == WorkOrderStatus.CANCELLED
        )
        if op.status == OperationStatus.DONE:
            assert op.qty_good == op.qty_planned
        else:
            assert 0 <= op.qty_good < op.qty_planned
        by_order[op.work_order_id].append(op)
    assert set(by_order) == set(orders)
    for ops in by_order.values():
        ops.sort(key=lambda op: op.seq)
        assert 2 <= len(ops) <= 4
        assert [op.seq for op in ops] == [10 * (i + 1) for i in range(len(ops))]
        statuses = [op.status for op in ops]
        # Work is done in routing order: nothing done after something still pending.
        assert statuses == sorted(statuses, key=lambda s: s != OperationStatus.DONE)
    assert any(op.qty_scrap > 0 for op in operations)
    assert any(op.status == OperationStatus.PENDING and op.qty_good > 0 for op in operations)
    op_ids = {op.id for op in operations}
    assert bom_lines and all(line.operation_id in op_ids for line in bom_lines)
    assert all(line.qty_per_unit > 0 for line in bom_lines)


def test_the_demo_station_has_open_work(store: Store) -> None:
    with store.read() as session:
        open_ops = session.exec(
            select(Operation, WorkOrder)
            .join(WorkOrder)
            .where(WorkOrder.status == WorkOrderStatus.RELEASED)
            .where(Operation.status == OperationStatus.PENDING)
        ).all()
    centers = Counter(op.work_center for op, _ in open_ops)
    assert all(centers[code] >= 5 for code in DEMO_WORK_CENTERS)


def test_no_events_are_written(store: Store) -> None:
    with store.read() as session:
        assert session.execute(text("SELECT COUNT(*) FROM event")).scalar() == 0


def test_seeding_twice_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="store already has data"):
        seed_demo(store, TODAY)


def test_seeding_is_deterministic(tmp_path: Path) -> None:
    tables = ("work_center", "item", "work_order", "operation", "bom_line", "material_lot")
    queries = [f"SELECT * FROM {table} ORDER BY 1" for table in (*tables, "sop_document")]
    # PIN hashes are salted at random; everything else about a user is fixed.
    queries.append('SELECT id, employee_no, name, role, badge_hash FROM "user" ORDER BY id')

    def snapshot(path: Path) -> list[list[tuple[object, ...]]]:
        store = _open(path)
        try:
            seed_demo(store, TODAY)
            with store.read() as session:
                return [
                    [tuple(row) for row in session.execute(text(query)).all()] for query in queries
                ]
        finally:
            store.close()

    assert snapshot(tmp_path / "a.db") == snapshot(tmp_path / "b.db")


def test_module_does_not_import_the_ui() -> None:
    code = (
        "import sys, kiosk.demo_data; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'screens')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_machine_programs_match_their_checksums_and_one_is_older_than_needed(
    store: Store,
) -> None:
    with store.read() as session:
        records = session.exec(
            select(ReferenceRecord).where(ReferenceRecord.entity == "nc_program")
        ).all()
        needed = {
            (op.nc_program, op.nc_version)
            for op in session.exec(select(Operation)).all()
            if op.nc_program is not None
        }
    programs = [json.loads(record.data) for record in records]
    for program in programs:
        assert program["checksum"] == hashlib.sha256(program["body"].encode()).hexdigest()
    held = {program["code"]: program["version"] for program in programs}
    assert {code for code, _ in needed} <= set(held)
    # The gateway's placement needs a newer version than the hub delivered: the demo
    # shows the station refusing it.
    assert sorted(code for code, version in needed if held[code] < version) == ["PNP-GW310"]


def test_every_maintenance_plan_names_demo_equipment_and_one_interval(store: Store) -> None:
    with store.read() as session:
        rows = session.exec(select(ReferenceRecord)).all()
    equipment = {r.key for r in rows if r.entity == "equipment"}
    plans = [json.loads(r.data) for r in rows if r.entity == "maintenance_plan"]
    assert plans and {plan["equipment"] for plan in plans} <= equipment
    for plan in plans:
        intervals = [plan[k] for k in ("every_days", "every_run_hours", "every_units")]
        assert sum(value is not None for value in intervals) == 1
    kinds = Counter(json.loads(r.data)["kind"] for r in rows if r.entity == "reason_code")
    assert set(kinds) == {"scrap", "stop", "cause", "action", "defect"}


def test_the_hubs_import_takes_the_demo_plans_as_they_are(tmp_path: Path) -> None:
    records = demo_reference(TODAY)
    plans = {r.key: r.data for r in records if r.entity == "inspection_plan"}
    document = {
        "items": [r.data for r in records if r.entity == "item"],
        "reason_codes": [r.data for r in records if r.entity == "reason_code"],
        # What an ERP would send: the plans without their ids and defaults.
        "inspection_plans": [
            InspectionPlanRecord.model_validate(plan).model_dump(
                exclude_defaults=True, exclude={"id"}
            )
            for plan in plans.values()
        ],
    }
    engine = open_hub_db(str(tmp_path / "hub.db"))
    try:
        apply_import(engine, parse_import_json(document), datetime(2026, 11, 17, tzinfo=UTC))
        with engine.connect() as conn:
            rows = conn.execute(
                select(record.c.key, record.c.data).where(record.c.entity == "inspection_plan")
            ).all()
    finally:
        engine.dispose()
    imported = {key: json.loads(data) for key, data in rows}
    assert set(imported) == set(plans)
    for key, plan in imported.items():
        assert plan | {"id": plans[key]["id"]} == plans[key]


def test_kiosk_demo_has_a_plan_of_each_kind_on_open_work(tmp_path: Path) -> None:
    store = _open(tmp_path / "station.db")
    try:
        seed_demo(store, TODAY, daily_checks=True)
        with store.read() as session:
            plans = [
                json.loads(r.data)
                for r in session.exec(
                    select(ReferenceRecord).where(ReferenceRecord.entity == "inspection_plan")
                ).all()
            ]
            open_work = {
                (order.item_code, op.seq)
                for op, order in session.exec(
                    select(Operation, WorkOrder)
                    .join(WorkOrder)
                    .where(WorkOrder.status == WorkOrderStatus.RELEASED)
                    .where(Operation.status == OperationStatus.PENDING)
                ).all()
            }
    finally:
        store.close()
    assert Counter(plan["kind"] for plan in plans) == {"first_article": 1, "patrol": 2, "final": 1}
    assert all((plan["item_code"], plan["operation_seq"]) in open_work for plan in plans)
    first = next(plan for plan in plans if plan["kind"] == "first_article")
    assert (first["item_code"], first["operation_seq"]) == ("FG-MC200", 10)
    assert {c["kind"] for c in first["characteristics"]} == {"variable", "attribute"}
    final = next(plan for plan in plans if plan["kind"] == "final")
    assert (final["aql"], final["level"]) == ("1.0", "II")
    assert any(plan["every_units"] is not None for plan in plans if plan["kind"] == "patrol")


def test_the_tests_plant_has_no_inspection_plans_to_hold_its_work_up(store: Store) -> None:
    with store.read() as session:
        entities = {r.entity for r in session.exec(select(ReferenceRecord)).all()}
    assert "reason_code" in entities
    assert "inspection_plan" not in entities
