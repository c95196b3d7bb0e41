"""Keyboard-wedge scanners: telling a scan from typing by how fast the keys come.

A wedge scanner "types" a whole code within milliseconds and ends it with Enter; a person
types one key every 100 ms or more. A burst of at least `min_length` characters, each
within `max_gap` seconds of the one before, ended by Enter within `max_gap`, is a scan.
"""

from __future__ import annotations


class WedgeDetector:
    def __init__(self, max_gap: float = 0.03, min_length: int = 4) -> None:
        self._max_gap = max_gap
        self._min_length = min_length
        self._burst: list[str] = []
        self._last = float("-inf")

    def character(self, char: str, now: float) -> None:
        """A printable character arrived at `now` (monotonic seconds)."""
        if now - self._last > self._max_gap:
            self._burst = []
        self._burst.append(char)
        self._last = now

    def enter(self, now: float) -> str | None:
        """Enter arrived: the scanned text if it ended a fast burst, else None (typing)."""
        fast = now - self._last <= self._max_gap
        text = "".join(self._burst)
        self._burst = []
        self._last = float("-inf")
        return text if fast and len(text) >= self._min_length else None

    def other_key(self) -> None:
        """A key that is neither a character nor Enter (arrows, F-keys) breaks a burst."""
        self._burst = []
        self._last = float("-inf")
