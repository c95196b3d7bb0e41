"""Time in each equipment state, from the machine's state changes.

Each change records the wall time, a monotonic reading and the boot. Within one boot, spans
are measured on the monotonic clock, so a wall-clock change (NTP, someone setting the time)
never makes a span negative or counts it twice. Across a reboot only wall time is
comparable; a negative difference counts as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.clock import Clock


@dataclass(frozen=True)
class StateMark:
    state: str
    changed_at: datetime
    mono_ns: int
    boot_id: str


@dataclass(frozen=True)
class StateTimes:
    """Seconds in each state since the window began, and the window's length so far."""

    seconds: dict[str, float]
    window_seconds: float

    def share(self, state: str) -> float:
        """The window's share spent in `state` (0 when the window has not begun)."""
        if self.window_seconds <= 0:
            return 0.0
        return min(1.0, self.seconds.get(state, 0.0) / self.window_seconds)


def time_in_states(marks: Sequence[StateMark], since: datetime, clock: Clock) -> StateTimes:
    """Fold `marks` (in the order they happened; include the last one before `since`, which
    tells the state the window began in) into seconds per state from `since` until now.

    The window's start is placed on this boot's monotonic clock by the wall reading of the
    mark of this boot nearest to it (the clocks' relation as it was around the shift's
    start), or as of now without one: a clock set back or forward since then moves no span,
    shortens no window, and makes nothing negative."""
    now_mono = clock.monotonic()
    boot = clock.boot_id()
    ours = [mark for mark in marks if mark.boot_id == boot]
    if ours:
        anchor = min(ours, key=lambda mark: abs((mark.changed_at - since).total_seconds()))
        since_mono = anchor.mono_ns / 1e9 - (anchor.changed_at - since).total_seconds()
    else:
        since_mono = now_mono - (clock.now() - since).total_seconds()
    window = max(0.0, now_mono - since_mono)

    def position(mark: StateMark) -> float:
        """Seconds after the window began: on the monotonic clock for this boot's marks,
        by wall time for an earlier boot's."""
        if mark.boot_id == boot:
            return mark.mono_ns / 1e9 - since_mono
        return (mark.changed_at - since).total_seconds()

    seconds: dict[str, float] = {}
    for index, mark in enumerate(marks):
        following = marks[index + 1] if index + 1 < len(marks) else None
        start = position(mark)
        end = window if following is None else max(start, position(following))
        span = min(end, window) - max(start, 0.0)
        if span > 0:
            seconds[mark.state] = seconds.get(mark.state, 0.0) + span
    return StateTimes(seconds, window)
