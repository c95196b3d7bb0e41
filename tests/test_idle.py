from __future__ import annotations

from datetime import timedelta

from kiosk.idle import IdleWatch
from tests.fakes import FakeClock


def test_idle_counts_on_the_monotonic_clock() -> None:
    clock = FakeClock()
    watch = IdleWatch(clock, 60)
    clock.advance(59)
    assert not watch.expired() and watch.remaining() == 1
    watch.touch()
    clock.advance(59)
    assert not watch.expired()
    # A wall-clock jump forward (NTP, a technician) does not sign anybody out.
    clock.set_wall(clock.wall + timedelta(hours=5))
    assert not watch.expired()
    clock.advance(1)
    assert watch.expired() and watch.remaining() == 0
