"""Getting label bytes to printers: raw TCP against the printer simulator, a serial pty, a drop
folder, and CUPS through stand-in `lp` scripts. Every failure is one PrinterUnavailable."""

from __future__ import annotations

import os
import pty
import socket
import time
from datetime import date
from pathlib import Path

import pytest

from devices.labels.templates import LabelSize, ProductLabel
from devices.labels.transports import (
    PrinterUnavailable,
    save_to_folder,
    send_cups,
    send_serial,
    send_tcp,
)
from devices.labels.zpl import render_zpl
from devices.printer_sim import PrinterSimulator

WAIT = 2.0  # the longest any test waits for something that should happen at once
ZPL = render_zpl(
    ProductLabel("P-100", "电机外壳", "SN0001234567", "WO-42", date(2026, 11, 25)),
    LabelSize(60, 40),
)


def test_zpl_sent_over_tcp_arrives_byte_identical_one_connection_one_job() -> None:
    big = bytes(range(256)) * 40_000  # larger than the socket buffers
    with PrinterSimulator() as printer:
        send_tcp("127.0.0.1", printer.port, ZPL, timeout=WAIT)
        send_tcp("127.0.0.1", printer.port, big, timeout=WAIT)
        assert printer.wait_for_jobs(2, WAIT) == [ZPL, big]


def test_an_offline_printer_is_unavailable_and_takes_the_retry_when_back() -> None:
    with PrinterSimulator() as printer:
        port = printer.port
        printer.go_offline()
        with pytest.raises(PrinterUnavailable, match=f"127.0.0.1:{port}: Connection refused"):
            send_tcp("127.0.0.1", port, ZPL, timeout=WAIT)

        printer.go_online()
        assert printer.port == port
        send_tcp("127.0.0.1", port, ZPL, timeout=WAIT)
        assert printer.wait_for_jobs(1, WAIT) == [ZPL]


def test_a_printer_that_stops_reading_times_out() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never accepts or reads
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(PrinterUnavailable, match="timed out"):
            send_tcp("127.0.0.1", port, b"x" * 64_000_000, timeout=0.2)
        assert time.monotonic() - started < WAIT


def test_the_simulator_saves_each_job_to_its_folder(tmp_path: Path) -> None:
    with PrinterSimulator(folder=tmp_path) as printer:
        for _ in range(2):
            send_tcp("127.0.0.1", printer.port, ZPL, timeout=WAIT)
        printer.wait_for_jobs(2, WAIT)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job-00001.prn", "job-00002.prn"]
    assert (tmp_path / "job-00002.prn").read_bytes() == ZPL


def test_serial_sends_the_job_down_the_line() -> None:
    master, slave = pty.openpty()
    try:
        send_serial(os.ttyname(slave), 9600, ZPL, timeout=WAIT)
        received = b""
        while len(received) < len(ZPL):
            received += os.read(master, 65536)
        assert received == ZPL
    finally:
        os.close(master)
        os.close(slave)


def test_a_missing_serial_port_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable, match=r"printer on .*ttyPRINTER"):
        send_serial(tmp_path / "ttyPRINTER", 9600, ZPL, timeout=WAIT)


def test_a_folder_job_is_written_whole(tmp_path: Path) -> None:
    path = save_to_folder(tmp_path, "label.zpl", ZPL)
    assert path == tmp_path / "label.zpl"
    assert path.read_bytes() == ZPL
    assert [p.name for p in tmp_path.iterdir()] == ["label.zpl"]  # no temporary file left


def test_a_failed_folder_job_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "label.zpl").write_bytes(b"old")

    def disk_full(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(PrinterUnavailable, match="No space left on device"):
        save_to_folder(tmp_path, "label.zpl", ZPL)
    assert [p.name for p in tmp_path.iterdir()] == ["label.zpl"]
    assert (tmp_path / "label.zpl").read_bytes() == b"old"


def test_a_missing_folder_is_unavailable_and_not_created(tmp_path: Path) -> None:
    share = tmp_path / "unmounted-share"
    with pytest.raises(PrinterUnavailable, match="unmounted-share: No such file or directory"):
        save_to_folder(share, "label.zpl", ZPL)
    assert not share.exists()


@pytest.mark.parametrize("name", ["", ".", "..", "../label.zpl", "sub/label.zpl"])
def test_a_folder_job_name_must_be_a_plain_file_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        save_to_folder(tmp_path, name, ZPL)


def fake_lp(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An `lp` on a PATH of its own, in place of the CUPS client."""
    lp = folder / "lp"
    lp.write_text(f"#!/bin/sh\n{script}\n")
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


def test_without_lp_cups_is_unavailable_with_a_clear_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterUnavailable, match="`lp` is not installed"):
        send_cups("zebra", ZPL, timeout=WAIT)


def test_cups_gets_the_job_on_stdin_for_the_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_lp(tmp_path, f'echo "$@" > {tmp_path}/args; /bin/cat > {tmp_path}/job', monkeypatch)
    send_cups("zebra", ZPL, timeout=WAIT, raw=True)
    assert (tmp_path / "args").read_text() == "-d zebra -o raw\n"
    assert (tmp_path / "job").read_bytes() == ZPL


def test_an_lp_error_is_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_lp(tmp_path, 'echo "lp: The printer or class does not exist." >&2; exit 1', monkeypatch)
    with pytest.raises(PrinterUnavailable, match="zebra: lp: The printer or class does not exist"):
        send_cups("zebra", ZPL, timeout=WAIT)


def test_an_lp_that_hangs_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_lp(tmp_path, "exec /bin/sleep 10", monkeypatch)
    with pytest.raises(PrinterUnavailable, match=r"no answer in 0\.2 s"):
        send_cups("zebra", ZPL, timeout=0.2)
