"""The `kiosk` command as a person runs it: real subprocesses, real files, no tracebacks."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.config import ShiftsSection, load_config
from kiosk.demo import prepare_demo
from kiosk.demo_data import DEMO_STATION_ID
from kiosk.services import open_services
from kiosk.shifts import shift_start
from kiosk.store.database import SCHEMA_HEAD, open_store
from kiosk.work import OperationStatus
from tests.conftest import write_config
from tests.fakes import FakeClock

SUBJECTS = ("config", "database", "scanner", "badge reader", "gauge", "printer", "hub")
# ...and one line per machine that takes programs, where kiosk.toml lists any.
CHECK_LINE = re.compile(
    r"^(OK|WARN|FAIL) +(" + "|".join(SUBJECTS) + r"|programs for \S+) +(.*)$",
)


def kiosk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m kiosk ARGS` in `cwd`, without any KIOSK_CONFIG from the caller."""
    env = {name: value for name, value in os.environ.items() if name != "KIOSK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def checks(stdout: str) -> dict[str, tuple[str, str]]:
    """`kiosk doctor` output as {subject: (verdict, detail)}; every check line must parse."""
    found: dict[str, tuple[str, str]] = {}
    for line in stdout.splitlines():
        if not line or line.startswith(" "):
            continue  # fix hints and continuation lines are indented
        match = CHECK_LINE.match(line)
        assert match, f"unexpected doctor line: {line!r}"
        verdict, subject, detail = match.groups()
        assert subject not in found, f"{subject} reported twice"
        found[subject] = (verdict, detail)
    return found


def hint_after(stdout: str, subject: str) -> str:
    """The '→ fix' line printed right under the check of `subject`."""
    lines = stdout.splitlines()
    index = next(
        n
        for n, line in enumerate(lines)
        if (match := CHECK_LINE.match(line)) and match.group(2) == subject
    )
    hint = lines[index + 1]
    assert hint.lstrip().startswith("→ "), hint
    return hint.strip()[2:]


def unsynced_events(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        count = conn.execute("SELECT count(*) FROM event WHERE synced_at IS NULL").fetchone()[0]
    assert isinstance(count, int)
    return count


def station_meta(db: Path, key: str) -> str:
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT value FROM station_meta WHERE key = ?", (key,)).fetchone()
    assert row is not None
    value = row[0]
    assert isinstance(value, str)
    return value


# --version and configuration errors ----------


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    result = kiosk("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"kiosk {__version__}"
    assert __version__ == "0.1.0"


def test_run_with_a_missing_config_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = kiosk("run", "--config", "missing.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert "missing.toml: file not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_run_reads_kiosk_toml_from_the_current_folder_by_default(tmp_path: Path) -> None:
    result = kiosk("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "kiosk.toml: file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_with_an_unknown_key_exits_2_and_names_it(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("[security]\n", "[security]\npin_rols = []\n"),
        encoding="utf-8",
    )
    result = kiosk("run", "--config", "kiosk.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("kiosk: configuration error\n")
    assert "unknown key 'security.pin_rols'" in result.stderr
    assert "Traceback" not in result.stderr


# doctor ----------


def test_doctor_on_a_good_new_config_warns_only_and_exits_0(tmp_path: Path) -> None:
    write_config(tmp_path)
    result = kiosk("doctor", "--config", "kiosk.toml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    found = checks(result.stdout)
    assert list(found) == list(SUBJECTS)
    assert found["config"] == ("OK", f"kiosk.toml ({DEMO_STATION_ID})")
    assert found["database"][0] == "WARN"
    assert found["database"][1].endswith("station.db does not exist yet")
    assert found["scanner"] == ("OK", "keyboard")
    assert found["badge reader"] == ("OK", "keyboard")
    assert found["printer"] == ("WARN", "no printer configured")
    assert found["hub"] == ("WARN", "no hub configured: the station runs standalone")
    assert hint_after(result.stdout, "hub") == (
        "Set [hub] url and token to sync with the central hub."
    )
    assert "Traceback" not in result.stderr
    # The doctor only looks: it does not create the database.
    assert not (tmp_path / "station.db").exists()


def test_doctor_on_a_broken_config_fails_and_names_the_key(tmp_path: Path) -> None:
    write_config(tmp_path, language='"klingon"')
    result = kiosk("doctor", "--config", "kiosk.toml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL  config ")
    assert "key 'station.language'" in result.stdout
    assert "(got 'klingon')" in result.stdout
    assert "→ Correct the file and run again." in result.stdout
    # Nothing else is checked against a config that could not be read.
    assert "database" not in result.stdout
    assert "Traceback" not in result.stderr


def test_doctor_on_a_missing_config_fails(tmp_path: Path) -> None:
    result = kiosk("doctor", "--config", "absent.toml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL  config        absent.toml: file not found.")
    assert "Traceback" not in result.stderr


def test_doctor_reports_a_missing_serial_scanner_with_the_fix(tmp_path: Path) -> None:
    port = tmp_path / "dev" / "ttyUSB-scanner"
    path = write_config(tmp_path)
    with path.open("a", encoding="utf-8") as file:
        file.write(f'\n[devices.scanner]\nkind = "serial"\nport = "{port.as_posix()}"\n')
    result = kiosk("doctor", "--config", "kiosk.toml", cwd=tmp_path)
    assert result.returncode == 1
    found = checks(result.stdout)
    assert found["scanner"] == ("FAIL", f"serial port '{port.as_posix()}' not found")
    assert hint_after(result.stdout, "scanner") == (
        "Plug the device in, or set its port (e.g. /dev/serial/by-id/...)."
    )
    assert found["badge reader"] == ("OK", "keyboard")
    assert "Traceback" not in result.stderr


def test_doctor_on_the_demo_database_reports_schema_and_unsynced_events(tmp_path: Path) -> None:
    config = prepare_demo(tmp_path / "demo", FakeClock())
    db = config.database.path
    pending = unsynced_events(db)
    assert pending > 0  # the demo shift has events waiting for a hub

    result = kiosk("doctor", "--config", "demo/kiosk.toml", cwd=tmp_path)
    verdict, detail = checks(result.stdout)["database"]
    assert verdict == "OK"
    assert f"schema {SCHEMA_HEAD}" in detail
    assert detail.endswith(f"journal wal, {pending} event(s) not yet synced")

    # Only unsent events are counted.
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE event SET synced_at = '2026-11-25 09:00:00' WHERE seq = 1")
    again = kiosk("doctor", "--config", "demo/kiosk.toml", cwd=tmp_path)
    assert checks(again.stdout)["database"][1].endswith(f"{pending - 1} event(s) not yet synced")


def test_doctor_refuses_a_database_of_another_station(tmp_path: Path) -> None:
    db = tmp_path / "station.db"
    open_store(db, "ST-OTHER-09", FakeClock()).close()
    write_config(tmp_path)
    result = kiosk("doctor", "--config", "kiosk.toml", cwd=tmp_path)
    assert result.returncode == 1
    verdict, detail = checks(result.stdout)["database"]
    assert verdict == "FAIL"
    assert detail == f"station.db belongs to station ST-OTHER-09, not {DEMO_STATION_ID}"
    assert hint_after(result.stdout, "database") == (
        "Point [database] path at this station's own file."
    )
    # ...and leaves that file as it was.
    assert station_meta(db, "station_id") == "ST-OTHER-09"


# prepare_demo, in process ----------


def test_prepare_demo_creates_a_config_and_a_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    config = prepare_demo(data_dir, FakeClock())
    assert (data_dir / "kiosk.toml").is_file()
    assert (data_dir / "station.db").is_file()
    assert (data_dir / "labels").is_dir()
    assert config == load_config(data_dir / "kiosk.toml")
    assert config.station.id == DEMO_STATION_ID
    assert config.database.path == data_dir / "station.db"
    assert station_meta(config.database.path, "station_id") == DEMO_STATION_ID


@pytest.mark.parametrize("minutes_into_shift", [0, 110, 300])
def test_the_demo_shift_is_seeded_whenever_a_shift_began(
    tmp_path: Path, minutes_into_shift: int
) -> None:
    """The seeded work starts two hours and 100 minutes back: a shift may begin between
    (110), or just now (0); each start finds its machines checked in its own shift."""
    clock = FakeClock()
    start = shift_start(clock.now(), ShiftsSection().starts)
    clock.set_wall(start + timedelta(minutes=minutes_into_shift))
    config = prepare_demo(tmp_path / "demo", clock)
    with closing(sqlite3.connect(config.database.path)) as conn:
        started = conn.execute(
            "SELECT count(*) FROM event WHERE type = 'operation.started'"
        ).fetchone()[0]
    assert started == 2


def test_prepare_demo_again_reuses_what_is_there(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    first = prepare_demo(data_dir, FakeClock())
    epoch = station_meta(first.database.path, "epoch")
    events = unsynced_events(first.database.path)
    config_file = data_dir / "kiosk.toml"
    edited = config_file.read_text(encoding="utf-8") + "# edited by hand\n"
    config_file.write_text(edited, encoding="utf-8")

    second = prepare_demo(data_dir, FakeClock())

    assert second == load_config(config_file)
    assert config_file.read_text(encoding="utf-8") == edited
    assert station_meta(second.database.path, "epoch") == epoch
    assert unsynced_events(second.database.path) == events


def test_prepare_demo_with_reset_starts_afresh(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    first = prepare_demo(data_dir, FakeClock())
    epoch = station_meta(first.database.path, "epoch")
    events = unsynced_events(first.database.path)
    config_file = data_dir / "kiosk.toml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8"
    )
    (data_dir / "labels" / "old-label.zpl").write_text("^XA^XZ", encoding="utf-8")

    again = prepare_demo(data_dir, FakeClock(), reset=True)

    assert "# edited by hand" not in config_file.read_text(encoding="utf-8")
    assert not (data_dir / "labels" / "old-label.zpl").exists()
    assert station_meta(again.database.path, "epoch") != epoch
    assert unsynced_events(again.database.path) == events


def test_prepare_demo_reseeds_a_deleted_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    first = prepare_demo(data_dir, FakeClock())
    epoch = station_meta(first.database.path, "epoch")
    for leftover in data_dir.glob("station.db*"):
        leftover.unlink()
    again = prepare_demo(data_dir, FakeClock())
    assert station_meta(again.database.path, "epoch") != epoch


def test_the_demo_shift_has_one_running_and_one_paused_operation(tmp_path: Path) -> None:
    clock = FakeClock()
    config = prepare_demo(tmp_path / "demo", clock)
    services = open_services(config, clock)
    try:
        tasks = services.tasks.open_tasks()
    finally:
        services.close()
    statuses = Counter(task.status for task in tasks)
    assert statuses[OperationStatus.RUNNING] == 1
    assert statuses[OperationStatus.PAUSED] == 1
    assert statuses[OperationStatus.PENDING] >= 1
    assert set(statuses) <= {
        OperationStatus.PENDING,
        OperationStatus.RUNNING,
        OperationStatus.PAUSED,
    }


def test_demo_reset_deletes_only_what_the_demo_made(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    mine = folder / "notes.txt"
    mine.write_text("keep me", encoding="utf-8")
    prepare_demo(folder, FakeClock())
    prepare_demo(folder, FakeClock(), reset=True)
    assert mine.read_text(encoding="utf-8") == "keep me"
    assert (folder / "station.db").exists()


def test_the_demo_printer_is_a_simulated_zpl_printer_keeping_labels(tmp_path: Path) -> None:
    import socket

    from devices.labels.transports import send_tcp
    from kiosk.demo import DEMO_PRINTER_PORT, start_demo_printer

    config = prepare_demo(tmp_path / "demo", FakeClock())
    assert config.devices.printer.kind == "zpl_tcp"
    # Whoever holds the usual port (another demo, a real service), the demo still prints.
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", DEMO_PRINTER_PORT))
        holder.listen()
    except OSError:
        pass  # already taken by something else: the same case
    try:
        printer, running = start_demo_printer(config)
    finally:
        holder.close()
    try:
        host, _, port = running.devices.printer.target.rpartition(":")
        assert (host, int(port)) == ("127.0.0.1", printer.port) != ("127.0.0.1", DEMO_PRINTER_PORT)
        send_tcp(host, int(port), b"^XA^FDdemo^FS^XZ", timeout=5)
        assert printer.wait_for_jobs(1, timeout=30) == [b"^XA^FDdemo^FS^XZ"]
        assert [p.read_bytes() for p in (tmp_path / "demo" / "labels").iterdir()] == [
            b"^XA^FDdemo^FS^XZ"
        ]
    finally:
        printer.stop()
