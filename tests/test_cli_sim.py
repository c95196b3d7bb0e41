"""`kiosk sim`: a simulated serial device that the real reader reads."""

from __future__ import annotations

import queue
import subprocess
import sys
import time
from pathlib import Path

from devices.scan import DeviceState, Scan
from devices.serial_reader import SerialReader


def test_lines_typed_into_the_simulator_arrive_as_scans(tmp_path: Path) -> None:
    link = tmp_path / "by-id" / "scanner"
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sim", "scanner", "--link", str(link)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sim.stdin is not None and sim.stdout is not None
    try:
        assert str(link) in sim.stdout.readline()  # printed once the port exists
        scans: queue.Queue[Scan] = queue.Queue()
        states: queue.Queue[DeviceState] = queue.Queue()
        reader = SerialReader(link, source="scanner", on_scan=scans.put, on_state=states.put)
        reader.start()
        try:
            assert states.get(timeout=5) is DeviceState.CONNECTED
            sim.stdin.write("]C10109506000134352<GS>10LOT42\n#K:LOGOUT\n")
            sim.stdin.flush()
            first, second = scans.get(timeout=5), scans.get(timeout=5)
            assert (first.symbology, first.text) == ("]C1", "0109506000134352\x1d10LOT42")
            assert second.text == "#K:LOGOUT"
            sim.stdin.close()  # Ctrl+D: the device is unplugged
            assert sim.wait(timeout=5) == 0
            deadline = time.monotonic() + 5
            while link.is_symlink() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert not link.is_symlink()
            assert states.get(timeout=5) is DeviceState.RECONNECTING
        finally:
            reader.stop()
    finally:
        if sim.poll() is None:
            sim.kill()
        sim.stdout.close()
