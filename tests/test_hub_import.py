"""The ERP import: JSON and CSV files in, hub records out, all or nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import Engine, select

from hub.db import open_hub_db
from hub.importer import (
    ImportProblems,
    ImportSummary,
    apply_import,
    parse_import_file,
    parse_import_json,
)
from hub.tables import change_counter, record
from kiosk.security import badge_hash, pin_matches

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
WO = "WO-2611-0031"
ROLES = "operator, material_handler, qc_inspector, team_lead, maintenance, admin"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Engine]:
    engine = open_hub_db(str(tmp_path / "hub.db"))
    yield engine
    engine.dispose()


def plant() -> dict[str, Any]:
    return {
        "work_centers": [
            {"code": "WC-SMT", "name": "SMT line 贴片线"},
            {"code": "WC-ASM", "name": "Final assembly 总装"},
        ],
        "items": [
            {"code": "FG-GW310", "description": "GW-310 gateway 网关整机", "unit": "pcs"},
            {"code": "PCB-GW310-B", "description": "Bare PCB GW-310 rev B"},
            {"code": "SP-SAC305", "description": "Solder paste SAC305", "unit": "g"},
            {"code": "SCR-M3X8", "description": "Screw M3×8"},
        ],
        "users": [
            {"employee_no": "208113", "name": "张丽", "role": "operator", "badge": " e1001"},
            {
                "employee_no": "203118",
                "name": "陈刚",
                "role": "team_lead",
                "language": "en",
                "badge": "E1009",
                "pin": "1357",
            },
        ],
        "work_orders": [
            {
                "number": WO,
                "item_code": "FG-GW310",
                "qty_planned": 200,
                "priority": 2,
                "due_date": "2026-11-22",
                "operations": [
                    {
                        "seq": 10,
                        "name": "SMT placement 贴片",
                        "work_center": "WC-SMT",
                        "sop_code": "SOP-SMT-001",
                        "binds_serials": True,
                        "bom": [
                            {"item_code": "PCB-GW310-B", "qty_per_unit": 1},
                            {"item_code": "SP-SAC305", "qty_per_unit": 0.9},
                        ],
                    },
                    {
                        "seq": 30,
                        "name": "Final assembly 整机装配",
                        "work_center": "WC-ASM",
                        "qty_planned": 198,
                        "binds_serials": True,
                        "needs_previous_op": True,
                        "bom": [{"item_code": "SCR-M3X8", "qty_per_unit": 8}],
                    },
                ],
            },
            {
                "number": "WO-2611-0032",
                "item_code": "FG-GW310",
                "qty_planned": 50,
                "due_date": "2026-12-01",
                "operations": [{"seq": 10, "name": "SMT placement", "work_center": "WC-SMT"}],
            },
        ],
        "lots": [
            {
                "lot_no": "L2611-0044",
                "item_code": "PCB-GW310-B",
                "qty": 600,
                "expires_on": "2027-06-01",
                "supplier": "景旺电子 Kinwong",
            }
        ],
        "sops": [
            {
                "code": "SOP-SMT-001",
                "version": 2,
                "language": "zh_CN",
                "title": "SMT 上料与贴装",
                "body": "# 作业步骤\n\n1. 扫描料盘\n",
                "effective_from": "2026-11-01",
            }
        ],
        "equipment": [
            {"code": "EQ-RF-1", "name": "Reflow oven 1", "work_center": "WC-SMT", "kind": "reflow"}
        ],
        "inspection_plans": [
            {
                "code": "IP-GW310-FA",
                "item_code": "FG-GW310",
                "operation_seq": 10,
                "kind": "first_article",
                "characteristics": [
                    {"code": "JOINTS", "name_zh": "焊点", "name_en": "Solder joints"},
                    {
                        "code": "PASTE_H",
                        "name_zh": "锡膏厚度",
                        "name_en": "Paste height",
                        "kind": "variable",
                        "lsl": 100,
                        "usl": 140,
                        "unit": "µm",
                        "decimals": 0,
                    },
                ],
            }
        ],
    }


class Stored(NamedTuple):
    scope: str
    data: dict[str, Any] | None
    change_no: int


def stored(engine: Engine) -> dict[tuple[str, str], Stored]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(record.c.entity, record.c.key, record.c.scope, record.c.data, record.c.change_no)
        )
        return {
            (row.entity, row.key): Stored(
                row.scope, None if row.data is None else json.loads(row.data), row.change_no
            )
            for row in rows
        }


def raw_data(engine: Engine) -> str:
    with engine.connect() as conn:
        return "\n".join(conn.execute(select(record.c.data)).scalars())


def counter(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(change_counter.c.value)).scalar_one())


def import_json(engine: Engine, document: dict[str, Any]) -> ImportSummary:
    return apply_import(engine, parse_import_json(document), NOW)


def import_csv(engine: Engine, path: Path, text: str, bom: bool = False) -> ImportSummary:
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return apply_import(engine, parse_import_file(path), NOW)


def test_a_json_import_writes_every_entity_with_its_scope(hub: Engine) -> None:
    summary = import_json(hub, plant())

    assert summary.rows == 20
    assert summary.changed == 20
    assert summary.by_entity == {
        "work_center": 2,
        "item": 4,
        "user": 2,
        "work_order": 2,
        "operation": 3,
        "bom_line": 3,
        "lot": 1,
        "sop": 1,
        "equipment": 1,
        "inspection_plan": 1,
    }
    records = stored(hub)
    assert len(records) == 20
    assert records[("work_center", "WC-SMT")][:2] == (
        "|WC-SMT|",
        {"code": "WC-SMT", "name": "SMT line 贴片线"},
    )
    assert records[("item", "SCR-M3X8")].data == {
        "code": "SCR-M3X8",
        "description": "Screw M3×8",
        "unit": "pcs",
    }

    order = records[("work_order", WO)]
    assert order.data is not None
    assert uuid.UUID(order.data["id"]).version == 5
    assert order.scope == "|WC-ASM|WC-SMT|"
    assert order.data == {
        "id": order.data["id"],
        "number": WO,
        "item_code": "FG-GW310",
        "qty_planned": 200,
        "priority": 2,
        "due_date": "2026-11-22",
        "status": "released",
    }
    smt = records[("operation", f"{WO}:10")]
    assert smt.scope == "|WC-SMT|"
    assert smt.data is not None
    assert smt.data == {
        "id": smt.data["id"],
        "work_order_id": order.data["id"],
        "seq": 10,
        "name": "SMT placement 贴片",
        "work_center": "WC-SMT",
        "qty_planned": 200,  # the work order's
        "sop_code": "SOP-SMT-001",
        "binds_serials": True,
        "needs_previous_op": False,
        "nc_program": None,
        "nc_version": None,
    }
    assembly = records[("operation", f"{WO}:30")]
    assert assembly.data is not None
    assert (assembly.scope, assembly.data["qty_planned"]) == ("|WC-ASM|", 198)
    assert (assembly.data["binds_serials"], assembly.data["needs_previous_op"]) == (True, True)
    only = records[("operation", "WO-2611-0032:10")].data or {}
    assert (only["binds_serials"], only["needs_previous_op"]) == (False, False)
    paste = records[("bom_line", f"{WO}:10:SP-SAC305")]
    assert paste.data is not None
    assert paste.scope == "|WC-SMT|"
    assert paste.data == {
        "id": paste.data["id"],
        "operation_id": smt.data["id"],
        "item_code": "SP-SAC305",
        "qty_per_unit": 0.9,
    }
    assert records[("bom_line", f"{WO}:30:SCR-M3X8")].scope == "|WC-ASM|"
    assert records[("work_order", "WO-2611-0032")].scope == "|WC-SMT|"

    lot = records[("lot", "L2611-0044")]
    assert lot.data is not None
    assert (lot.scope, lot.data["status"], lot.data["expires_on"]) == ("", "released", "2027-06-01")
    sop = records[("sop", "SOP-SMT-001:2:zh_CN")]
    assert sop.data is not None
    assert (sop.scope, sop.data["body"]) == ("", "# 作业步骤\n\n1. 扫描料盘\n")
    assert records[("equipment", "EQ-RF-1")].scope == "|WC-SMT|"
    plan = records[("inspection_plan", "IP-GW310-FA")].data
    assert plan is not None
    assert [(c["code"], c["kind"], c["lsl"], c["usl"]) for c in plan["characteristics"]] == [
        ("JOINTS", "attribute", None, None),
        ("PASTE_H", "variable", 100.0, 140.0),
    ]


def test_badges_and_pins_are_stored_only_as_their_hashes(hub: Engine) -> None:
    import_json(hub, plant())

    records = stored(hub)
    operator = records[("user", "208113")]
    lead = records[("user", "203118")]
    assert operator.data is not None
    assert lead.data is not None
    assert operator.scope == ""
    assert operator.data["badge_hash"] == badge_hash("E1001")
    assert operator.data["pin_hash"] is None
    assert (operator.data["language"], operator.data["active"]) == ("zh_CN", True)
    assert lead.data["badge_hash"] == badge_hash("E1009")
    assert pin_matches("1357", lead.data["pin_hash"])
    text = raw_data(hub)
    assert "E1001" not in text
    assert "E1009" not in text
    assert "1357" not in text


def test_importing_the_same_file_again_changes_nothing(hub: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plant.json"
    path.write_text(json.dumps(plant(), ensure_ascii=False), encoding="utf-8")
    apply_import(hub, parse_import_file(path), NOW)
    before, last = stored(hub), counter(hub)

    summary = apply_import(hub, parse_import_file(path), NOW)

    assert (summary.rows, summary.changed, summary.by_entity) == (20, 0, {})
    assert counter(hub) == last == 20
    assert stored(hub) == before


def test_a_held_lot_a_cancelled_and_a_reprioritised_order_are_the_only_changes(
    hub: Engine,
) -> None:
    document = plant()
    import_json(hub, document)
    before = stored(hub)
    document["lots"][0]["status"] = "on_hold"
    document["work_orders"][0]["status"] = "cancelled"
    document["work_orders"][1]["priority"] = 1

    summary = import_json(hub, document)

    after = stored(hub)
    assert summary.changed == 3
    assert summary.by_entity == {"work_order": 2, "lot": 1}
    changed = {key for key in after if after[key].change_no != before[key].change_no}
    assert changed == {("lot", "L2611-0044"), ("work_order", WO), ("work_order", "WO-2611-0032")}
    assert min(after[key].change_no for key in changed) > max(r.change_no for r in before.values())
    assert after[("lot", "L2611-0044")].data == {
        **(before[("lot", "L2611-0044")].data or {}),
        "status": "on_hold",
    }
    assert (after[("work_order", WO)].data or {})["status"] == "cancelled"
    assert (after[("work_order", "WO-2611-0032")].data or {})["priority"] == 1


def test_a_changed_pin_is_hashed_anew_and_a_missing_one_removes_it(hub: Engine) -> None:
    document = plant()
    import_json(hub, document)
    document["users"][1]["pin"] = "2468"
    import_json(hub, document)
    lead = stored(hub)[("user", "203118")].data
    assert lead is not None
    assert pin_matches("2468", lead["pin_hash"])
    assert not pin_matches("1357", lead["pin_hash"])

    del document["users"][1]["pin"]
    assert import_json(hub, document).by_entity == {"user": 1}
    assert (stored(hub)[("user", "203118")].data or {})["pin_hash"] is None


def test_csv_files_import_one_entity_each_and_refer_to_what_the_hub_has(
    hub: Engine, tmp_path: Path
) -> None:
    # Spreadsheets save a UTF-8 BOM before the header.
    import_csv(
        hub, tmp_path / "work_centers.csv", "code,name\nWC-SMT,SMT 贴片线\nWC-ASM,总装\n", bom=True
    )
    import_csv(
        hub,
        tmp_path / "items.csv",
        'code,description,unit\nFG-GW310,"GW-310, gateway",\n'
        "SCR-M3X8,Screw,pcs\nSP-SAC305,Paste,g\n",
    )
    import_csv(
        hub,
        tmp_path / "work_orders.csv",
        f"number,item_code,qty_planned,priority,due_date,status\n{WO},FG-GW310,200,,2026-12-01,\n",
    )
    records = stored(hub)
    assert records[("item", "FG-GW310")].data == {
        "code": "FG-GW310",
        "description": "GW-310, gateway",
        "unit": "pcs",
    }
    order = records[("work_order", WO)]
    assert order.data is not None
    assert (order.scope, order.data["priority"], order.data["status"]) == ("", 5, "released")

    summary = import_csv(
        hub,
        tmp_path / "operations.csv",
        "work_order,seq,name,work_center,qty_planned,sop_code\n"
        f"{WO},10,SMT,WC-SMT,,SOP-SMT-001\n"
        f"{WO},20,Assembly,WC-ASM,190,\n",
    )
    assert summary.by_entity == {"work_order": 1, "operation": 2}
    summary = import_csv(
        hub,
        tmp_path / "bom.csv",
        f"work_order,op_seq,item_code,qty_per_unit\n{WO},10,SP-SAC305,0.6\n{WO},20,SCR-M3X8,8\n",
    )
    assert summary.by_entity == {"bom_line": 2}

    records = stored(hub)
    assert records[("work_order", WO)].scope == "|WC-ASM|WC-SMT|"
    smt = records[("operation", f"{WO}:10")]
    assert smt.data is not None
    assert (smt.scope, smt.data["qty_planned"], smt.data["sop_code"]) == (
        "|WC-SMT|",
        200,
        "SOP-SMT-001",
    )
    assert (records[("operation", f"{WO}:20")].data or {})["sop_code"] is None
    screws = records[("bom_line", f"{WO}:20:SCR-M3X8")]
    assert screws.data is not None
    assert (screws.scope, screws.data["qty_per_unit"]) == ("|WC-ASM|", 8.0)
    assert screws.data["operation_id"] == (records[("operation", f"{WO}:20")].data or {})["id"]


def test_a_csv_file_may_be_named_anything_when_the_entity_is_given(
    hub: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "ERP export 2026-11-25.csv"
    path.write_text(
        "employee_no,name,role,badge,pin,active\n"
        "208113,张丽,operator,E1001,,\n"
        "209988,徐明,operator,E1013,,false\n",
        encoding="utf-8",
    )

    apply_import(hub, parse_import_file(path, entity="users"), NOW)

    left = stored(hub)[("user", "209988")].data
    assert left is not None
    assert (left["active"], left["pin_hash"], left["badge_hash"]) == (
        False,
        None,
        badge_hash("E1013"),
    )


def test_routing_flags_in_operations_csv_read_as_booleans_and_default_to_false(
    hub: Engine, tmp_path: Path
) -> None:
    import_json(hub, plant())

    import_csv(
        hub,
        tmp_path / "operations.csv",
        "work_order,seq,name,work_center,binds_serials,needs_previous_op\n"
        f"{WO},10,SMT,WC-SMT,Yes,\n"
        f"{WO},20,Test,WC-SMT,,\n"
        f"{WO},30,Assembly,WC-ASM,TRUE,1\n"
        f"{WO},40,Pack,WC-ASM,0,no\n",
    )

    records = stored(hub)
    flags = {
        seq: (data["binds_serials"], data["needs_previous_op"])
        for seq in (10, 20, 30, 40)
        if (data := records[("operation", f"{WO}:{seq}")].data) is not None
    }
    assert flags == {
        10: (True, False),
        20: (False, False),
        30: (True, True),
        40: (False, False),
    }


def test_an_operation_needing_a_previous_one_needs_an_earlier_one_binding_serials(
    hub: Engine, tmp_path: Path
) -> None:
    document = plant()
    operations = document["work_orders"][0]["operations"]
    operations[0] |= {"binds_serials": False, "needs_previous_op": True}
    document["work_orders"][1]["operations"][0]["needs_previous_op"] = True

    with pytest.raises(ImportProblems) as excinfo:
        import_json(hub, document)
    assert excinfo.value.problems == [
        f"work_orders[0].operations[0]: key 'needs_previous_op': no operation before 10 of "
        f"work order '{WO}' binds serials",
        f"work_orders[0].operations[1]: key 'needs_previous_op': no operation before 30 of "
        f"work order '{WO}' binds serials",
        "work_orders[1].operations[0]: key 'needs_previous_op': no operation before 10 of "
        "work order 'WO-2611-0032' binds serials",
    ]

    import_json(hub, plant())
    before = stored(hub)
    # Only a lower seq counts, wherever its row is in the file; and a flag must be a boolean.
    with pytest.raises(ImportProblems) as excinfo:
        import_csv(
            hub,
            tmp_path / "operations.csv",
            "work_order,seq,name,work_center,binds_serials,needs_previous_op\n"
            f"{WO},30,Assembly,WC-ASM,,true\n"
            f"{WO},40,Pack,WC-ASM,maybe,\n"
            f"{WO},10,SMT,WC-SMT,,true\n"
            f"{WO},20,Test,WC-SMT,true,\n",
        )
    assert excinfo.value.problems == [
        "operations.csv row 3: key 'binds_serials': must be true or false (got 'maybe')",
        f"operations.csv row 4: key 'needs_previous_op': no operation before 10 of "
        f"work order '{WO}' binds serials",
    ]
    assert stored(hub) == before


def test_reason_codes_come_as_json_or_csv_and_reach_every_station(
    hub: Engine, tmp_path: Path
) -> None:
    summary = import_json(
        hub,
        {
            "reason_codes": [
                {"kind": "scrap", "code": "SC01", "name_zh": "焊接不良", "name_en": "Bad solder"},
                {"kind": " scrap", "code": "SC02 ", "name_zh": "划伤", "name_en": "Scratched"},
            ]
        },
    )

    assert (summary.rows, summary.by_entity) == (2, {"reason_code": 2})
    records = stored(hub)
    assert records[("reason_code", "scrap:SC01")][:2] == (
        "",
        {"kind": "scrap", "code": "SC01", "name_zh": "焊接不良", "name_en": "Bad solder"},
    )
    assert (records[("reason_code", "scrap:SC02")].data or {})["name_en"] == "Scratched"

    summary = import_csv(
        hub,
        tmp_path / "reason_codes.csv",
        "kind,code,name_zh,name_en\nscrap,SC01,焊接不良,Bad solder\nscrap,SC02,划伤,Scratch\n",
        bom=True,
    )

    assert summary.by_entity == {"reason_code": 1}
    assert (stored(hub)[("reason_code", "scrap:SC02")].data or {})["name_en"] == "Scratch"


def test_bad_reason_codes_are_reported_by_row(tmp_path: Path) -> None:
    path = tmp_path / "reason_codes.csv"
    path.write_text(
        "kind,code,name_zh,name_en\n"
        "scrap,SC01,焊接不良,Bad solder\n"
        "rework,RW01,返工,Rework\n"
        "scrap,SC:2,划伤,\n"
        "scrap,SC01,焊接不良,Solder\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportProblems) as excinfo:
        parse_import_file(path)

    assert excinfo.value.problems == [
        "reason_codes.csv row 3: key 'kind': must be one of scrap, stop, cause, action, defect "
        "(got 'rework')",
        "reason_codes.csv row 4: key 'code': must not contain ':' (got 'SC:2')",
        "reason_codes.csv row 4: key 'name_en': missing",
        "reason_codes.csv row 5: scrap reason 'SC01' already given in reason_codes.csv row 2",
    ]


def test_an_operation_left_out_on_reimport_is_deleted_with_its_bom_lines(hub: Engine) -> None:
    document = plant()
    import_json(hub, document)
    before = stored(hub)
    del document["work_orders"][0]["operations"][1]

    summary = import_json(hub, document)

    after = stored(hub)
    assert summary.by_entity == {"operation": 1, "bom_line": 1}
    # Deletions keep their scope, so the stations that have the records hear of it.
    assert after[("operation", f"{WO}:30")][:2] == ("|WC-ASM|", None)
    assert after[("bom_line", f"{WO}:30:SCR-M3X8")][:2] == ("|WC-ASM|", None)
    # A record's scope never shrinks: the assembly station keeps hearing of the order.
    assert after[("work_order", WO)].scope == "|WC-ASM|WC-SMT|"
    assert after[("bom_line", f"{WO}:10:SP-SAC305")] == before[("bom_line", f"{WO}:10:SP-SAC305")]


def test_lists_left_out_keep_what_the_hub_has(hub: Engine, tmp_path: Path) -> None:
    document = plant()
    import_json(hub, document)
    header_only = {k: v for k, v in document["work_orders"][0].items() if k != "operations"}

    assert import_json(hub, {"work_orders": [header_only]}).changed == 0

    # operations.csv without bom.csv: operation 10 moves and its BOM lines move with it.
    summary = import_csv(
        hub,
        tmp_path / "operations.csv",
        "work_order,seq,name,work_center\n"
        f"{WO},10,SMT placement 贴片,WC-ASM\n"
        f"{WO},30,Final assembly 整机装配,WC-ASM\n",
    )

    after = stored(hub)
    # Moved records keep their old scope too, so the SMT station learns they went.
    assert after[("operation", f"{WO}:10")].scope == "|WC-ASM|WC-SMT|"
    assert after[("work_order", WO)].scope == "|WC-ASM|WC-SMT|"
    assert after[("bom_line", f"{WO}:10:SP-SAC305")].scope == "|WC-ASM|WC-SMT|"
    assert after[("bom_line", f"{WO}:10:SP-SAC305")].data is not None
    # Operation 30 lost its explicit 198: a given routing replaces the operations whole.
    assert (after[("operation", f"{WO}:30")].data or {})["qty_planned"] == 200
    assert summary.by_entity == {"operation": 2, "bom_line": 2}


def test_bad_csv_rows_are_all_reported_by_row_number(tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text(
        "employee_no,name,role,badge,pin\n"
        "E1,Ann,operator,B1,\n"
        "E2,Bob,boss,B2,12\n"
        "\n"
        "E1,Cy,operator,B3,\n"
        "E4,,operator,B4,\n"
        "E5,Eve,admin,b1 ,\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportProblems) as excinfo:
        parse_import_file(path)

    assert excinfo.value.problems == [
        f"users.csv row 3: key 'role': must be one of {ROLES} (got 'boss')",
        "users.csv row 3: key 'pin': must be 4 to 12 digits",  # never echoed
        "users.csv row 6: key 'name': missing",
        "users.csv row 5: employee 'E1' already given in users.csv row 2",
        "users.csv row 7: key 'badge': badge already given in users.csv row 2",
    ]
    assert str(excinfo.value).startswith("5 problems:\n  users.csv row 3:")


def test_bad_json_values_are_reported_by_path() -> None:
    document = plant()
    document["work_orders"][0]["qty_planned"] = "abc"
    document["work_orders"][0]["due_date"] = "2026-13-01"
    document["work_orders"][0]["operations"][1]["station"] = "ST-1"
    document["work_orders"][0]["operations"][1]["bom"][0]["qty_per_unit"] = -8
    document["lots"][0]["qty"] = -5
    document["sops"][0]["version"] = 2.5
    document["equipment"].append(["EQ-2"])
    document["colour"] = "blue"

    with pytest.raises(ImportProblems) as excinfo:
        parse_import_json(document, source="POST /admin/import")

    assert excinfo.value.problems == [
        "work_orders[0]: key 'qty_planned': must be a whole number (got 'abc')",
        "work_orders[0]: key 'due_date': must be a date like 2026-12-01 (got '2026-13-01')",
        "work_orders[0].operations[1].bom[0]: key 'qty_per_unit': must be more than 0 (got -8)",
        "work_orders[0].operations[1]: unknown key 'station'",
        "lots[0]: key 'qty': must be at least 0 (got -5)",
        "sops[0]: key 'version': must be a whole number (got 2.5)",
        "equipment[1]: must be an object (got ['EQ-2'])",
        "POST /admin/import: unknown section 'colour' (known: work_centers, items, users, "
        "work_orders, lots, sops, equipment, inspection_plans, reason_codes, "
        "maintenance_plans, nc_programs)",
    ]


def test_unresolved_references_refuse_the_whole_import(hub: Engine) -> None:
    import_json(hub, {"work_centers": plant()["work_centers"]})
    before, last = stored(hub), counter(hub)
    document = plant()
    del document["work_centers"]  # on the hub already: fine
    document["work_orders"][1]["operations"][0]["work_center"] = "WC-X"
    document["work_orders"][0]["operations"][0]["bom"][1]["item_code"] = "SP-NONE"
    document["equipment"][0]["work_center"] = "WC-Y"

    with pytest.raises(ImportProblems) as excinfo:
        import_json(hub, document)

    assert excinfo.value.problems == [
        "work_orders[1].operations[0]: key 'work_center': unknown work center 'WC-X'",
        "work_orders[0].operations[0].bom[1]: key 'item_code': unknown item 'SP-NONE'",
        "equipment[0]: key 'work_center': unknown work center 'WC-Y'",
    ]
    assert stored(hub) == before
    assert counter(hub) == last


def test_operation_and_bom_rows_need_their_parents(hub: Engine, tmp_path: Path) -> None:
    import_json(hub, plant())
    before = stored(hub)

    with pytest.raises(ImportProblems) as excinfo:
        import_csv(
            hub,
            tmp_path / "operations.csv",
            "work_order,seq,name,work_center\nWO-404,10,SMT,WC-SMT\nWO-404,20,ASM,WC-ASM\n",
        )
    assert excinfo.value.problems == [
        "operations.csv row 2: key 'work_order': unknown work order 'WO-404'",
        "operations.csv row 3: key 'work_order': unknown work order 'WO-404'",
    ]
    with pytest.raises(ImportProblems) as excinfo:
        import_csv(
            hub,
            tmp_path / "bom.csv",
            f"work_order,op_seq,item_code,qty_per_unit\n{WO},10,SCR-M3X8,4\n{WO},99,SCR-M3X8,1\n",
        )
    assert excinfo.value.problems == [
        f"bom.csv row 3: key 'op_seq': work order '{WO}' has no operation 99"
    ]
    assert stored(hub) == before


def test_a_badge_belongs_to_one_employee_only(hub: Engine) -> None:
    import_json(hub, plant())
    newcomer = {"employee_no": "212230", "name": "Lisa Wang", "role": "operator", "badge": "e1009"}

    with pytest.raises(ImportProblems) as excinfo:
        import_json(hub, {"users": [newcomer]})
    assert excinfo.value.problems == [
        "users[0]: key 'badge': already the badge of employee '203118'"
    ]

    # Handing the card over in the same import is fine.
    leaver = {**plant()["users"][1], "badge": "E1009-OLD", "active": False, "pin": None}
    assert import_json(hub, {"users": [leaver, newcomer]}).by_entity == {"user": 2}


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("plant.json", b'{"items": [', "plant.json: not valid JSON (Expecting value: line 1"),
        ("plant.json", b"[]", "plant.json: must be an object of sections (got [])"),
        ("plant.xlsx", b"PK", "plant.xlsx: not a .json or .csv file"),
        ("parts.csv", b"code\n", "parts.csv: unknown entity 'parts' (known: work_centers,"),
        (
            "items.csv",
            "code,description\nA,电\n".encode("gbk"),
            "items.csv: not UTF-8",
        ),
        ("items.csv", b"", "items.csv row 1: no header row"),
        (
            "items.csv",
            b"code,descr\nA,B\n",
            "items.csv row 1: unknown column 'descr' (known: code,",
        ),
        ("items.csv", b"code,code,description\n", "items.csv row 1: column 'code' appears twice"),
        ("lots.csv", b"lot_no,qty\nL1,5\n", "lots.csv row 1: missing column 'item_code'"),
        ("items.csv", b"code,description\nA,B,C\n", "items.csv row 2: 3 cells, the header has 2"),
    ],
)
def test_unusable_files_say_why(tmp_path: Path, name: str, content: bytes, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(ImportProblems) as excinfo:
        parse_import_file(path)

    assert excinfo.value.problems[0].startswith(problem)


def test_the_problem_list_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text("code,description\n" + "A:1,x\n" * 60, encoding="utf-8")

    with pytest.raises(ImportProblems) as excinfo:
        parse_import_file(path)

    assert len(excinfo.value.problems) == 50
    assert excinfo.value.more == 10
    assert (
        excinfo.value.problems[0] == "items.csv row 2: key 'code': must not contain ':' (got 'A:1')"
    )
    assert str(excinfo.value).endswith("\n  ... and 10 more")


def test_progress_counts_rows_up_to_the_total(hub: Engine) -> None:
    seen: list[tuple[int, int]] = []

    apply_import(
        hub,
        parse_import_json(plant()),
        NOW,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert seen[-1] == (20, 20)
    assert [done for done, _ in seen] == sorted({done for done, _ in seen})


def test_ten_thousand_operations_in_one_import(hub: Engine, tmp_path: Path) -> None:
    document = plant()
    orders = [
        {
            "number": f"WO-{n:05d}",
            "item_code": "FG-GW310",
            "qty_planned": 10,
            "due_date": "2026-12-01",
        }
        for n in range(1000)
    ]
    import_json(
        hub,
        {
            "work_centers": document["work_centers"],
            "items": document["items"],
            "work_orders": orders,
        },
    )
    lines = [
        f"WO-{n:05d},{seq},Step {seq},{'WC-SMT' if seq < 50 else 'WC-ASM'}"
        for n in range(1000)
        for seq in range(10, 110, 10)
    ]
    path = tmp_path / "operations.csv"
    path.write_text("work_order,seq,name,work_center\n" + "\n".join(lines) + "\n", encoding="utf-8")
    seen: list[tuple[int, int]] = []

    summary = apply_import(
        hub, parse_import_file(path), NOW, progress=lambda d, t: seen.append((d, t))
    )

    assert summary.rows == 10_000
    assert summary.by_entity == {"work_order": 1000, "operation": 10_000}
    assert seen[-1] == (10_000, 10_000)
    assert len(seen) > 5
    records = stored(hub)
    assert sum(1 for entity, _ in records if entity == "operation") == 10_000
    assert records[("work_order", "WO-00999")].scope == "|WC-ASM|WC-SMT|"
    assert (records[("operation", "WO-00999:100")].data or {})["qty_planned"] == 10
