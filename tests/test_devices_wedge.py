from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devices.wedge import WedgeDetector


def feed(detector: WedgeDetector, text: str, start: float, gap: float) -> float:
    now = start
    for char in text:
        detector.character(char, now)
        now += gap
    return now


def test_a_fast_burst_ended_by_enter_is_a_scan() -> None:
    detector = WedgeDetector(max_gap=0.03, min_length=4)
    now = feed(detector, "#K:LOGOUT", 10.0, 0.004)
    assert detector.enter(now) == "#K:LOGOUT"


def test_typing_is_not_a_scan() -> None:
    detector = WedgeDetector(max_gap=0.03, min_length=4)
    now = feed(detector, "E1001", 10.0, 0.15)
    assert detector.enter(now) is None


def test_a_short_burst_or_a_late_enter_is_typing() -> None:
    detector = WedgeDetector(max_gap=0.03, min_length=4)
    assert detector.enter(feed(detector, "abc", 1.0, 0.001)) is None
    now = feed(detector, "ABCDEF", 2.0, 0.001)
    assert detector.enter(now + 0.5) is None


def test_typing_before_a_scan_is_not_part_of_it() -> None:
    detector = WedgeDetector(max_gap=0.03, min_length=4)
    now = feed(detector, "xy", 1.0, 0.2)  # a person, slowly
    now = feed(detector, "SN12345678", now + 0.5, 0.002)
    assert detector.enter(now) == "SN12345678"


def test_another_key_breaks_a_burst() -> None:
    detector = WedgeDetector(max_gap=0.03, min_length=4)
    now = feed(detector, "ABCD", 1.0, 0.001)
    detector.other_key()
    assert detector.enter(now) is None


@given(st.lists(st.tuples(st.text(min_size=1, max_size=1), st.floats(0, 1)), max_size=50))
def test_any_key_sequence_is_handled(keys: list[tuple[str, float]]) -> None:
    detector = WedgeDetector()
    now = 0.0
    for char, gap in keys:
        now += gap
        detector.character(char, now)
    result = detector.enter(now)
    assert result is None or len(result) >= 4
