"""Time in equipment states: monotonic within a boot, wall time across reboots; shifts."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.equipment_time import StateMark, time_in_states
from kiosk.shifts import shift_start
from tests.fakes import FakeClock

SHIFT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def mark(clock: FakeClock, state: str) -> StateMark:
    return StateMark(state, clock.now(), int(clock.monotonic() * 1e9), clock.boot_id())


def test_each_state_counts_from_its_change_to_the_next_and_availability_follows() -> None:
    clock = FakeClock(SHIFT - timedelta(minutes=30))
    marks = [mark(clock, "idle")]  # before the shift: only its part inside the shift counts
    clock.advance(40 * 60)
    marks.append(mark(clock, "running"))
    clock.advance(50 * 60)
    marks.append(mark(clock, "down"))
    clock.advance(30 * 60)
    times = time_in_states(marks, SHIFT, clock)
    assert times.seconds == {"idle": 600.0, "running": 3000.0, "down": 1800.0}
    assert times.window_seconds == 5400.0
    assert times.share("running") == pytest.approx(3000 / 5400)


def test_a_clock_set_back_neither_makes_a_span_negative_nor_counts_it_twice() -> None:
    clock = FakeClock(SHIFT)
    marks = [mark(clock, "running")]
    clock.advance(3600)
    clock.set_wall(clock.now() - timedelta(minutes=45))  # someone sets the clock back
    marks.append(mark(clock, "down"))  # its wall time is now before the first span ended
    clock.advance(600)
    while_wrong = time_in_states(marks, SHIFT, clock)
    clock.set_wall(clock.now() + timedelta(minutes=45))  # ...and NTP puts it right again
    put_right = time_in_states(marks, SHIFT, clock)
    for times in (while_wrong, put_right):
        assert times.seconds == {"running": 3600.0, "down": 600.0}
        assert times.window_seconds == 4200.0
        assert times.share("running") == pytest.approx(3600 / 4200)


def test_states_of_an_earlier_boot_count_by_wall_time_and_never_below_zero() -> None:
    clock = FakeClock(SHIFT)
    marks = [mark(clock, "running")]
    clock.advance(1800)
    clock.reboot("boot-2", downtime=300)  # the terminal restarts; the machine kept running
    marks.append(mark(clock, "down"))
    clock.advance(900)
    times = time_in_states(marks, SHIFT, clock)
    assert times.seconds == {"running": 2100.0, "down": 900.0}


def test_a_machine_with_no_state_yet_has_spent_no_time_in_any() -> None:
    clock = FakeClock(SHIFT + timedelta(hours=1))
    times = time_in_states([], SHIFT, clock)
    assert times.seconds == {}
    assert times.window_seconds == 3600.0
    assert times.share("running") == 0.0


@pytest.fixture
def shanghai() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.usefixtures("shanghai")
def test_the_shift_is_the_latest_local_start_at_or_before_now() -> None:
    starts = ["08:00", "20:00"]
    # 09:30 in Shanghai (UTC+8) is in the day shift, which began at 08:00 local.
    assert shift_start(datetime(2026, 11, 25, 1, 30, tzinfo=UTC), starts) == datetime(
        2026, 11, 25, 0, 0, tzinfo=UTC
    )
    # 02:00 local belongs to the night shift that began at 20:00 the day before.
    assert shift_start(datetime(2026, 11, 24, 18, 0, tzinfo=UTC), starts) == datetime(
        2026, 11, 24, 12, 0, tzinfo=UTC
    )
    # At a start time exactly, that shift has begun.
    assert shift_start(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), starts) == datetime(
        2026, 11, 25, 12, 0, tzinfo=UTC
    )
