"""`kiosk doctor` checks that need a real folder, socket or HTTP server, run in process."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from kiosk.demo import prepare_demo
from kiosk.demo_data import DEMO_STATION_ID, DEMO_WORK_CENTERS
from kiosk.doctor import Check, Verdict, diagnose
from kiosk.store.database import SCHEMA_HEAD
from tests.conftest import write_config
from tests.fakes import FakeClock
from tests.hub_harness import Plant, make_plant, running_hub


def config_with(folder: Path, extra: str) -> Path:
    """The conftest station config with `extra` TOML sections appended."""
    path = write_config(folder)
    with path.open("a", encoding="utf-8") as file:
        file.write("\n" + extra)
    return path


def check_of(path: Path, subject: str) -> Check:
    checks = diagnose(path)
    found = [check for check in checks if check.subject == subject]
    assert len(found) == 1, checks
    return found[0]


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert isinstance(port, int)
    return port


# Printer: folder ----------


def test_a_writable_label_folder_is_ok(tmp_path: Path) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    path = config_with(tmp_path, f'[devices.printer]\nkind = "folder"\ntarget = "{labels}"\n')
    assert check_of(path, "printer") == Check("printer", Verdict.OK, f"labels saved to {labels}")


def test_a_missing_label_folder_fails_with_a_fix(tmp_path: Path) -> None:
    labels = tmp_path / "labels"
    path = config_with(tmp_path, f'[devices.printer]\nkind = "folder"\ntarget = "{labels}"\n')
    check = check_of(path, "printer")
    assert check.verdict is Verdict.FAIL
    assert check.detail == f"folder '{labels}' is not writable"
    assert check.fix == "Create it or change [devices.printer] target."
    assert not labels.exists()  # the doctor does not create it either


def test_a_label_folder_that_is_a_file_fails(tmp_path: Path) -> None:
    labels = tmp_path / "labels"
    labels.write_text("not a folder", encoding="utf-8")
    path = config_with(tmp_path, f'[devices.printer]\nkind = "folder"\ntarget = "{labels}"\n')
    assert check_of(path, "printer").verdict is Verdict.FAIL


def test_a_relative_label_folder_is_found_from_any_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    station = tmp_path / "station"
    station.mkdir()
    (station / "labels").mkdir()
    path = config_with(station, '[devices.printer]\nkind = "folder"\ntarget = "labels"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert check_of(path, "printer").verdict is Verdict.OK


# Printer: ZPL over TCP ----------


def test_a_zpl_printer_that_accepts_connections_is_ok(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        target = f"127.0.0.1:{listener.getsockname()[1]}"
        path = config_with(tmp_path, f'[devices.printer]\nkind = "zpl_tcp"\ntarget = "{target}"\n')
        check = check_of(path, "printer")
    assert check == Check("printer", Verdict.OK, f"label printer {target} answers")


def test_a_zpl_printer_on_a_closed_port_fails(tmp_path: Path) -> None:
    target = f"127.0.0.1:{free_port()}"
    path = config_with(tmp_path, f'[devices.printer]\nkind = "zpl_tcp"\ntarget = "{target}"\n')
    check = check_of(path, "printer")
    assert check.verdict is Verdict.FAIL
    assert check.detail.startswith(f"label printer {target}: ")
    assert check.fix == "Check that it is on, cabled, and that target is host:port."


def test_a_zpl_target_with_a_bad_port_fails_instead_of_crashing(tmp_path: Path) -> None:
    path = config_with(tmp_path, '[devices.printer]\nkind = "zpl_tcp"\ntarget = "127.0.0.1:lp"\n')
    check = check_of(path, "printer")
    assert check.verdict is Verdict.FAIL
    assert check.detail.startswith("label printer 127.0.0.1:lp: ")


# Hub ----------


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Plant]]:
    """A real hub process on loopback with the demo station enrolled for one work center."""
    folder = tmp_path_factory.mktemp("hub")
    url = f"sqlite:///{folder / 'hub.db'}"
    plant = make_plant(url)
    with running_hub(url, folder) as process:
        yield process.url, plant


def test_a_hub_that_knows_the_station_is_ok(tmp_path: Path, hub: tuple[str, Plant]) -> None:
    url, plant = hub
    token = plant.enrol("ST-OK", *DEMO_WORK_CENTERS)
    path = config_with(tmp_path, f'[hub]\nurl = "{url}/"\ntoken = "{token}"\n')
    path.write_text(path.read_text().replace(f'id = "{DEMO_STATION_ID}"', 'id = "ST-OK"'))
    check = check_of(path, "hub")
    assert check == Check("hub", Verdict.OK, f"{url} knows ST-OK (WC-ASM, WC-SMT)")


def test_a_station_enrolled_for_fewer_work_centers_is_warned(
    tmp_path: Path, hub: tuple[str, Plant]
) -> None:
    url, plant = hub
    token = plant.enrol(DEMO_STATION_ID, "WC-SMT")
    path = config_with(tmp_path, f'[hub]\nurl = "{url}"\ntoken = "{token}"\n')
    check = check_of(path, "hub")
    assert check.verdict is Verdict.WARN
    assert check.detail == "the hub serves this station for WC-SMT, not WC-ASM"


def test_a_token_the_hub_does_not_know_fails(tmp_path: Path, hub: tuple[str, Plant]) -> None:
    url, _plant = hub
    path = config_with(tmp_path, f'[hub]\nurl = "{url}"\ntoken = "not-issued"\n')
    check = check_of(path, "hub")
    assert check.verdict is Verdict.FAIL
    assert check.detail.startswith(f"{url} refuses this station: a station token is needed")
    assert "kiosk hub add-station" in check.fix


def test_another_stations_token_fails(tmp_path: Path, hub: tuple[str, Plant]) -> None:
    url, plant = hub
    token = plant.enrol("ST-OTHER", "WC-SMT")
    path = config_with(tmp_path, f'[hub]\nurl = "{url}"\ntoken = "{token}"\n')
    check = check_of(path, "hub")
    assert check.verdict is Verdict.FAIL
    assert check.detail == f"the token is station ST-OTHER's, not {DEMO_STATION_ID}'s"


def test_a_hub_on_a_closed_port_fails_and_says_the_station_works_offline(
    tmp_path: Path,
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    path = config_with(tmp_path, f'[hub]\nurl = "{url}"\ntimeout_seconds = 2\n')
    check = check_of(path, "hub")
    assert check.verdict is Verdict.FAIL
    assert check.detail.startswith(f"{url} does not answer (ConnectError")
    assert "keeps working offline" in check.fix


# Serial devices ----------


def test_a_serial_badge_reader_on_an_existing_port_is_ok(tmp_path: Path) -> None:
    port = tmp_path / "ttyACM0"
    port.touch()
    path = config_with(
        tmp_path, f'[devices.badge_reader]\nkind = "serial"\nport = "{port}"\nbaud = 19200\n'
    )
    assert check_of(path, "badge reader") == Check(
        "badge reader", Verdict.OK, f"serial {port} at 19200 baud"
    )


def test_a_serial_scanner_without_a_port_fails(tmp_path: Path) -> None:
    path = config_with(tmp_path, '[devices.scanner]\nkind = "serial"\n')
    check = check_of(path, "scanner")
    assert check.verdict is Verdict.FAIL
    assert check.detail == "serial port '' not found"


# Database ----------


def test_a_database_that_is_not_sqlite_fails(tmp_path: Path) -> None:
    (tmp_path / "station.db").write_bytes(b"this is not a database" * 100)
    check = check_of(write_config(tmp_path), "database")
    assert check.verdict is Verdict.FAIL
    assert check.detail.startswith(f"{tmp_path / 'station.db'}: ")
    assert check.fix == "Restore the file from backup, or move it aside to start afresh."


def test_an_older_schema_is_a_warning_that_run_upgrades(tmp_path: Path) -> None:
    config = prepare_demo(tmp_path, FakeClock())
    with closing(sqlite3.connect(config.database.path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    check = check_of(tmp_path / "kiosk.toml", "database")
    assert check.verdict is Verdict.WARN
    assert "schema 0001" in check.detail
    assert check.fix == f"It is upgraded to schema {SCHEMA_HEAD} at the next `kiosk run`."


def test_a_database_in_a_new_subfolder_is_a_warning(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('"station.db"', '"data/db/station.db"'),
        encoding="utf-8",
    )
    check = check_of(path, "database")
    assert check.verdict is Verdict.WARN
    assert check.detail == f"{tmp_path / 'data' / 'db' / 'station.db'} does not exist yet"
    assert not (tmp_path / "data").exists()


def test_a_database_in_a_folder_with_a_hash_is_read(tmp_path: Path) -> None:
    prepare_demo(tmp_path / "line#2", FakeClock())
    check = check_of(tmp_path / "line#2" / "kiosk.toml", "database")
    assert not (tmp_path / "line").exists()
    assert check.verdict is Verdict.OK


# Machine programs ----------


def test_a_program_folder_and_a_dnc_port_that_are_there_are_ok(tmp_path: Path) -> None:
    (tmp_path / "nc").mkdir()
    port = tmp_path / "ttyUSB3"
    port.touch()
    path = config_with(
        tmp_path,
        '[[nc.machines]]\nequipment = "SMT1-PNP"\nkind = "folder"\ntarget = "nc"\n'
        f'[[nc.machines]]\nequipment = "CNC-01"\nkind = "serial"\ntarget = "{port}"\n',
    )
    assert check_of(path, "programs for SMT1-PNP") == Check(
        "programs for SMT1-PNP", Verdict.OK, f"written into {tmp_path / 'nc'}"
    )
    assert check_of(path, "programs for CNC-01") == Check(
        "programs for CNC-01", Verdict.OK, f"serial DNC {port} at 9600 baud"
    )


def test_a_missing_program_folder_or_dnc_port_fails_with_a_fix(tmp_path: Path) -> None:
    path = config_with(
        tmp_path,
        '[[nc.machines]]\nequipment = "SMT1-PNP"\nkind = "folder"\ntarget = "nc"\n'
        '[[nc.machines]]\nequipment = "CNC-01"\nkind = "serial"\ntarget = "/dev/ttyNONE9"\n',
    )
    folder = check_of(path, "programs for SMT1-PNP")
    assert folder.verdict is Verdict.FAIL and "not there or not writable" in folder.detail
    port = check_of(path, "programs for CNC-01")
    assert (port.verdict, port.detail) == (Verdict.FAIL, "serial port '/dev/ttyNONE9' not found")
    assert "DNC cable" in port.fix
