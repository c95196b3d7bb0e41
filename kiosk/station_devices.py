"""The station's serial scanner, badge reader and measuring gauge, started from kiosk.toml.

The app owns the returned readers (one process per station owns its ports); their
callbacks run on the reader threads.
"""

from __future__ import annotations

from collections.abc import Callable

from devices.scan import DeviceState, Scan
from devices.serial_reader import SerialReader
from kiosk.clock import Clock
from kiosk.config import DevicesSection
from kiosk.device_names import BADGE_READER, GAUGE, SCANNER


def start_readers(
    devices: DevicesSection,
    clock: Clock,
    on_scan: Callable[[Scan], None],
    on_state: Callable[[str, DeviceState], None],
) -> list[SerialReader]:
    readers = []
    for name, device in ((SCANNER, devices.scanner), (BADGE_READER, devices.badge_reader)):
        if device.kind != "serial":
            continue  # keyboard wedges type into the terminal itself
        reader = _serial_reader(
            name,
            device.port,
            device.baud,
            device.suffix,
            clock,
            on_scan,
            on_state,
            gap_seconds=device.gap_ms / 1000,
        )
        readers.append(reader)
    gauge = devices.gauge
    if gauge.kind == "serial":
        # A gauge ends every reading with its suffix: no silence gap to configure.
        readers.append(
            _serial_reader(GAUGE, gauge.port, gauge.baud, gauge.suffix, clock, on_scan, on_state)
        )
    return readers


def _serial_reader(
    name: str,
    port: str,
    baud: int,
    suffix: str,
    clock: Clock,
    on_scan: Callable[[Scan], None],
    on_state: Callable[[str, DeviceState], None],
    gap_seconds: float = 0.05,
) -> SerialReader:
    def state(new: DeviceState) -> None:
        on_state(name, new)

    reader = SerialReader(
        port,
        source=name,
        on_scan=on_scan,
        on_state=state,
        baud=baud,
        suffix=suffix,
        gap_seconds=gap_seconds,
        wall=clock.now,
        monotonic=clock.monotonic,
    )
    reader.start()
    return reader
