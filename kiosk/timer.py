"""Operation timers derived from the events, immune to wall-clock changes.

Each event carries the wall time, a monotonic reading and the boot it was read in. Two
readings of the same boot are compared on the monotonic clock (a clock change between them
does not matter); across a reboot only wall time is comparable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kiosk.clock import Clock

STARTED = "operation.started"
PAUSED = "operation.paused"
RESUMED = "operation.resumed"
TIMER_EVENTS = (STARTED, PAUSED, RESUMED)


@dataclass(frozen=True)
class Mark:
    type: str
    occurred_at: datetime
    mono_ns: int
    boot_id: str


@dataclass(frozen=True)
class OperationTimer:
    """Time worked so far; `running_since` is on this process's monotonic clock."""

    accumulated: float
    running_since: float | None

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def elapsed(self, monotonic_now: float) -> float:
        if self.running_since is None:
            return self.accumulated
        return self.accumulated + max(0.0, monotonic_now - self.running_since)


def seconds_between(a: Mark, b: Mark) -> float:
    """Seconds from `a` to `b`: monotonic within a boot, wall time across boots, never
    negative."""
    if a.boot_id and a.boot_id == b.boot_id:
        return max(0.0, (b.mono_ns - a.mono_ns) / 1e9)
    return max(0.0, (b.occurred_at - a.occurred_at).total_seconds())


def timer_from(marks: Iterable[Mark], clock: Clock) -> OperationTimer:
    """Fold start/pause/resume marks (in order) into a timer as of now."""
    accumulated = 0.0
    open_mark: Mark | None = None
    for mark in marks:
        if mark.type in (STARTED, RESUMED):
            open_mark = open_mark or mark
        elif mark.type == PAUSED and open_mark is not None:
            accumulated += seconds_between(open_mark, mark)
            open_mark = None
    if open_mark is None:
        return OperationTimer(accumulated, None)
    now_mono = clock.monotonic()
    if open_mark.boot_id and open_mark.boot_id == clock.boot_id():
        since = open_mark.mono_ns / 1e9
    else:
        since = now_mono - max(0.0, (clock.now() - open_mark.occurred_at).total_seconds())
    return OperationTimer(accumulated, since)
