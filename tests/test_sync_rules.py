"""The hub's conflict rules, the central read API, resync and clock skew, end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlmodel import select

from hub.admin import prune_tombstones
from hub.importer import apply_import, parse_import_json
from hub.records import Record
from hub.tables import record
from kiosk.store.database import Store, open_store
from kiosk.store.models import Operation, WorkOrder
from sync.station_state import queue_state, sync_issues
from tests.fakes import FakeClock
from tests.hub_harness import (
    Plant,
    admin_get,
    assert_exactly_once,
    client,
    make_plant,
    open_station,
    operation_records,
    running_hub,
    station_events,
    write_events,
)

LOT = {
    "id": "lot-L1",
    "lot_no": "L1",
    "item_code": "ITEM-1",
    "qty": 100.0,
    "status": "released",
    "expires_on": None,
    "supplier": "ACME",
}


def _cancel(record: Record) -> Record:
    assert record.data is not None
    return Record(record.entity, record.key, record.scope, {**record.data, "status": "cancelled"})


def test_facts_are_recorded_and_flagged_claims_go_to_the_first(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    tokens = {sid: plant.enrol(sid, "WC-A") for sid in ("ST-1", "ST-2")}
    orders = operation_records("WC-A", 2)
    plant.write([*orders, Record("lot", "L1", (), LOT)])
    stores = {sid: open_station(tmp_path, sid) for sid in tokens}
    with running_hub(hub_db_url, tmp_path) as hub:
        for sid, store in stores.items():  # both stations get the plan, then go offline
            sync = client(store, hub.url, tokens[sid])
            sync.sync_once()
            sync.close()
        op0, op1 = "op-WO-WC-A-0-1", "op-WO-WC-A-1-1"
        # Offline, each station consumes 60 of the lot's 100; ST-1 reports on WO-0 and
        # both claim the same maintenance order, which ST-1 opened.
        write_events(
            stores["ST-1"], 1, "maintenance.opened", maintenance_order="MWO-7", number="M-7",
            kind="breakdown", equipment="EQ-1",
        )  # fmt: skip
        for store in stores.values():
            write_events(
                store, 1, "material.consumed", operation_id=op1, lot_no="L1",
                item_code="ITEM-1", qty=60,
            )  # fmt: skip
            write_events(store, 1, "maintenance.claimed", maintenance_order="MWO-7")
        write_events(
            stores["ST-1"], 1, "operation.reported", operation_id=op0, good=8, scrap=1,
            scrap_reason="solder", final=True,
        )  # fmt: skip
        write_events(stores["ST-1"], 1, "serial.bound", operation_id=op1, sn="SN-1")
        write_events(
            stores["ST-2"], 1, "material.verified", operation_id=op1, lot_no="L1",
            item_code="ITEM-1", verdict="ok",
        )  # fmt: skip
        write_events(
            stores["ST-2"], 1, "material.picked", work_order_id="wo-1", work_order="WO-1",
            lot_no="L1", item_code="ITEM-1", qty=40,
        )  # fmt: skip
        # Meanwhile the planner cancels WO-0 and quality puts the lot on hold.
        plant.write([_cancel(orders[2]), Record("lot", "L1", (), {**LOT, "status": "on_hold"})])
        for sid in ("ST-1", "ST-2"):
            sync = client(stores[sid], hub.url, tokens[sid])
            sync.sync_once()
            sync.close()
        reports = admin_get(hub.url, plant.admin_token, f"/v1/admin/operations/{op0}/reports")
        genealogy = admin_get(hub.url, plant.admin_token, "/v1/admin/serials/SN-1/genealogy")
        where_used = admin_get(hub.url, plant.admin_token, "/v1/admin/lots/L1/where-used")
        flagged = admin_get(hub.url, plant.admin_token, "/v1/admin/events/flagged")
    first = {(i.type, i.status, i.reason) for i in sync_issues(stores["ST-1"])}
    second = {(i.type, i.status, i.reason) for i in sync_issues(stores["ST-2"])}
    assert ("operation.reported", "flagged", "work_order_cancelled") in first
    # ST-1 consumed first: within the lot. ST-2's 60 more went over it, on a held lot.
    assert ("material.consumed", "flagged", "lot_on_hold") in first
    assert ("material.consumed", "flagged", "lot_on_hold,lot_overconsumed") in second
    assert ("material.verified", "flagged", "lot_on_hold") in second
    # Picked from a lot the hub holds, unknown to the station when it picked.
    assert ("material.picked", "flagged", "lot_on_hold") in second
    assert ("maintenance.claimed", "rejected", "taken") in second
    assert not any(t == "maintenance.claimed" for t, _, _ in first)
    taken = next(i for i in sync_issues(stores["ST-2"]) if i.reason == "taken")
    assert taken.detail == "already taken by station ST-1"
    for store in stores.values():
        assert_exactly_once(plant, store)
    assert reports["good"] == 8 and reports["scrap"] == 1
    assert [step["lots"] for step in genealogy["operations"]] == [["L1"]]
    assert genealogy["operations"][0]["operation"]["name"] == "Step 1"
    assert where_used["serials"] == ["SN-1"]
    assert [(op["operation_id"], op["serials"]) for op in where_used["operations"]] == [
        (op1, ["SN-1"])
    ]
    # Both consumptions and ST-2's verified load, though that lot was on hold meanwhile.
    assert [e["type"] for e in where_used["loads"]] == [
        "material.consumed",
        "material.consumed",
        "material.verified",
    ]
    assert {event["station_id"] for event in flagged} == {"ST-1", "ST-2"}


def test_open_exceptions_and_a_stations_events_in_order(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    store = open_station(tmp_path, "ST-1")
    for n in range(3):
        write_events(
            store, 1, "exception.raised", exception_id=f"X{n}", category="material",
            severity="high",
        )  # fmt: skip
    write_events(
        store, 1, "exception.resolved", exception_id="X1", cause="feeder_jam", action="cleared"
    )
    with running_hub(url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        sync.sync_once()
        sync.close()
        open_ones = admin_get(hub.url, plant.admin_token, "/v1/admin/exceptions/open")
        events = admin_get(hub.url, plant.admin_token, "/v1/admin/stations/ST-1/events?after=0")
        later = admin_get(
            hub.url, plant.admin_token, f"/v1/admin/stations/ST-1/events?after={events[1]['no']}"
        )
    assert [e["payload"]["exception_id"] for e in open_ones] == ["X0", "X2"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert [e["seq"] for e in later] == [3, 4]


def test_hub_changes_reach_the_station_and_deletions_too(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    orders = operation_records("WC-A", 3)
    plant.write(orders)
    store = open_station(tmp_path, "ST-1")
    with running_hub(url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        sync.sync_once()
        assert orders[4].data is not None  # [work center, item, WO-0, its op, WO-1, its op...]
        reprioritised = Record(
            "work_order", orders[4].key, orders[4].scope, {**orders[4].data, "priority": 1}
        )
        dropped = orders[5]
        plant.write([reprioritised, Record(dropped.entity, dropped.key, dropped.scope, None)])
        sync.sync_once()
        sync.close()
    with store.read() as session:
        priorities = {wo.number: wo.priority for wo in session.exec(select(WorkOrder))}
        ops = {op.id for op in session.exec(select(Operation))}
    assert priorities["WO-WC-A-1"] == 1
    assert "op-WO-WC-A-1-1" not in ops and len(ops) == 2


def test_a_station_away_longer_than_the_hub_remembers_resyncs_and_keeps_its_outbox(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    orders = operation_records("WC-A", 4)
    plant.write(orders)
    store = open_station(tmp_path, "ST-1")
    with running_hub(url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        sync.sync_once()
        write_events(store, 7)  # work done while away, not yet sent
        # While the station is away, an operation is deleted and that deletion forgotten.
        gone = orders[3]  # WO-0's operation
        plant.write([Record(gone.entity, gone.key, gone.scope, None)])
        plant.write(operation_records("WC-A", 1, prefix="NEW"))
        from datetime import UTC, datetime

        assert prune_tombstones(plant.engine, timedelta(0), datetime.now(UTC) + timedelta(1)) == 1
        pulled: list[tuple[int, int]] = []
        report = sync.pull_all(lambda done, total: pulled.append((done, total)))
        sync.push_pending()
        sync.close()
    with store.read() as session:
        ops = {op.id for op in session.exec(select(Operation))}
    assert "op-WO-WC-A-0-1" not in ops  # dropped by the resync though its deletion was pruned
    assert "op-NEW-WC-A-0-1" in ops
    assert report > 0 and pulled[-1][0] == pulled[-1][1]
    assert queue_state(store).queued == 0
    assert_exactly_once(plant, store)  # the 7 unsent events survived the resync


def test_first_sync_reports_progress_rows_done_of_total(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    plant.write(operation_records("WC-A", 2500))  # 5002 records: three pages of 2000
    store = open_station(tmp_path, "ST-1")
    seen: list[tuple[int, int]] = []
    with running_hub(url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        sync.sync_once(lambda done, total: seen.append((done, total)))
        sync.close()
    assert seen == [(2000, 5002), (4000, 5002), (5002, 5002)]


def test_clock_skew_is_measured_and_kept_on_both_sides(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    clock = FakeClock()
    from datetime import UTC, datetime

    clock.set_wall(datetime.now(UTC) + timedelta(minutes=5))  # the station runs 5 min fast
    store = open_store(tmp_path / "st.db", "ST-1", clock)
    write_events(store, 1)
    from kiosk.config import HubSection
    from sync.client import SyncClient

    with running_hub(url, tmp_path) as hub:
        sync = SyncClient(store, HubSection(url=hub.url, token=token), clock)
        sync.sync_once()
        sync.close()
        stations = admin_get(hub.url, plant.admin_token, "/v1/admin/stations")
    station_skew = queue_state(store).clock_skew_ms
    assert station_skew is not None and abs(station_skew - 300_000) < 5_000
    assert abs(stations[0]["clock_skew_ms"] - 300_000) < 5_000
    assert [e.type for e in station_events(store)] == ["auth.login"]


def routed_plant(plant: Plant) -> dict[str, str]:
    """Two work orders (WO-1, WO-10) routed placement, reflow (binds serial numbers) at
    WC-SMT; assembly (binds them, needs reflow's), test (binds them, needs assembly's),
    pack at WC-ASM. Their operation ids by "NUMBER:seq"."""
    routing = [
        {"seq": 10, "name": "Placement", "work_center": "WC-SMT"},
        {"seq": 20, "name": "Reflow", "work_center": "WC-SMT", "binds_serials": True},
        {
            "seq": 30,
            "name": "Assembly",
            "work_center": "WC-ASM",
            "binds_serials": True,
            "needs_previous_op": True,
        },
        {
            "seq": 35,
            "name": "Test",
            "work_center": "WC-ASM",
            "binds_serials": True,
            "needs_previous_op": True,
        },
        {"seq": 40, "name": "Pack", "work_center": "WC-ASM"},
    ]
    document = {
        "work_centers": [{"code": "WC-SMT", "name": "SMT"}, {"code": "WC-ASM", "name": "总装"}],
        "items": [{"code": "FG-1", "description": "Gateway"}],
        "work_orders": [
            {
                "number": number,
                "item_code": "FG-1",
                "qty_planned": 10,
                "due_date": "2026-12-01",
                "operations": routing,
            }
            for number in ("WO-1", "WO-10")
        ],
    }
    apply_import(plant.engine, parse_import_json(document), datetime.now(UTC))
    with plant.engine.connect() as conn:
        rows = conn.execute(
            sqlalchemy.select(record.c.key, record.c.data).where(record.c.entity == "operation")
        )
        return {row.key: json.loads(row.data)["id"] for row in rows}


def bind(store: Store, operation_id: str, sn: str, equipment: str = "") -> None:
    write_events(
        store, 1, "serial.bound", operation_id=operation_id, sn=sn, work_order="WO-1",
        equipment=equipment,
    )  # fmt: skip


def load(store: Store, event: str, operation_id: str, lot_no: str, **more: Any) -> None:
    write_events(
        store, 1, event, operation_id=operation_id, lot_no=lot_no, item_code="PCB", qty=50.0,
        **more,
    )  # fmt: skip


def test_a_unit_bound_without_the_previous_operation_is_flagged(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    ops = routed_plant(plant)
    smt, asm = open_station(tmp_path, "ST-SMT"), open_station(tmp_path, "ST-ASM")
    tokens = {"ST-SMT": plant.enrol("ST-SMT", "WC-SMT"), "ST-ASM": plant.enrol("ST-ASM", "WC-ASM")}
    bind(smt, ops["WO-1:20"], "SN-1")
    bind(smt, ops["WO-10:20"], "SN-4")  # reflowed, but in the other work order
    # SN-1 was reflowed (the hub has it from ST-SMT's earlier push); SN-2 and SN-3 were not.
    # SN-2's assembly binding, flagged as it is, comes before its test binding in the same
    # batch, and counts for it; SN-3 skipped assembly; SN-4 belongs to WO-10.
    bind(asm, ops["WO-1:30"], "SN-1")
    bind(asm, ops["WO-1:30"], "SN-2")
    bind(asm, ops["WO-1:35"], "SN-2")
    bind(asm, ops["WO-1:35"], "SN-3")
    bind(asm, ops["WO-1:30"], "SN-4")
    with running_hub(hub_db_url, tmp_path) as hub:
        for sid, store in (("ST-SMT", smt), ("ST-ASM", asm)):
            sync = client(store, hub.url, tokens[sid])
            sync.push_pending()
            sync.close()
    seq_of = {operation_id: key.split(":")[1] for key, operation_id in ops.items()}
    verdicts = {
        (payload["sn"], seq_of[payload["operation_id"]]): (row.status, row.reason, row.detail)
        for row in plant.events("ST-ASM")
        for payload in [json.loads(row.payload)]
    }
    not_reflowed = "was not bound at the previous operation 20 Reflow"
    assert verdicts == {
        ("SN-1", "30"): ("accepted", "", ""),
        ("SN-2", "30"): ("flagged", "previous_op_missing", f"serial number SN-2 {not_reflowed}"),
        ("SN-2", "35"): ("accepted", "", ""),
        ("SN-3", "35"): (
            "flagged",
            "previous_op_missing",
            "serial number SN-3 was not bound at the previous operation 30 Assembly",
        ),
        ("SN-4", "30"): ("flagged", "previous_op_missing", f"serial number SN-4 {not_reflowed}"),
    }
    assert {(i.type, i.status, i.reason) for i in sync_issues(asm)} == {
        ("serial.bound", "flagged", "previous_op_missing")
    }
    assert all(row.status == "accepted" for row in plant.events("ST-SMT"))


def test_genealogy_and_where_used_follow_what_stations_send(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    ops = routed_plant(plant)
    smt, asm = open_station(tmp_path, "ST-SMT"), open_station(tmp_path, "ST-ASM")
    tokens = {"ST-SMT": plant.enrol("ST-SMT", "WC-SMT"), "ST-ASM": plant.enrol("ST-ASM", "WC-ASM")}
    placement, reflow, assembly = ops["WO-1:10"], ops["WO-1:20"], ops["WO-1:30"]
    write_events(smt, 1, "operation.started", operation_id=placement, work_order="WO-1", seq=10)
    # Boards placed from L-PCB and from L-OLD (refused, loaded on a lead's word); L-BAD was
    # refused and never loaded. Their serial numbers are first bound at reflow.
    load(smt, "material.verified", placement, "L-PCB", verdict="ok")
    load(smt, "material.verified", placement, "L-BAD", verdict="expired")
    load(
        smt, "material.overridden", placement, "L-OLD", verdict="expired", reason="urgent",
        approved_by="lead-1",
    )  # fmt: skip
    load(smt, "material.verified", ops["WO-10:10"], "L-PCB", verdict="ok")
    bind(smt, reflow, "SN-1", equipment="OVEN-1, AOI-2")
    bind(smt, reflow, "SN-2", equipment="OVEN-1, AOI-2")
    bind(smt, ops["WO-10:20"], "SN-9")
    write_events(
        smt, 1, "operation.reported", operation_id=reflow, report_id="r-1", good=2, scrap=0,
        final=True, labour_seconds=60.0,
    )  # fmt: skip
    # Assembly: SN-1 goes in a case from L-CASE; SN-2 is not assembled yet.
    load(asm, "material.verified", assembly, "L-CASE", verdict="ok")
    bind(asm, assembly, "SN-1", equipment="SCREW-3")
    with running_hub(hub_db_url, tmp_path) as hub:
        for sid, store in (("ST-SMT", smt), ("ST-ASM", asm)):
            sync = client(store, hub.url, tokens[sid])
            sync.push_pending()
            sync.close()

        def get(path: str) -> Any:
            return admin_get(hub.url, plant.admin_token, path)

        first, second = (get(f"/v1/admin/serials/{sn}/genealogy") for sn in ("SN-1", "SN-2"))
        pcb, old, bad, case = (
            get(f"/v1/admin/lots/{lot}/where-used") for lot in ("L-PCB", "L-OLD", "L-BAD", "L-CASE")
        )
    steps = {step["operation"]["name"]: step for step in first["operations"]}
    # Through placement (not bound there), reflow and assembly; not yet packed.
    assert list(steps) == ["Placement", "Reflow", "Assembly"]
    assert [step["lots"] for step in first["operations"]] == [["L-OLD", "L-PCB"], [], ["L-CASE"]]
    assert [step["equipment"] for step in first["operations"]] == [
        [],
        ["OVEN-1", "AOI-2"],
        ["SCREW-3"],
    ]
    assert steps["Placement"]["bound_at"] is None and steps["Placement"]["started_at"]
    assert steps["Reflow"]["bound_at"] == steps["Reflow"]["bound"]["occurred_at"]
    assert steps["Reflow"]["finished_at"] and steps["Assembly"]["finished_at"] is None
    assert all(step["operators"] == ["user-1"] for step in first["operations"])
    assert [step["lots"] for step in second["operations"]] == [["L-OLD", "L-PCB"], []]

    def built(where_used: Any) -> list[tuple[str, list[str]]]:
        return [(op["operation_id"], op["serials"]) for op in where_used["operations"]]

    assert built(pcb) == [(placement, ["SN-1", "SN-2"]), (ops["WO-10:10"], ["SN-9"])]
    assert pcb["serials"] == ["SN-1", "SN-2", "SN-9"]
    assert built(old) == [(placement, ["SN-1", "SN-2"])]
    assert [e["type"] for e in old["loads"]] == ["material.overridden"]
    assert built(case) == [(assembly, ["SN-1"])]
    assert bad == {"lot_no": "L-BAD", "loads": [], "operations": [], "serials": []}
