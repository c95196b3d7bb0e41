"""A measuring gauge: its lines parsed into readings, and read from a real pseudo-terminal
through the station's serial reader, started from the configuration."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest

from devices.gauge import GaugeLineError, GaugeProblem, GaugeReading, parse_gauge_line
from devices.scan import DeviceState, Scan
from devices.serial_reader import SerialReader
from devices.simulator import SerialSimulator
from kiosk.config import DevicesSection, GaugeDevice
from kiosk.device_names import GAUGE
from kiosk.station_devices import start_readers
from tests.fakes import FakeClock

WAIT = 2.0  # the longest any test waits for something that should happen at once

Suffix = Literal["cr", "lf", "crlf"]


# Parsing ----------


@pytest.mark.parametrize(
    ("line", "value", "unit"),
    [
        # Plain numbers: the unit is the instrument's own.
        (b"12.345", "12.345", None),
        (b"-0.012", "-0.012", None),
        (b"+012.345", "12.345", None),
        (b"7", "7", None),
        (b".5", "0.5", None),
        (b"  -  3.456  ", "-3.456", None),  # padded with spaces, as fixed-width outputs are
        # With a unit, with or without a space, in any case.
        (b"12.345 mm", "12.345", "mm"),
        (b"0.4860 in", "0.4860", "in"),
        (b"0.4860 inch", "0.4860", "in"),
        (b'0.4860"', "0.4860", "in"),
        (b"12.345 MM", "12.345", "mm"),
        (b"3.2 um", "3.2", "µm"),
        (b"3.2 \xb5m", "3.2", "µm"),  # the micro sign in Latin-1
        ("3.2 µm".encode(), "3.2", "µm"),  # ... and in UTF-8
        ("3.2 μm".encode(), "3.2", "µm"),  # the Greek mu some firmwares send instead
        # Sylvac and Mahr: a sign, the value and the unit run together.
        (b"+12.345mm", "12.345", "mm"),
        (b"-0.0125in", "-0.0125", "in"),
        # ... and their tolerance mode's verdict after the value, which is dropped.
        (b"+012.345=", "12.345", None),
        (b"12.345 mm >", "12.345", "mm"),
        (b"-0.012<", "-0.012", None),
        # Mitutoyo RS-232: code and channel, "A", sign, zero-padded value.
        (b"01A+00012.345", "12.345", None),
        (b"01A+0000.123", "0.123", None),
        (b"01A-00.12345", "-0.12345", None),
        (b"02A+000.1234", "0.1234", None),
    ],
)
def test_each_supported_format_gives_the_value_and_unit(
    line: bytes, value: str, unit: str | None
) -> None:
    reading = parse_gauge_line(line)
    assert reading.value == Decimal(value)
    assert str(reading.value) == value  # the digits as sent, not just an equal number
    assert reading.unit == unit


def test_the_raw_line_is_kept_as_sent() -> None:
    assert parse_gauge_line(b" 01A+00012.345 ") == GaugeReading(
        Decimal("12.345"), None, " 01A+00012.345 "
    )


def test_trailing_zeros_keep_the_gauges_resolution() -> None:
    reading = parse_gauge_line(b"12.340 mm")
    assert str(reading.value) == "12.340"
    assert reading.value.as_tuple().exponent == -3


def test_a_reading_exactly_at_a_limit_compares_exactly() -> None:
    # In binary floating point 0.1 + 0.2 exceeds 0.3; the readings must not.
    first, second = parse_gauge_line(b"0.1"), parse_gauge_line(b"0.2")
    assert first.value + second.value == parse_gauge_line(b"0.3").value


def test_a_negative_zero_is_zero() -> None:
    reading = parse_gauge_line(b"-0.000 mm")
    assert str(reading.value) == "0.000"
    assert reading.raw == "-0.000 mm"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b"", GaugeProblem.EMPTY),
        (b"   ", GaugeProblem.EMPTY),
        (b"Error", GaugeProblem.NOT_A_NUMBER),  # Magnescale, Sylvac on a fault
        (b"ERR6", GaugeProblem.NOT_A_NUMBER),  # Mahr Millimar: feature switched off
        (b"-F0.0000", GaugeProblem.NOT_A_NUMBER),  # an overflow marked in the digits
        (b"1.2.3", GaugeProblem.NOT_A_NUMBER),
        (b"12,345", GaugeProblem.NOT_A_NUMBER),  # a comma is never taken for the point
        (b"1e5", GaugeProblem.NOT_A_NUMBER),
        (b"nan", GaugeProblem.NOT_A_NUMBER),
        (b"5.", GaugeProblem.NOT_A_NUMBER),
        (b"+-5", GaugeProblem.NOT_A_NUMBER),
        (b"01A+", GaugeProblem.NOT_A_NUMBER),
        (b"01A00012.345", GaugeProblem.NOT_A_NUMBER),  # Mitutoyo always sends the sign
        (b"12.345 mm mm", GaugeProblem.NOT_A_NUMBER),
        (b"12.345 kg", GaugeProblem.UNKNOWN_UNIT),
        (b"12.345 cm", GaugeProblem.UNKNOWN_UNIT),
        (b"\xff\xfe\x1f", GaugeProblem.GARBLED),  # what a wrong baud rate looks like
        (b"12.3\x0045", GaugeProblem.GARBLED),
        (b"12.345\t mm", GaugeProblem.GARBLED),
    ],
)
def test_a_line_that_is_not_a_reading_names_the_problem(line: bytes, problem: GaugeProblem) -> None:
    with pytest.raises(GaugeLineError) as info:
        parse_gauge_line(line)
    error = info.value
    assert error.problem is problem
    assert error.raw == line.decode("latin-1")
    assert str(error) == f"{error.detail} (got {error.raw!r})"


def test_the_messages_say_what_is_wrong() -> None:
    messages = {}
    for line in (b"", b"ERR6", b"12.345 kg", b"\xff\xfe"):
        with pytest.raises(GaugeLineError) as info:
            parse_gauge_line(line)
        messages[line] = str(info.value)
    assert messages == {
        b"": "an empty line (got '')",
        b"ERR6": "not a reading in a format the station knows (got 'ERR6')",
        b"12.345 kg": "unit 'kg' is not one of mm, in, µm (got '12.345 kg')",
        b"\xff\xfe": "unreadable characters: check the gauge's baud rate (got 'ÿþ')",
    }


# Reading from a serial port ----------


class Recorder:
    def __init__(self) -> None:
        self.scans: queue.Queue[Scan] = queue.Queue()
        self.states: queue.Queue[tuple[str, DeviceState]] = queue.Queue()

    def on_state(self, name: str, state: DeviceState) -> None:
        self.states.put((name, state))

    def scan(self) -> Scan:
        return self.scans.get(timeout=WAIT)

    def state(self) -> tuple[str, DeviceState]:
        return self.states.get(timeout=WAIT)


@pytest.fixture
def link(tmp_path: Path) -> Path:
    return tmp_path / "by-id" / "usb-Mitutoyo_USB-ITN"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def readers() -> Iterator[list[SerialReader]]:
    started: list[SerialReader] = []
    yield started
    for reader in started:
        reader.stop()


@pytest.fixture
def gauges() -> Iterator[list[SerialSimulator]]:
    plugged: list[SerialSimulator] = []
    yield plugged
    for gauge in plugged:
        gauge.close()


def start_gauge_reader(
    readers: list[SerialReader], recorder: Recorder, link: Path, suffix: Suffix = "cr"
) -> None:
    """The station's readers for a config whose only serial device is a gauge on `link`."""
    devices = DevicesSection(gauge=GaugeDevice(kind="serial", port=str(link), suffix=suffix))
    started = start_readers(devices, FakeClock(), recorder.scans.put, recorder.on_state)
    readers.extend(started)
    assert len(started) == 1


def test_no_gauge_is_read_unless_configured(
    readers: list[SerialReader], recorder: Recorder
) -> None:
    assert DevicesSection().gauge.kind == "none"
    readers.extend(
        start_readers(DevicesSection(), FakeClock(), recorder.scans.put, recorder.on_state)
    )
    assert readers == []


@pytest.mark.parametrize("suffix", ["cr", "lf", "crlf"])
def test_lines_sent_by_the_gauge_arrive_as_frames_from_the_gauge(
    link: Path,
    gauges: list[SerialSimulator],
    readers: list[SerialReader],
    recorder: Recorder,
    suffix: Suffix,
) -> None:
    gauge = SerialSimulator(link, suffix)
    gauges.append(gauge)
    start_gauge_reader(readers, recorder, link, suffix)
    assert recorder.state() == (GAUGE, DeviceState.CONNECTED)

    for line in (b"01A+00012.345", b"+12.350mm", b"ERR6"):
        gauge.send(line)
    scans = [recorder.scan() for _ in range(3)]
    assert {scan.source for scan in scans} == {"gauge"}
    assert [scan.raw for scan in scans] == [b"01A+00012.345", b"+12.350mm", b"ERR6"]
    first, second = (parse_gauge_line(scan.raw) for scan in scans[:2])
    assert (first.value, first.unit) == (Decimal("12.345"), None)
    assert (second.value, second.unit) == (Decimal("12.350"), "mm")
    with pytest.raises(GaugeLineError):  # delivered all the same: the screen says why
        parse_gauge_line(scans[2].raw)


def test_unplugging_the_gauge_is_reported_and_replugging_reads_again(
    link: Path, gauges: list[SerialSimulator], readers: list[SerialReader], recorder: Recorder
) -> None:
    first = SerialSimulator(link)
    gauges.append(first)
    start_gauge_reader(readers, recorder, link)
    assert recorder.state() == (GAUGE, DeviceState.CONNECTED)
    first.send(b"1.000")
    assert recorder.scan().raw == b"1.000"

    gauges.remove(first)
    first.close()  # the cable is pulled: its port vanishes
    assert recorder.state() == (GAUGE, DeviceState.RECONNECTING)

    second = SerialSimulator(link)
    gauges.append(second)
    assert recorder.state() == (GAUGE, DeviceState.CONNECTED)
    second.send(b"2.000")
    assert recorder.scan().raw == b"2.000"
    assert recorder.states.empty()


def test_a_gauge_not_plugged_in_at_start_is_absent(
    link: Path, readers: list[SerialReader], recorder: Recorder
) -> None:
    start_gauge_reader(readers, recorder, link)
    assert recorder.state() == (GAUGE, DeviceState.ABSENT)
