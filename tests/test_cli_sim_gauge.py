"""`kiosk sim gauge`: a simulated measuring gauge that the station's real reader reads."""

from __future__ import annotations

import queue
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from devices.gauge import parse_gauge_line
from devices.scan import DeviceState, Scan
from devices.serial_reader import SerialReader
from kiosk.device_names import GAUGE
from tests.test_cli_sim import unplug


def start_sim(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sim", "gauge", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_lines_typed_into_the_simulator_arrive_as_gauge_readings(tmp_path: Path) -> None:
    link = tmp_path / "by-id" / "gauge"
    sim = start_sim("--link", str(link), "--suffix", "crlf")
    assert sim.stdin is not None and sim.stdout is not None
    try:
        assert str(link) in sim.stdout.readline()  # printed once the port exists
        scans: queue.Queue[Scan] = queue.Queue()
        states: queue.Queue[DeviceState] = queue.Queue()
        reader = SerialReader(
            link, source=GAUGE, on_scan=scans.put, on_state=states.put, suffix="crlf"
        )
        reader.start()
        try:
            assert states.get(timeout=30) is DeviceState.CONNECTED
            sim.stdin.write("01A+00012.345\n+0.4860 in\n")
            sim.stdin.flush()
            first, second = scans.get(timeout=30), scans.get(timeout=30)
            assert (first.source, first.raw) == ("gauge", b"01A+00012.345")
            assert parse_gauge_line(first.raw).value == Decimal("12.345")
            reading = parse_gauge_line(second.raw)
            assert (reading.value, reading.unit) == (Decimal("0.4860"), "in")
            unplug(sim, link, states)
        finally:
            reader.stop()
    finally:
        if sim.poll() is None:
            sim.kill()
        sim.stdout.close()


def test_without_a_link_the_gauge_appears_in_the_demo_folder(tmp_path: Path) -> None:
    sim = start_sim("--data-dir", str(tmp_path))
    assert sim.stdin is not None and sim.stdout is not None
    try:
        line = sim.stdout.readline()
        assert line.startswith(f"gauge simulator on {tmp_path / 'gauge.tty'}:")
        assert (tmp_path / "gauge.tty").is_symlink()
        sim.stdin.close()
        assert sim.wait(timeout=30) == 0
        assert not (tmp_path / "gauge.tty").is_symlink()
    finally:
        if sim.poll() is None:
            sim.kill()
        sim.stdout.close()
