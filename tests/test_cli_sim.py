"""`kiosk sim`: a simulated serial device that the real reader reads."""

from __future__ import annotations

import queue
import subprocess
import sys
import time
from pathlib import Path

from devices.scan import DeviceState, Scan
from devices.serial_reader import SerialReader


def unplug(sim: subprocess.Popen[str], link: Path, states: queue.Queue[DeviceState]) -> None:
    """Ctrl+D in a simulator: it exits, its port goes, and the reader says it lost it."""
    assert sim.stdin is not None
    sim.stdin.close()
    assert sim.wait(timeout=30) == 0
    deadline = time.monotonic() + 30
    while link.is_symlink() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not link.is_symlink()
    assert states.get(timeout=30) is DeviceState.RECONNECTING


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
            assert states.get(timeout=30) is DeviceState.CONNECTED
            sim.stdin.write("]C10109506000134352<GS>10LOT42\n#K:LOGOUT\n")
            sim.stdin.flush()
            first, second = scans.get(timeout=30), scans.get(timeout=30)
            assert (first.symbology, first.text) == ("]C1", "0109506000134352\x1d10LOT42")
            assert second.text == "#K:LOGOUT"
            unplug(sim, link, states)
        finally:
            reader.stop()
    finally:
        if sim.poll() is None:
            sim.kill()
        sim.stdout.close()


def test_the_printer_simulator_takes_zpl_over_tcp(tmp_path: Path) -> None:
    import signal
    import socket

    from devices.labels.transports import send_tcp

    with socket.socket() as probe:  # a free loopback port for the simulator
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sim",
            "printer",
            "--port",
            str(port),
            "--folder",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sim.stdout is not None
    try:
        assert f"127.0.0.1:{port}" in sim.stdout.readline()
        send_tcp("127.0.0.1", port, b"^XA^FDhello^FS^XZ", timeout=5)
        assert sim.stdout.readline().startswith("job 1: 17 bytes")
        assert [p.read_bytes() for p in tmp_path.iterdir()] == [b"^XA^FDhello^FS^XZ"]
        sim.send_signal(signal.SIGINT)
        assert sim.wait(timeout=30) == 0
    finally:
        if sim.poll() is None:
            sim.kill()
        sim.stdout.close()
