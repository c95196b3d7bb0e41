"""Test doubles that are real enough to trust: a clock you can move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """Wall time and monotonic time move separately, as they do on a real machine."""

    def __init__(self, start: datetime | None = None, boot: str = "boot-1") -> None:
        self.wall = start or datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
        self.mono = 1000.0
        self.boot = boot

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def boot_id(self) -> str:
        return self.boot

    def advance(self, seconds: float) -> None:
        """Time passes: both clocks move."""
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds

    def set_wall(self, wall: datetime) -> None:
        """Someone changes the system clock: only wall time jumps."""
        self.wall = wall

    def reboot(self, boot: str, downtime: float) -> None:
        """The machine restarts: a new boot id, monotonic time starts again."""
        self.wall += timedelta(seconds=downtime)
        self.mono = 5.0
        self.boot = boot
