"""The station's serial scanner and badge reader, started from kiosk.toml.

The app owns the returned readers (one process per station owns its ports); their
callbacks run on the reader threads.
"""

from __future__ import annotations

from collections.abc import Callable

from devices.scan import DeviceState, Scan
from devices.serial_reader import SerialReader
from kiosk.clock import Clock
from kiosk.config import DevicesSection
from kiosk.device_names import BADGE_READER, SCANNER


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

        def state(new: DeviceState, name: str = name) -> None:
            on_state(name, new)

        reader = SerialReader(
            device.port,
            source=name,
            on_scan=on_scan,
            on_state=state,
            baud=device.baud,
            suffix=device.suffix,
            gap_seconds=device.gap_ms / 1000,
            wall=clock.now,
            monotonic=clock.monotonic,
        )
        reader.start()
        readers.append(reader)
    return readers
