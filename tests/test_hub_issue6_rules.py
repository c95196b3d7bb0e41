"""The hub's rules on machines, maintenance orders and machine programs (NC), pushed by real
stations to a real hub on loopback: a machine is kept by the first station the hub hears
about it from, maintenance steps need their order's opening, programs must be the hub's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hub.nc_files import checksum
from hub.records import Record
from kiosk.store.database import Store
from sync.station_state import sync_issues
from tests.hub_harness import (
    Plant,
    client,
    make_plant,
    open_station,
    operation_records,
    running_hub,
    write_events,
)

Verdicts = list[tuple[str, str, str, str]]


def _machines(plant: Plant) -> None:
    """SMT1-PNP at WC-A, OVEN-B at WC-B."""
    plant.write(
        [
            Record("work_center", "WC-A", ("WC-A",), {"code": "WC-A", "name": "SMT"}),
            Record("work_center", "WC-B", ("WC-B",), {"code": "WC-B", "name": "Reflow"}),
            Record(
                "equipment",
                "SMT1-PNP",
                ("WC-A",),
                {"code": "SMT1-PNP", "name": "Placer", "work_center": "WC-A", "kind": "smt"},
            ),
            Record(
                "equipment",
                "OVEN-B",
                ("WC-B",),
                {"code": "OVEN-B", "name": "Oven", "work_center": "WC-B", "kind": "oven"},
            ),
        ]
    )


def _push(hub_url: str, store: Store, token: str) -> None:
    sync = client(store, hub_url, token)
    sync.push_pending()
    sync.close()


def _verdicts(plant: Plant, station_id: str, field: str) -> Verdicts:
    """(type, the payload's `field`, status, reason) of the station's events on the hub."""
    return [
        (row.type, json.loads(row.payload)[field], row.status, row.reason)
        for row in plant.events(station_id)
    ]


def _state(store: Store, equipment: str, state: str) -> None:
    write_events(store, 1, "equipment.state_changed", equipment=equipment, state=state)


def test_a_machine_is_kept_by_the_first_station_others_are_flagged(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    _machines(plant)
    centers = {"ST-01": "WC-A", "ST-02": "WC-A", "ST-03": "WC-B"}
    tokens = {sid: plant.enrol(sid, center) for sid, center in centers.items()}
    stores = {sid: open_station(tmp_path, sid) for sid in centers}
    _state(stores["ST-01"], "SMT1-PNP", "running")
    write_events(
        stores["ST-01"], 1, "equipment.checked", check_id="c-1", equipment="SMT1-PNP",
        shift_start="2026-11-25T06:00:00+08:00", passed=True,
    )  # fmt: skip
    # ST-02 serves the same line and records the same machine; OVEN-B is on a line it does
    # not serve; NEW-1 is a machine the hub has not heard of yet.
    _state(stores["ST-02"], "SMT1-PNP", "down")
    write_events(
        stores["ST-02"], 1, "equipment.check_released", check_id="c-2", equipment="SMT1-PNP",
        approved_by="lead-1",
    )  # fmt: skip
    _state(stores["ST-02"], "OVEN-B", "running")
    _state(stores["ST-02"], "NEW-1", "running")
    _state(stores["ST-03"], "OVEN-B", "running")
    with running_hub(hub_db_url, tmp_path) as hub:
        for sid in ("ST-01", "ST-02", "ST-03"):
            _push(hub.url, stores[sid], tokens[sid])
        # The keeper's later events are its own; the machine ST-02 came to first is ST-02's.
        _state(stores["ST-01"], "SMT1-PNP", "idle")
        _state(stores["ST-01"], "NEW-1", "down")
        _push(hub.url, stores["ST-01"], tokens["ST-01"])
    kept = "equipment_kept_elsewhere"
    assert _verdicts(plant, "ST-01", "equipment") == [
        ("equipment.state_changed", "SMT1-PNP", "accepted", ""),
        ("equipment.checked", "SMT1-PNP", "accepted", ""),
        ("equipment.state_changed", "SMT1-PNP", "accepted", ""),
        ("equipment.state_changed", "NEW-1", "flagged", kept),
    ]
    assert _verdicts(plant, "ST-02", "equipment") == [
        ("equipment.state_changed", "SMT1-PNP", "flagged", kept),
        ("equipment.check_released", "SMT1-PNP", "flagged", kept),
        ("equipment.state_changed", "OVEN-B", "rejected", "work_center_not_served"),
        ("equipment.state_changed", "NEW-1", "accepted", ""),
    ]
    # ST-02's refused event did not make it OVEN-B's keeper.
    assert _verdicts(plant, "ST-03", "equipment") == [
        ("equipment.state_changed", "OVEN-B", "accepted", "")
    ]
    details = {(i.type, i.status, i.detail) for i in sync_issues(stores["ST-02"])}
    assert details == {
        (
            "equipment.state_changed",
            "flagged",
            "machine SMT1-PNP is kept by station ST-01; what ST-02 records of it is not seen there",
        ),
        (
            "equipment.check_released",
            "flagged",
            "machine SMT1-PNP is kept by station ST-01; what ST-02 records of it is not seen there",
        ),
        (
            "equipment.state_changed",
            "rejected",
            "machine OVEN-B is at WC-B, which station ST-02 does not serve",
        ),
    }


def _open(store: Store, order: str, equipment: str = "SMT1-PNP") -> None:
    write_events(
        store, 1, "maintenance.opened", maintenance_order=order, number=f"M-{order}",
        kind="breakdown", equipment=equipment,
    )  # fmt: skip


def _done(store: Store, order: str) -> None:
    write_events(
        store, 1, "maintenance.done", maintenance_order=order, cause="worn nozzle",
        actions="replaced", labour_seconds=1800.0,
    )  # fmt: skip


def _confirm(store: Store, order: str) -> None:
    write_events(store, 1, "maintenance.confirmed", maintenance_order=order, confirmed_by="lead")


def test_maintenance_steps_without_an_opening_on_the_hub_are_flagged(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    _machines(plant)
    tokens = {"ST-01": plant.enrol("ST-01", "WC-A"), "ST-03": plant.enrol("ST-03", "WC-B")}
    first, other = open_station(tmp_path, "ST-01"), open_station(tmp_path, "ST-03")
    _confirm(first, "MWO-0")  # never opened anywhere
    # Opened, taken on and done in one batch: the opening counts before the hub has it.
    _open(first, "MWO-1")
    write_events(first, 1, "maintenance.claimed", maintenance_order="MWO-1")
    _done(first, "MWO-1")
    # ST-03 may not open an order on a machine of WC-A: refused, that opening counts for
    # nothing, not even in its own batch. Taking on ST-01's order is still first come.
    _open(other, "MWO-9")
    _confirm(other, "MWO-9")
    write_events(other, 1, "maintenance.claimed", maintenance_order="MWO-1")
    with running_hub(hub_db_url, tmp_path) as hub:
        _push(hub.url, first, tokens["ST-01"])
        _push(hub.url, other, tokens["ST-03"])
        _confirm(first, "MWO-1")  # opened in an earlier batch
        write_events(first, 1, "maintenance.claimed", maintenance_order="MWO-0")
        _push(hub.url, first, tokens["ST-01"])
    not_opened = "maintenance_not_opened"
    assert _verdicts(plant, "ST-01", "maintenance_order") == [
        ("maintenance.confirmed", "MWO-0", "flagged", not_opened),
        ("maintenance.opened", "MWO-1", "accepted", ""),
        ("maintenance.claimed", "MWO-1", "accepted", ""),
        ("maintenance.done", "MWO-1", "accepted", ""),
        ("maintenance.confirmed", "MWO-1", "accepted", ""),
        ("maintenance.claimed", "MWO-0", "flagged", not_opened),
    ]
    assert _verdicts(plant, "ST-03", "maintenance_order") == [
        ("maintenance.opened", "MWO-9", "rejected", "work_center_not_served"),
        ("maintenance.confirmed", "MWO-9", "flagged", not_opened),
        ("maintenance.claimed", "MWO-1", "rejected", "taken"),
    ]
    [issue] = [i for i in sync_issues(first) if i.type == "maintenance.confirmed"]
    assert issue.detail == "the hub never saw maintenance order MWO-0 opened"


def _transfer(store: Store, version: int, checksum: str, outcome: str, **more: Any) -> None:
    write_events(
        store, 1, "nc.transferred", equipment="SMT1-PNP", program="P-100", version=version,
        checksum=checksum, target="nc", outcome=outcome, operation_id="op-WO-WC-A-0-1", **more,
    )  # fmt: skip


def test_machine_programs_the_hub_does_not_have_are_flagged(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    body = "O100\nG0 X0 Y0\nM30\n"
    good, other = checksum(body), checksum(body + "M99\n")
    program = {"code": "P-100", "version": 2, "file_name": "p100.nc", "checksum": good}
    plant.write(
        [
            *operation_records("WC-A", 1),
            Record("nc_program", "P-100:2", (), program | {"body": body}),
        ]
    )
    token = plant.enrol("ST-01", "WC-A")
    store = open_station(tmp_path, "ST-01")
    _transfer(store, 2, good, "sent")
    _transfer(store, 3, good, "sent")  # a version the hub never had
    _transfer(store, 2, other, "interrupted")  # other content under the hub's version
    # Nothing reached the machine: refused before sending, or the device layer failed.
    _transfer(store, 3, good, "nc_version_old")
    _transfer(store, 2, other, "failed", detail="port closed")
    with running_hub(hub_db_url, tmp_path) as hub:
        _push(hub.url, store, token)
    verdicts = [
        (payload["version"], payload["outcome"], row.status, row.reason, row.detail)
        for row in plant.events("ST-01")
        for payload in [json.loads(row.payload)]
    ]
    assert verdicts == [
        (2, "sent", "accepted", "", ""),
        (
            3,
            "sent",
            "flagged",
            "nc_program_unknown",
            "machine program P-100 version 3 (sent to SMT1-PNP) is not on the hub",
        ),
        (
            2,
            "interrupted",
            "flagged",
            "nc_checksum_differs",
            f"machine program P-100 version 2 (interrupted to SMT1-PNP) has checksum {other}; "
            f"the hub's is {good}",
        ),
        (3, "nc_version_old", "accepted", "", ""),
        (2, "failed", "accepted", "", ""),
    ]
