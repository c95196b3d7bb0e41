"""The injectable clock: wall time for records, monotonic time for durations."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

_BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
_MONOTONIC = getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC)


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall time, timezone-aware UTC: when something happened."""

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps; comparable only within one boot."""

    def boot_id(self) -> str:
        """Identifies the current boot, so monotonic readings are compared only within it."""


class SystemClock:
    def __init__(self) -> None:
        try:
            self._boot_id = _BOOT_ID_FILE.read_text().strip()
        except OSError:
            # Without a boot id every process counts as a new boot: durations then fall
            # back to wall time across restarts, which is still correct without clock jumps.
            self._boot_id = f"process-{time.time_ns()}"

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        # CLOCK_BOOTTIME keeps counting while a handheld sleeps (CLOCK_MONOTONIC does not),
        # so a suspended terminal wakes up signed out and timers include the pause.
        return time.clock_gettime(_MONOTONIC)

    def boot_id(self) -> str:
        return self._boot_id
