"""Importing typed inspection plans and defect codes, their refusals, and how they reach
stations over a real hub on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from hub.db import open_hub_db
from hub.importer import ImportProblems, apply_import, parse_import_file, parse_import_json
from kiosk.store.models import ReferenceRecord
from tests.hub_harness import client, make_plant, open_station, running_hub
from tests.test_hub_import import NOW, import_json, plant, stored

DEFECTS = [
    {"kind": "defect", "code": "BRIDGE", "name_zh": "连锡", "name_en": "Solder bridge"},
    {"kind": "defect", "code": "MISSING", "name_zh": "缺件", "name_en": "Missing part"},
]
HEIGHT = {"code": "PASTE_H", "name_zh": "锡膏厚度", "name_en": "Paste height",
          "kind": "variable", "nominal": 120, "lsl": 100, "usl": 140, "unit": "µm",
          "decimals": 0, "gauge": "SPI"}  # fmt: skip
JOINTS = {"code": "JOINTS", "name_zh": "焊点", "name_en": "Solder joints",
          "defects": ["BRIDGE", "MISSING"]}  # fmt: skip
LOOKS = {"code": "LOOKS", "name_zh": "外观", "name_en": "Appearance"}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Engine]:
    engine = open_hub_db(str(tmp_path / "hub.db"))
    yield engine
    engine.dispose()


def plans() -> list[dict[str, Any]]:
    """A plan of each kind for the fixture plant's gateway."""
    return [
        {"code": "FA-GW310", "item_code": "FG-GW310", "operation_seq": 10,
         "kind": "first_article", "sample_size": 2, "characteristics": [HEIGHT, JOINTS]},
        {"code": "PT-GW310", "item_code": "FG-GW310", "operation_seq": 30, "kind": "patrol",
         "every_units": 10, "characteristics": [JOINTS]},
        {"code": "FI-GW310", "item_code": "FG-GW310", "kind": " final", "aql": 1,
         "level": " iii", "characteristics": [LOOKS]},
    ]  # fmt: skip


def quality_plant() -> dict[str, Any]:
    document = plant()
    document["reason_codes"] = DEFECTS
    document["inspection_plans"] = plans()
    return document


def test_a_plan_of_each_kind_is_stored_with_its_typed_fields(hub: Engine) -> None:
    summary = import_json(hub, quality_plant())

    assert (summary.by_entity["inspection_plan"], summary.by_entity["reason_code"]) == (3, 2)
    records = stored(hub)
    first = records[("inspection_plan", "FA-GW310")]
    assert first.scope == ""  # every station
    assert first.data == {
        "id": (first.data or {})["id"],
        "code": "FA-GW310",
        "item_code": "FG-GW310",
        "operation_seq": 10,
        "kind": "first_article",
        "characteristics": [
            HEIGHT | {"nominal": 120.0, "lsl": 100.0, "usl": 140.0, "defects": []},
            JOINTS | {"kind": "attribute", "nominal": None, "lsl": None, "usl": None,
                      "unit": "", "decimals": 2, "gauge": ""},
        ],
        "sample_size": 2,
        "every_units": None,
        "every_minutes": None,
        "aql": None,
        "level": "II",
        "reduced_allowed": False,
    }  # fmt: skip
    patrol = records[("inspection_plan", "PT-GW310")].data or {}
    assert (patrol["kind"], patrol["sample_size"], patrol["every_units"]) == ("patrol", 1, 10)
    assert patrol["every_minutes"] is None
    final = records[("inspection_plan", "FI-GW310")].data or {}
    # The AQL as ISO 2859-1 writes it, the level in capitals; the work order's last operation.
    assert (final["kind"], final["aql"], final["level"]) == ("final", "1.0", "III")
    assert final["reduced_allowed"] is False
    assert final["operation_seq"] is None
    assert records[("reason_code", "defect:BRIDGE")].data == DEFECTS[0]

    # The defects may be on the hub already; an import that changes nothing writes nothing.
    again = import_json(hub, {"inspection_plans": plans()})
    assert again.changed == 0


@pytest.mark.parametrize(
    ("given", "kept"),
    [(1, "1.0"), ("1.00", "1.0"), (0.65, "0.65"), (" 0.01", "0.010"), ("10", "10"), (1e3, "1000")],
)
def test_an_aql_given_as_text_or_number_is_kept_as_its_text(given: object, kept: str) -> None:
    plan = plans()[2] | {"aql": given}

    document = parse_import_json({"inspection_plans": [plan]})

    assert document.inspection_plans[0].value.aql == kept


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in keys}


FIRST, PATROL, FINAL = plans()
V = HEIGHT | {"code": "V"}
AQLS = (
    "0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, "
    "4.0, 6.5, 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000"
)
CHARACTERISTIC = "inspection_plans[0]: key 'characteristics[0]'"
REFUSALS = [
    pytest.param(
        FIRST | {"characteristics": [_without(V, "lsl", "usl", "nominal")]},
        f"{CHARACTERISTIC}: a variable characteristic needs lsl or usl",
        id="variable-without-limits",
    ),
    pytest.param(
        FIRST | {"characteristics": [V | {"lsl": 140, "nominal": 140}]},
        f"{CHARACTERISTIC}: lsl must be below usl",
        id="lsl-at-usl",
    ),
    pytest.param(
        FIRST | {"characteristics": [V | {"lsl": 150}]},
        f"{CHARACTERISTIC}: lsl must be below usl",
        id="lsl-above-usl",
    ),
    pytest.param(
        FIRST | {"characteristics": [V | {"nominal": 90}]},
        f"{CHARACTERISTIC}: nominal must be within lsl and usl",
        id="nominal-below-lsl",
    ),
    pytest.param(
        FIRST | {"characteristics": [_without(V, "lsl") | {"nominal": 150}]},
        f"{CHARACTERISTIC}: nominal must be within lsl and usl",
        id="nominal-above-the-only-limit",
    ),
    pytest.param(
        FIRST | {"characteristics": [V | {"defects": ["BRIDGE"]}]},
        f"{CHARACTERISTIC}: a variable characteristic has no defects",
        id="variable-with-defects",
    ),
    pytest.param(
        FIRST | {"characteristics": [JOINTS | {"usl": 1}]},
        f"{CHARACTERISTIC}: an attribute characteristic has no lsl, usl or nominal",
        id="attribute-with-a-limit",
    ),
    pytest.param(
        FIRST | {"characteristics": [LOOKS | {"nominal": 1}]},
        f"{CHARACTERISTIC}: an attribute characteristic has no lsl, usl or nominal",
        id="attribute-with-a-nominal",
    ),
    pytest.param(
        FIRST | {"characteristics": [V | {"decimals": 7}]},
        "inspection_plans[0].characteristics[0]: key 'decimals': must be at most 6 (got 7)",
        id="too-many-decimals",
    ),
    pytest.param(
        FIRST | {"characteristics": [JOINTS, LOOKS | {"code": "JOINTS"}]},
        "inspection_plans[0]: characteristic codes must differ",
        id="characteristic-code-twice",
    ),
    pytest.param(
        FIRST | {"characteristics": []},
        "inspection_plans[0]: key 'characteristics': must not be empty (got [])",
        id="no-characteristics",
    ),
    pytest.param(
        _without(FIRST, "characteristics"),
        "inspection_plans[0]: key 'characteristics': missing",
        id="characteristics-left-out",
    ),
    pytest.param(
        FIRST | {"sample_size": 0},
        "inspection_plans[0]: key 'sample_size': must be more than 0 (got 0)",
        id="empty-sample",
    ),
    pytest.param(
        FIRST | {"aql": "1.0"},
        "inspection_plans[0]: only a final plan has an aql and a level",
        id="first-article-with-aql",
    ),
    pytest.param(
        FIRST | {"every_minutes": 30},
        "inspection_plans[0]: only a patrol plan has every_units or every_minutes",
        id="first-article-with-interval",
    ),
    pytest.param(
        PATROL | {"every_minutes": 30},
        "inspection_plans[0]: a patrol plan needs exactly one of every_units, every_minutes",
        id="patrol-with-both-intervals",
    ),
    pytest.param(
        _without(PATROL, "every_units"),
        "inspection_plans[0]: a patrol plan needs exactly one of every_units, every_minutes",
        id="patrol-without-interval",
    ),
    pytest.param(
        PATROL | {"level": "II"},
        "inspection_plans[0]: only a final plan has an aql and a level",
        id="patrol-with-level",
    ),
    pytest.param(
        FINAL | {"aql": "1.2"},
        f"inspection_plans[0]: key 'aql': must be one of {AQLS} (got '1.2')",
        id="final-with-other-aql",
    ),
    pytest.param(
        FINAL | {"aql": True},
        f"inspection_plans[0]: key 'aql': must be one of {AQLS} (got True)",
        id="final-with-aql-true",
    ),
    pytest.param(
        _without(FINAL, "aql"),
        "inspection_plans[0]: a final plan needs an aql",
        id="final-without-aql",
    ),
    pytest.param(
        FINAL | {"level": "IV"},
        "inspection_plans[0]: key 'level': must be one of S-1, S-2, S-3, S-4, I, II, III "
        "(got 'IV')",
        id="final-with-bad-level",
    ),
    pytest.param(
        FINAL | {"sample_size": 5},
        "inspection_plans[0]: a final plan has no sample_size: its sampling decides it",
        id="final-with-sample-size",
    ),
    pytest.param(
        FINAL | {"every_units": 100},
        "inspection_plans[0]: only a patrol plan has every_units or every_minutes",
        id="final-with-interval",
    ),
    pytest.param(
        PATROL | {"reduced_allowed": True},
        "inspection_plans[0]: only a final plan has reduced_allowed",
        id="patrol-allowing-reduced",
    ),
    pytest.param(
        FIRST | {"reduced_allowed": False},
        "inspection_plans[0]: only a final plan has reduced_allowed",
        id="first-article-with-reduced-allowed",
    ),
    pytest.param(
        FIRST | {"kind": "audit"},
        "inspection_plans[0]: key 'kind': must be one of first_article, patrol, final "
        "(got 'audit')",
        id="unknown-kind",
    ),
]


@pytest.mark.parametrize(("plan", "problem"), REFUSALS)
def test_a_bad_plan_is_refused_with_its_reason(plan: dict[str, Any], problem: str) -> None:
    with pytest.raises(ImportProblems) as excinfo:
        parse_import_json({"inspection_plans": [plan]})

    assert excinfo.value.problems == [problem]


def test_a_final_plan_may_allow_reduced_inspection(hub: Engine) -> None:
    document = quality_plant()
    document["inspection_plans"][2] |= {"reduced_allowed": True}

    import_json(hub, document)

    assert (stored(hub)[("inspection_plan", "FI-GW310")].data or {})["reduced_allowed"] is True


def test_a_qc_inspector_without_a_pin_is_refused(tmp_path: Path) -> None:
    inspector = {"employee_no": "213377", "name": "Grace Lin", "role": "qc_inspector",
                 "badge": "E1014"}  # fmt: skip
    with pytest.raises(ImportProblems) as excinfo:
        parse_import_json({"users": [inspector]})
    assert excinfo.value.problems == ["users[0]: a QC inspector signs dispositions and needs a PIN"]
    csv_file = tmp_path / "users.csv"
    csv_file.write_text(
        "employee_no,name,role,badge,pin\n213377,Grace Lin,qc_inspector,E1014,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportProblems) as excinfo:
        parse_import_file(csv_file)
    assert excinfo.value.problems == [
        "users.csv row 2: a QC inspector signs dispositions and needs a PIN"
    ]

    document = parse_import_json({"users": [inspector | {"pin": "2580"}]})
    assert document.users[0].value.pin == "2580"


def test_defects_must_be_defect_reasons_of_the_import_or_the_hub(hub: Engine) -> None:
    import_json(hub, {"reason_codes": [DEFECTS[0]]})
    before = stored(hub)
    document = plant()
    document["reason_codes"] = [
        {"kind": "scrap", "code": "SCRATCH", "name_zh": "划伤", "name_en": "Scratch"},
    ]
    document["inspection_plans"] = [
        plans()[0],
        plans()[1] | {"characteristics": [JOINTS | {"defects": ["BRIDGE", "SCRATCH"]}]},
        plans()[2] | {"item_code": "FG-NONE"},
    ]

    with pytest.raises(ImportProblems) as excinfo:
        import_json(hub, document)

    # BRIDGE is on the hub; MISSING is nowhere, SCRATCH only a scrap reason.
    assert excinfo.value.problems == [
        "inspection_plans[2]: key 'item_code': unknown item 'FG-NONE'",
        "inspection_plans[0].characteristics[1]: key 'defects[1]': unknown defect reason 'MISSING'",
        "inspection_plans[1].characteristics[0]: key 'defects[1]': unknown defect reason 'SCRATCH'",
    ]
    assert stored(hub) == before


def test_stations_receive_the_plans_and_their_defects(hub_db_url: str, tmp_path: Path) -> None:
    plant_ = make_plant(hub_db_url)
    apply_import(plant_.engine, parse_import_json(quality_plant()), NOW)
    tokens = {
        "ST-SMT": plant_.enrol("ST-SMT", "WC-SMT"),
        "ST-ASM": plant_.enrol("ST-ASM", "WC-ASM"),
    }
    stores = {sid: open_station(tmp_path, sid) for sid in tokens}
    with running_hub(hub_db_url, tmp_path) as server:
        for sid, store in stores.items():
            sync = client(store, server.url, tokens[sid])
            sync.sync_once()
            sync.close()

    on_hub = {key: row.data for key, row in stored(plant_.engine).items()}
    plant_.engine.dispose()
    for store in stores.values():
        with store.read() as session:
            held = {
                (r.entity, r.key): json.loads(r.data) for r in session.exec(select(ReferenceRecord))
            }
        for code in ("FA-GW310", "PT-GW310", "FI-GW310"):
            assert held[("inspection_plan", code)] == on_hub[("inspection_plan", code)]
        assert held[("reason_code", "defect:MISSING")]["name_en"] == "Missing part"
        first = held[("inspection_plan", "FA-GW310")]
        assert [c["kind"] for c in first["characteristics"]] == ["variable", "attribute"]
        assert held[("inspection_plan", "FI-GW310")]["aql"] == "1.0"
