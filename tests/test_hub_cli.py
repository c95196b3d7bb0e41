"""`kiosk hub ...` and `kiosk sync` as an admin runs them: real processes, real files."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlmodel import select as sql_select

from kiosk.clock import SystemClock
from kiosk.demo_data import DEMO_STATION_ID
from kiosk.store.database import open_store
from kiosk.store.models import WorkOrder
from tests.conftest import write_config
from tests.hub_harness import (
    HubProcess,
    assert_exactly_once,
    client,
    make_plant,
    open_station,
    operation_records,
    running_hub,
    write_events_fast,
)
from tests.test_cli import kiosk
from tests.test_hub_import import plant as erp_document


def test_enrol_import_and_list_from_the_shell(tmp_path: Path) -> None:
    db = str(tmp_path / "hub.db")
    added = kiosk("hub", "add-station", "ST-9", "--work-center", "WC-SMT", "--db", db, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert len(token) >= 40 and token not in (tmp_path / "hub.db").read_bytes().decode("latin-1")
    again = kiosk("hub", "add-station", "ST-9", "--work-center", "WC-SMT", "--db", db, cwd=tmp_path)
    assert again.returncode == 1
    assert "already enrolled" in again.stderr and "Traceback" not in again.stderr
    (tmp_path / "plant.json").write_text(json.dumps(erp_document()), encoding="utf-8")
    imported = kiosk("hub", "import", "plant.json", "--db", db, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    total = int(imported.stdout.split()[0])
    assert f"importing: {total} of {total} rows" in imported.stderr
    (tmp_path / "users.csv").write_text("employee_no,name,role,badge\nE1,Ann,boss,B1\n")
    bad = kiosk("hub", "import", "users.csv", "--db", db, cwd=tmp_path)
    assert bad.returncode == 1
    assert "nothing imported" in bad.stderr and "users.csv row 2: key 'role'" in bad.stderr
    listed = kiosk("hub", "stations", "--db", db, cwd=tmp_path)
    assert json.loads(listed.stdout)[0]["work_centers"] == ["WC-SMT"]


def test_admin_api_imports_with_an_admin_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    with running_hub(url, tmp_path) as hub:
        headers = {"Authorization": f"Bearer {plant.admin_token}"}
        done = httpx.post(f"{hub.url}/v1/admin/import", json=erp_document(), headers=headers)
        bad = httpx.post(
            f"{hub.url}/v1/admin/import", json={"lots": [{"lot_no": "L"}]}, headers=headers
        )
    assert done.status_code == 200 and done.json()["changed"] > 0
    assert bad.status_code == 400
    assert "lots[0]" in bad.json()["detail"]


def test_station_killed_mid_push_resumes_without_loss_or_doubles(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol(DEMO_STATION_ID, "WC-SMT")
    plant.write(operation_records("WC-SMT", 2))
    station_dir = tmp_path / "station"
    station_dir.mkdir()
    store = open_station(station_dir, DEMO_STATION_ID)
    for _ in range(5):
        write_events_fast(store, 1000)
    store.close()
    (station_dir / f"{DEMO_STATION_ID}.db").rename(station_dir / "station.db")
    for suffix in ("-wal", "-shm"):
        (station_dir / f"{DEMO_STATION_ID}.db{suffix}").unlink(missing_ok=True)
    with running_hub(url, tmp_path) as hub:
        config = write_config(station_dir)
        config.write_text(
            config.read_text(encoding="utf-8")
            + f'\n[hub]\nurl = "{hub.url}"\ntoken = "{token}"\nbatch_size = 50\n',
            encoding="utf-8",
        )
        syncing = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "sync", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(plant.events(DEMO_STATION_ID)) < 500 and time.monotonic() < deadline:
            time.sleep(0.01)
        syncing.send_signal(signal.SIGKILL)  # mid-push: no goodbye, no cleanup
        syncing.wait()
        assert 0 < len(plant.events(DEMO_STATION_ID)) < 5000
        finished = kiosk("sync", "--once", "--config", str(config), cwd=station_dir)
    assert finished.returncode == 0, finished.stderr
    assert "pulled" in finished.stdout
    restarted = open_store(station_dir / "station.db", DEMO_STATION_ID, SystemClock())
    assert_exactly_once(plant, restarted)


def _children(pid: int) -> set[int]:
    """Live processes whose parent is `pid`, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def test_serve_with_workers_serves_stations_from_every_process(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    stations = {sid: plant.enrol(sid, "WC-A") for sid in ("ST-1", "ST-2", "ST-3", "ST-4")}
    plant.write(operation_records("WC-A", 3))
    hub = HubProcess(hub_db_url, tmp_path / "hub.log", workers=2).start()
    try:
        # Each worker is a process of its own, answering on the one port.
        assert len(_children(hub.pid)) >= 2
        stores = {sid: open_station(tmp_path, sid) for sid in stations}
        for round_ in range(3):
            for sid, store in stores.items():
                write_events_fast(store, 40)
                sync = client(store, hub.url, stations[sid], batch_size=15)
                report = sync.sync_once()
                sync.close()
                assert report.pushed == 40 and not report.blocked
            plant.write(operation_records("WC-A", 1, prefix=f"R{round_}"))
        for sid, store in stores.items():
            sync = client(store, hub.url, stations[sid])
            sync.sync_once()
            sync.close()
            assert_exactly_once(plant, store)
            with store.read() as session:
                numbers = set(session.exec(sql_select(WorkOrder.number)))
            assert {"R0-WC-A-0", "R1-WC-A-0", "R2-WC-A-0"} <= numbers
        workers = _children(hub.pid)
        hub.stop()
        # SIGTERM to the parent ends the workers with it.
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in workers):
            assert time.monotonic() < deadline, "a worker outlived the hub"
            time.sleep(0.05)
    finally:
        hub.kill()
