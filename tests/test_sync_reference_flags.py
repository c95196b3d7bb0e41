"""Routing flags and reason codes imported at the hub reach a station's store by sync."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from hub.importer import apply_import, parse_import_json
from kiosk.store.database import Store
from kiosk.store.models import Operation, ReferenceRecord
from tests.hub_harness import client, make_plant, open_station, running_hub

WO = "WO-2611-0031"


def plant(assembly_binds: bool) -> dict[str, Any]:
    return {
        "work_centers": [{"code": "WC-SMT", "name": "SMT"}, {"code": "WC-ASM", "name": "总装"}],
        "items": [{"code": "FG-GW310", "description": "GW-310 gateway"}],
        "work_orders": [
            {
                "number": WO,
                "item_code": "FG-GW310",
                "qty_planned": 20,
                "due_date": "2026-12-01",
                "operations": [
                    {"seq": 10, "name": "SMT", "work_center": "WC-SMT", "binds_serials": True},
                    {
                        "seq": 30,
                        "name": "Assembly",
                        "work_center": "WC-ASM",
                        "binds_serials": assembly_binds,
                        "needs_previous_op": True,
                    },
                    {"seq": 40, "name": "Pack", "work_center": "WC-ASM"},
                ],
            }
        ],
        "reason_codes": [
            {"kind": "scrap", "code": "SC01", "name_zh": "焊接不良", "name_en": "Bad solder"}
        ],
    }


def station_view(store: Store) -> tuple[dict[int, tuple[bool, bool]], list[tuple[str, Any]]]:
    """(seq -> (binds_serials, needs_previous_op)) of its operations; its reason codes."""
    with store.read() as session:
        operations = session.exec(select(Operation)).all()
        reasons = session.exec(
            select(ReferenceRecord).where(col(ReferenceRecord.entity) == "reason_code")
        ).all()
        return (
            {op.seq: (op.binds_serials, op.needs_previous_op) for op in operations},
            [(r.key, json.loads(r.data)) for r in reasons],
        )


def test_imported_routing_flags_and_reason_codes_reach_the_station(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    hub_plant = make_plant(url)
    token = hub_plant.enrol("ST-ASM-01", "WC-ASM")
    apply_import(hub_plant.engine, parse_import_json(plant(True)), datetime.now(UTC))
    store = open_station(tmp_path, "ST-ASM-01")

    with running_hub(url, tmp_path) as hub:
        sync = client(store, hub.url, token)
        sync.sync_once()
        first = station_view(store)
        apply_import(hub_plant.engine, parse_import_json(plant(False)), datetime.now(UTC))
        sync.sync_once()
        sync.close()

    # The assembly station has its own operations only, and every station the plant's reasons.
    reasons = [
        (
            "scrap:SC01",
            {"kind": "scrap", "code": "SC01", "name_zh": "焊接不良", "name_en": "Bad solder"},
        )
    ]
    assert first == ({30: (True, True), 40: (False, False)}, reasons)
    # A flag changed at the hub changes on the station's row at the next sync.
    assert station_view(store) == ({30: (False, True), 40: (False, False)}, reasons)
