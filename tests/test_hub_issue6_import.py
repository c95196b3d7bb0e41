"""Importing daily checks, maintenance plans and machine programs, their refusals, and how
they reach stations over a real hub on loopback."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from hub.db import open_hub_db
from hub.importer import ImportProblems, apply_import, parse_import_file, parse_import_json
from kiosk.store.models import Operation, ReferenceRecord
from tests.hub_harness import client, make_plant, open_station, running_hub
from tests.test_hub_import import NOW, WO, import_csv, plant, stored

GCODE = "%\nO1001 (DRILL)\r\nG90 G54\nM30\n%\n"
CHECK = [
    {"code": "C1", "text_zh": "气压", "text_en": "Air pressure", "kind": "value", "lsl": 0.5,
     "usl": 0.7, "unit": "MPa"},
    {"code": "C2", "text_zh": "清洁", "text_en": "Clean"},
]  # fmt: skip


def machines() -> dict[str, Any]:
    document = plant()
    document["equipment"][0]["daily_check"] = CHECK
    document["maintenance_plans"] = [
        {"code": "PM-RF-1", "equipment": "EQ-RF-1", "title_zh": "清洁", "title_en": "Clean",
         "every_days": 7},
        {"code": "PM-RF-2", "equipment": "EQ-RF-1", "title_zh": "换链", "title_en": "Chain",
         "every_run_hours": 500},
    ]  # fmt: skip
    document["nc_programs"] = [
        {"code": "NC-100", "version": 1, "file_name": "O1001.nc", "body": "G0 X0\n"},
        {"code": "NC-100", "version": 2, "file_name": "O1001.nc", "file": "nc/O1001.nc"},
    ]
    document["work_orders"][0]["operations"][0] |= {"nc_program": "NC-100", "nc_version": 2}
    return document


def _write_import(folder: Path, document: dict[str, Any]) -> Path:
    (folder / "nc").mkdir(exist_ok=True)
    (folder / "nc" / "O1001.nc").write_bytes(GCODE.encode())
    path = folder / "plant.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_daily_checks_plans_and_programs_import_with_their_scopes(tmp_path: Path) -> None:
    engine = open_hub_db(str(tmp_path / "hub.db"))
    summary = apply_import(engine, parse_import_file(_write_import(tmp_path, machines())), NOW)

    assert (summary.by_entity["maintenance_plan"], summary.by_entity["nc_program"]) == (2, 2)
    records = stored(engine)
    equipment = records[("equipment", "EQ-RF-1")].data or {}
    assert [item["code"] for item in equipment["daily_check"]] == ["C1", "C2"]
    assert equipment["daily_check"][1]["kind"] == "pass_fail"
    assert records[("maintenance_plan", "PM-RF-2")][:2] == (
        "|WC-SMT|",
        {"code": "PM-RF-2", "equipment": "EQ-RF-1", "title_zh": "换链", "title_en": "Chain",
         "every_days": None, "every_run_hours": 500.0, "every_units": None,
         "counts_from": "2026-11-25T08:00:00Z"},
    )  # fmt: skip
    program = records[("nc_program", "NC-100:2")]
    assert program.scope == ""
    assert program.data == {
        "code": "NC-100",
        "version": 2,
        "file_name": "O1001.nc",
        "body": GCODE,  # the file's bytes: "\r\n" kept
        "checksum": hashlib.sha256(GCODE.encode()).hexdigest(),
    }
    operation = records[("operation", f"{WO}:10")].data or {}
    assert (operation["nc_program"], operation["nc_version"]) == ("NC-100", 2)

    # equipment.csv keeps the items; a move takes the plans along.
    import_csv(engine, tmp_path / "equipment.csv", "code,name,work_center\nEQ-RF-1,Oven,WC-ASM\n")
    records = stored(engine)
    assert len((records[("equipment", "EQ-RF-1")].data or {})["daily_check"]) == 2
    assert records[("maintenance_plan", "PM-RF-1")].scope == "|WC-ASM|WC-SMT|"
    # The same versions again change nothing.
    again = apply_import(engine, parse_import_file(_write_import(tmp_path, machines())), NOW)
    assert "nc_program" not in again.by_entity
    engine.dispose()


def test_a_plan_counts_from_its_first_import_or_the_date_it_names(tmp_path: Path) -> None:
    engine = open_hub_db(str(tmp_path / "hub.db"))
    apply_import(engine, parse_import_file(_write_import(tmp_path, machines())), NOW)
    document = machines()
    document["maintenance_plans"][1]["counts_from"] = "2026-01-05"
    later = NOW + timedelta(days=40)
    apply_import(engine, parse_import_file(_write_import(tmp_path, document)), later)

    records = stored(engine)
    counts_from = {
        code: (records[("maintenance_plan", code)].data or {})["counts_from"]
        for code in ("PM-RF-1", "PM-RF-2")
    }
    # Imported again, PM-RF-1 keeps counting from its first import, not from this one.
    assert counts_from == {"PM-RF-1": "2026-11-25T08:00:00Z", "PM-RF-2": "2026-01-05T00:00:00Z"}
    engine.dispose()


def test_a_program_version_never_changes_and_references_must_exist(tmp_path: Path) -> None:
    engine = open_hub_db(str(tmp_path / "hub.db"))
    apply_import(engine, parse_import_file(_write_import(tmp_path, machines())), NOW)
    before = stored(engine)
    document = machines()
    document["nc_programs"][0]["body"] = "G0 X1\n"
    document["maintenance_plans"][1]["equipment"] = "EQ-NONE"
    document["work_orders"][1]["operations"][0] |= {"nc_program": "NC-100", "nc_version": 3}
    document["work_orders"][0]["operations"][1]["nc_program"] = "NC-404"

    with pytest.raises(ImportProblems) as excinfo:
        apply_import(engine, parse_import_file(_write_import(tmp_path, document)), NOW)

    assert sorted(excinfo.value.problems) == sorted([
        "maintenance_plans[1]: key 'equipment': unknown equipment 'EQ-NONE'",
        "nc_programs[0]: program 'NC-100' version 1 is on the hub with other content; "
        "a changed program needs a new version",
        "work_orders[1].operations[0]: key 'nc_version': program 'NC-100' has no version 3",
        "work_orders[0].operations[1]: key 'nc_program': unknown program 'NC-404'",
    ])  # fmt: skip
    assert stored(engine) == before
    # An operation may name a version the hub has from an earlier import.
    import_csv(
        engine,
        tmp_path / "operations.csv",
        f"work_order,seq,name,work_center,nc_program,nc_version\n{WO},10,SMT,WC-SMT,NC-100,1\n",
    )
    assert (stored(engine)[("operation", f"{WO}:10")].data or {})["nc_version"] == 1
    engine.dispose()


def test_bad_rows_of_the_new_entities_are_reported_by_row(tmp_path: Path) -> None:
    (tmp_path / "outside.nc").write_text("M30\n")
    document: dict[str, Any] = {
        "equipment": [
            {"code": "EQ-1", "name": "Press", "work_center": "WC-1", "daily_check": [
                {"code": "C1", "text_zh": "压力", "text_en": "Pressure", "kind": "value"},
                {"code": "C2", "text_zh": "油", "text_en": "Oil", "lsl": 1},
            ]},
        ],
        "maintenance_plans": [
            {"code": "PM-1", "equipment": "EQ-1", "title_zh": "a", "title_en": "a"},
            {"code": "PM-2", "equipment": "EQ-1", "title_zh": "b", "title_en": "b",
             "every_days": 7, "every_units": 1000},
            {"code": "PM-3", "equipment": "EQ-1", "title_zh": "c", "title_en": "c",
             "every_run_hours": 0},
        ],
        "nc_programs": [
            {"code": "NC-1", "version": 1, "file_name": "a.nc"},
            {"code": "NC-1", "version": 2, "file_name": "a.nc", "file": "../outside.nc"},
            {"code": "NC-1", "version": 3, "file_name": "a.nc", "file": "missing.nc"},
        ],
        "work_orders": [
            {"number": "WO-1", "item_code": "I", "qty_planned": 1, "due_date": "2026-12-01",
             "operations": [{"seq": 1, "name": "Op", "work_center": "WC-1", "nc_version": 2}]},
        ],
    }  # fmt: skip
    folder = tmp_path / "import"
    folder.mkdir()
    path = folder / "plant.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(ImportProblems) as excinfo:
        parse_import_file(path)

    problems = excinfo.value.problems
    expected_starts = [
        "equipment[0]: key 'daily_check[0]': a value item needs lsl or usl",
        "equipment[0]: key 'daily_check[1]': a pass_fail item has no limits",
        "maintenance_plans[0]: give exactly one of every_days, every_run_hours, every_units",
        "maintenance_plans[1]: give exactly one of every_days, every_run_hours, every_units",
        "maintenance_plans[2]: key 'every_run_hours': must be more than 0",
        "nc_programs[0]: give exactly one of body and file",
        "nc_programs[1]: key 'file': must be a path inside the import file's folder",
        "nc_programs[2]: key 'file': 'missing.nc' cannot be read",
        "work_orders[0]: key 'operations[0]': nc_version needs an nc_program",
    ]
    for start in expected_starts:
        assert any(problem.startswith(start) for problem in problems), (start, problems)
    # Over HTTP there is no folder: a program comes with its body.
    with pytest.raises(ImportProblems) as excinfo:
        parse_import_json({"nc_programs": [document["nc_programs"][2]]})
    assert excinfo.value.problems == [
        "nc_programs[0]: key 'file': a file is read only from an import file; give the body"
    ]


def test_stations_receive_plans_of_their_line_and_every_program(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant_ = make_plant(hub_db_url)
    apply_import(plant_.engine, parse_import_file(_write_import(tmp_path, machines())), NOW)
    tokens = {
        "ST-SMT": plant_.enrol("ST-SMT", "WC-SMT"),
        "ST-ASM": plant_.enrol("ST-ASM", "WC-ASM"),
    }
    stores = {sid: open_station(tmp_path, sid) for sid in tokens}
    with running_hub(hub_db_url, tmp_path) as hub:
        for sid, store in stores.items():
            sync = client(store, hub.url, tokens[sid])
            sync.sync_once()
            sync.close()

    def kept(sid: str) -> dict[tuple[str, str], dict[str, Any]]:
        with stores[sid].read() as session:
            return {
                (r.entity, r.key): json.loads(r.data) for r in session.exec(select(ReferenceRecord))
            }

    smt, asm = kept("ST-SMT"), kept("ST-ASM")
    assert {key for key in smt if key[0] == "maintenance_plan"} == {
        ("maintenance_plan", "PM-RF-1"),
        ("maintenance_plan", "PM-RF-2"),
    }
    assert not any(entity == "maintenance_plan" for entity, _ in asm)
    for held in (smt, asm):
        assert held[("nc_program", "NC-100:2")]["body"] == GCODE
        assert ("nc_program", "NC-100:1") in held
    assert smt[("equipment", "EQ-RF-1")]["daily_check"][0]["usl"] == 0.7
    with stores["ST-SMT"].read() as session:
        placement = session.exec(select(Operation).where(Operation.seq == 10)).all()
    assert {(op.nc_program, op.nc_version) for op in placement} == {("NC-100", 2), (None, None)}
