from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.badge_format import (
    BADGE_FORMATS,
    BadgeId,
    BadgeRejected,
    normalise_badge,
    wiegand26_badge,
)

# Facility 123, card 45678: even parity 1, 24 data bits, odd parity 1 (worked by hand).
W26_123_45678 = "10111101110110010011011101"


def wiegand26_bits(facility: int, card: int) -> str:
    data = f"{facility:08b}{card:016b}"
    even = data[:12].count("1") % 2
    odd = 1 - data[12:].count("1") % 2
    return f"{even}{data}{odd}"


def test_the_encoder_agrees_with_the_frame_worked_by_hand() -> None:
    assert wiegand26_bits(123, 45678) == W26_123_45678


@pytest.mark.parametrize(
    ("read", "badge_format", "badge"),
    [
        ("04A2B3C4D5", "auto", "04A2B3C4D5"),
        ("04a2b3c4d5", "hex", "04A2B3C4D5"),
        ("04:a2:b3:c4:d5", "auto", "04A2B3C4D5"),
        (" 04 A2 B3 C4 D5\r\n", "auto", "04A2B3C4D5"),
        ("0x04A2-B3C4", "auto", "04A2B3C4"),
        ("04123456", "hex", "04123456"),
        ("04:12:34:56", "auto", "04123456"),
        ("0012345678", "auto", "0012345678"),
        ("0012345678", "decimal", "0012345678"),
        ("００１２３４", "auto", "001234"),  # full-width digits from an input method
        (W26_123_45678, "auto", "W26-123-45678"),
        (W26_123_45678, "wiegand26", "W26-123-45678"),
        (f"{int(W26_123_45678, 2):07X}", "wiegand26", "W26-123-45678"),
        (f"0x{int(W26_123_45678, 2):x}", "wiegand26", "W26-123-45678"),
        (wiegand26_bits(0, 0), "auto", "W26-000-00000"),
        (wiegand26_bits(255, 65535), "auto", "W26-255-65535"),
    ],
)
def test_a_badge_read_becomes_one_id(read: str, badge_format: str, badge: str) -> None:
    assert normalise_badge(read, badge_format) == BadgeId(badge)


@pytest.mark.parametrize(
    ("read", "badge_format", "reason"),
    [
        ("", "auto", "empty read"),
        (" \r\n", "auto", "empty read"),
        ("E1001", "decimal", "not a decimal card number"),
        ("04A2B3C4D", "auto", "odd number of hex digits in UID"),
        ("SN-0042", "auto", "not a card number: expected hex UID, decimal or Wiegand-26"),
        ("0x", "hex", "not a card number: expected hex UID, decimal or Wiegand-26"),
        ("1" * 65, "auto", "too long for a badge (65 characters)"),
        ("0" + W26_123_45678[1:], "auto", "Wiegand-26 parity error in the first half"),
        (W26_123_45678[:-1] + "0", "wiegand26", "Wiegand-26 parity error in the second half"),
        ("4000000", "wiegand26", "not a 26-bit Wiegand frame"),
        ("W26-123", "wiegand26", "not a Wiegand-26 frame: expected 26 bits or hex"),
        ("1234", "octal", "unknown badge format 'octal'"),
    ],
)
def test_a_read_that_is_no_badge_says_why(read: str, badge_format: str, reason: str) -> None:
    assert normalise_badge(read, badge_format) == BadgeRejected(reason)


def test_an_integer_frame_is_checked_like_bits() -> None:
    assert wiegand26_badge(int(W26_123_45678, 2)) == BadgeId("W26-123-45678")
    assert wiegand26_badge(-1) == BadgeRejected("not a 26-bit Wiegand frame")
    assert wiegand26_badge(1 << 26) == BadgeRejected("not a 26-bit Wiegand frame")


@given(facility=st.integers(0, 255), card=st.integers(0, 65535), flip=st.integers(0, 25))
def test_wiegand26_round_trips_and_any_single_bit_error_is_caught(
    facility: int, card: int, flip: int
) -> None:
    bits = wiegand26_bits(facility, card)
    assert normalise_badge(bits, "wiegand26") == BadgeId(f"W26-{facility:03d}-{card:05d}")
    flipped = int(bits, 2) ^ (1 << flip)
    assert isinstance(wiegand26_badge(flipped), BadgeRejected)


@given(read=st.text(), badge_format=st.one_of(st.sampled_from(BADGE_FORMATS), st.text()))
def test_any_text_in_any_format_never_raises(read: str, badge_format: str) -> None:
    assert isinstance(normalise_badge(read, badge_format), BadgeId | BadgeRejected)


@given(st.integers())
def test_any_integer_frame_never_raises(frame: int) -> None:
    assert isinstance(wiegand26_badge(frame), BadgeId | BadgeRejected)


def test_a_printed_badge_number_is_kept_as_text() -> None:
    assert normalise_badge(" e1001 ", "text") == BadgeId("E1001")
    assert isinstance(normalise_badge("E10\x0701", "text"), BadgeRejected)
