"""The serial reader on real pseudo-terminals, reached through a by-id style symlink."""

from __future__ import annotations

import fcntl
import logging
import os
import pty
import queue
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devices.backoff import Backoff
from devices.scan import DeviceState, Scan
from devices.serial_reader import SerialReader

WAIT = 2.0  # the longest any test waits for something that should happen at once
AT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


class Device:
    """A pseudo-terminal standing in for a USB serial scanner: we write on the master side."""

    def __init__(self) -> None:
        self.master, self.slave = pty.openpty()
        self.path = os.ttyname(self.slave)
        self.plugged = True

    def send(self, *chunks: bytes) -> None:
        for chunk in chunks:
            os.write(self.master, chunk)

    def unplug(self) -> None:
        if self.plugged:
            self.plugged = False
            os.close(self.master)
            os.close(self.slave)


class Recorder:
    def __init__(self) -> None:
        self.scans: queue.Queue[Scan] = queue.Queue()
        self.states: queue.Queue[DeviceState] = queue.Queue()

    def scan(self) -> Scan:
        return self.scans.get(timeout=WAIT)

    def state(self) -> DeviceState:
        return self.states.get(timeout=WAIT)


@pytest.fixture
def link(tmp_path: Path) -> Path:
    (tmp_path / "by-id").mkdir()
    return tmp_path / "by-id" / "usb-scanner"


def plug(link: Path, device: Device) -> None:
    # Replace the link in one step, as udev does: the reader never sees a half-made one.
    fresh = link.with_name(link.name + ".new")
    fresh.symlink_to(device.path)
    fresh.replace(link)


@pytest.fixture
def devices() -> Iterator[list[Device]]:
    made: list[Device] = []
    yield made
    for device in made:
        device.unplug()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def readers() -> Iterator[list[SerialReader]]:
    made: list[SerialReader] = []
    yield made
    for reader in made:
        reader.stop()


def new_reader(
    readers: list[SerialReader],
    link: Path,
    recorder: Recorder,
    *,
    suffix: str = "cr",
    gap_seconds: float = 0.05,
    monotonic: Callable[[], float] = time.monotonic,
) -> SerialReader:
    reader = SerialReader(
        link,
        source="scanner",
        on_scan=recorder.scans.put,
        on_state=recorder.states.put,
        suffix=suffix,
        gap_seconds=gap_seconds,
        backoff=Backoff(base=0.005, cap=0.02),
        wall=lambda: AT,
        monotonic=monotonic,
    )
    readers.append(reader)
    reader.start()
    return reader


def new_device(devices: list[Device], link: Path) -> Device:
    device = Device()
    devices.append(device)
    plug(link, device)
    return device


def test_scans_arrive_whole_however_the_bytes_are_chunked(
    link: Path, devices: list[Device], recorder: Recorder, readers: list[SerialReader]
) -> None:
    device = new_device(devices, link)
    new_reader(readers, link, recorder, monotonic=lambda: 42.0)
    assert recorder.state() is DeviceState.CONNECTED

    device.send(*(bytes([byte]) for byte in b"]C1010950123456789017\x1d10LOT-7\r"))
    assert recorder.scan() == Scan(
        raw=b"]C1010950123456789017\x1d10LOT-7",
        text="010950123456789017\x1d10LOT-7",
        symbology="]C1",
        source="scanner",
        received_at=AT,
        received_mono=42.0,
    )

    device.send(b"SN-1\rSN-2\r]Q1SN-3\r")
    scans = [recorder.scan() for _ in range(3)]
    assert [(scan.raw, scan.text, scan.symbology) for scan in scans] == [
        (b"SN-1", "SN-1", None),
        (b"SN-2", "SN-2", None),
        (b"]Q1SN-3", "SN-3", "]Q1"),
    ]

    device.send(b"SN-4")
    with pytest.raises(queue.Empty):  # half a read is never delivered
        recorder.scans.get(timeout=0.1)
    device.send(b"2\rSN-", b"43\r")
    assert [recorder.scan().text, recorder.scan().text] == ["SN-42", "SN-43"]


def test_a_device_without_suffix_ends_reads_with_a_silence(
    link: Path, devices: list[Device], recorder: Recorder, readers: list[SerialReader]
) -> None:
    device = new_device(devices, link)
    new_reader(readers, link, recorder, suffix="none", gap_seconds=0.03)
    assert recorder.state() is DeviceState.CONNECTED
    device.send(b"E10", b"01")
    assert recorder.scan().raw == b"E1001"


def test_unplug_and_replug_reconnects_by_itself(
    link: Path, devices: list[Device], recorder: Recorder, readers: list[SerialReader]
) -> None:
    first = new_device(devices, link)
    new_reader(readers, link, recorder)
    assert recorder.state() is DeviceState.CONNECTED
    first.send(b"SN-1\r")
    assert recorder.scan().text == "SN-1"

    first.send(b"SN-cut-sh")  # the cable is pulled in the middle of a read
    first.unplug()
    assert recorder.state() is DeviceState.RECONNECTING

    second = new_device(devices, link)
    assert recorder.state() is DeviceState.CONNECTED
    second.send(b"ort\rSN-2\r")
    # What was cut by the unplug is dropped: "ort" arrives as its own (unknown) read.
    assert [recorder.scan().text, recorder.scan().text] == ["ort", "SN-2"]
    assert recorder.states.empty()


def test_a_vanished_port_path_counts_as_unplugged(
    link: Path, devices: list[Device], recorder: Recorder, readers: list[SerialReader]
) -> None:
    device = new_device(devices, link)
    new_reader(readers, link, recorder)
    assert recorder.state() is DeviceState.CONNECTED
    link.unlink()  # udev removes the by-id link while the tty still answers
    assert recorder.state() is DeviceState.RECONNECTING
    plug(link, device)
    assert recorder.state() is DeviceState.CONNECTED
    device.send(b"SN-7\r")
    assert recorder.scan().text == "SN-7"


def test_a_port_missing_at_start_is_absent_until_plugged_in(
    link: Path, devices: list[Device], recorder: Recorder, readers: list[SerialReader]
) -> None:
    new_reader(readers, link, recorder)
    assert recorder.state() is DeviceState.ABSENT
    with pytest.raises(queue.Empty):  # retrying reports nothing new while nothing changes
        recorder.states.get(timeout=0.1)
    device = new_device(devices, link)
    assert recorder.state() is DeviceState.CONNECTED
    device.send(b"04A2B3C4D5\r\n")
    assert recorder.scan().raw == b"04A2B3C4D5"


def test_a_port_held_by_another_reader_is_not_shared(
    link: Path, devices: list[Device], readers: list[SerialReader]
) -> None:
    new_device(devices, link)
    owner, intruder = Recorder(), Recorder()
    new_reader(readers, link, owner)
    assert owner.state() is DeviceState.CONNECTED
    new_reader(readers, link, intruder)
    assert intruder.state() is DeviceState.RECONNECTING


def test_stop_is_prompt_idempotent_and_releases_the_port(
    link: Path, devices: list[Device], recorder: Recorder, readers: list[SerialReader]
) -> None:
    device = new_device(devices, link)
    reader = new_reader(readers, link, recorder)
    assert recorder.state() is DeviceState.CONNECTED
    started = time.monotonic()
    reader.stop()
    reader.stop()
    assert time.monotonic() - started < 0.5
    # The reader held an exclusive lock on the port: taking it proves the port was closed.
    fd = os.open(link, os.O_RDWR | os.O_NOCTTY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    device.send(b"SN-late\r")
    with pytest.raises(queue.Empty):
        recorder.scans.get(timeout=0.1)


def test_stop_does_not_wait_out_a_backoff(
    link: Path, recorder: Recorder, readers: list[SerialReader]
) -> None:
    reader = SerialReader(
        link,
        source="scanner",
        on_scan=recorder.scans.put,
        on_state=recorder.states.put,
        backoff=Backoff(base=30, cap=30, random=lambda: 0.99),
    )
    readers.append(reader)
    reader.start()
    assert recorder.state() is DeviceState.ABSENT
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 0.5


def test_stop_before_start_does_nothing(link: Path, recorder: Recorder) -> None:
    reader = SerialReader(
        link, source="scanner", on_scan=recorder.scans.put, on_state=recorder.states.put
    )
    reader.stop()
    assert recorder.states.empty()


def test_a_failing_handler_does_not_stop_the_reader(
    link: Path,
    devices: list[Device],
    readers: list[SerialReader],
    caplog: pytest.LogCaptureFixture,
) -> None:
    device = new_device(devices, link)
    recorder = Recorder()

    def on_scan(scan: Scan) -> None:
        if scan.text == "boom":
            raise RuntimeError("handler bug")
        recorder.scans.put(scan)

    reader = SerialReader(
        link,
        source="scanner",
        on_scan=on_scan,
        on_state=recorder.states.put,
    )
    readers.append(reader)
    with caplog.at_level(logging.ERROR, logger="devices.serial_reader"):
        reader.start()
        assert recorder.state() is DeviceState.CONNECTED
        device.send(b"boom\rSN-9\r")
        assert recorder.scan().text == "SN-9"
    assert "on_scan failed" in caplog.text


def test_backoff_grows_exponentially_to_its_cap_with_full_jitter() -> None:
    draws = iter([0.5, 0.5, 0.5, 0.5, 0.5, 0.999, 0.0, 0.5])
    backoff = Backoff(base=0.1, cap=2.0, random=lambda: next(draws))
    delays = [backoff.next_delay() for _ in range(7)]
    assert delays == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8, 1.998, 0.0])
    backoff.reset()
    assert backoff.next_delay() == pytest.approx(0.05)
