"""Idle detection for automatic logout, on the monotonic clock."""

from __future__ import annotations

from kiosk.clock import Clock


class IdleWatch:
    def __init__(self, clock: Clock, limit_seconds: float) -> None:
        self._clock = clock
        self._limit = limit_seconds
        self._last = clock.monotonic()

    def touch(self) -> None:
        """The person did something: restart the idle count."""
        self._last = self._clock.monotonic()

    def remaining(self) -> float:
        return max(0.0, self._limit - (self._clock.monotonic() - self._last))

    def expired(self) -> bool:
        return self.remaining() <= 0.0
