"""One badge id from what a badge reader sends: a card UID in hex, a decimal card number, or a
Wiegand-26 frame. Never raises: a read that is not a badge comes back with the reason.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from typing import TypeAlias

BADGE_FORMATS = ("auto", "hex", "decimal", "wiegand26", "text")

# Longer than any UID or card number: line noise or a barcode scanned at the badge reader.
_MAX_LENGTH = 64
_DIGITS = frozenset(string.digits)
_HEX_DIGITS = frozenset(string.hexdigits)
_HEX_SEPARATORS = str.maketrans("", "", " :-")
_WIEGAND_BITS = 26


@dataclass(frozen=True)
class BadgeId:
    value: str


@dataclass(frozen=True)
class BadgeRejected:
    reason: str


BadgeRead: TypeAlias = BadgeId | BadgeRejected


def normalise_badge(read: str, badge_format: str = "auto") -> BadgeRead:
    """The badge id in `read`, in `badge_format` (one of BADGE_FORMATS).

    hex: a UID, any case, with or without 0x, spaces, colons or dashes → "04A2B3C4D5".
    decimal: digits, kept as sent (leading zeros too: they are part of the printed number).
    wiegand26: 26 "0"/"1" characters, or the frame in hex → "W26-FFF-CCCCC".
    text: the printed badge number as read from a barcode or magstripe badge, upper-cased.
    auto: 26 bits → Wiegand-26, digits only → decimal, else hex.
    """
    if len(read) > _MAX_LENGTH:
        return BadgeRejected(f"too long for a badge ({len(read)} characters)")
    # NFKC turns full-width digits and colons (a Chinese input method on a keyboard-wedge
    # reader) into ASCII.
    text = unicodedata.normalize("NFKC", read).strip()
    if not text:
        return BadgeRejected("empty read")
    if badge_format == "hex":
        return _hex_uid(text)
    if badge_format == "decimal":
        return _decimal(text)
    if badge_format == "wiegand26":
        return _wiegand26_text(text)
    if badge_format == "text":
        if not text.isprintable():
            return BadgeRejected("control characters in a printed badge number")
        return BadgeId(text.upper())
    if badge_format == "auto":
        if _is_bits(text):
            return _wiegand26_text(text)
        if set(text) <= _DIGITS:
            return BadgeId(text)
        return _hex_uid(text)
    return BadgeRejected(f"unknown badge format {badge_format!r}")


def wiegand26_badge(frame: int) -> BadgeRead:
    """The badge in a 26-bit Wiegand frame, first bit transmitted as the most significant.

    Bit 1 is even parity over bits 1-13, bit 26 odd parity over bits 14-26; between them an
    8-bit facility code and a 16-bit card number.
    """
    if not 0 <= frame < 1 << _WIEGAND_BITS:
        return BadgeRejected("not a 26-bit Wiegand frame")
    if (frame >> 13).bit_count() % 2 != 0:
        return BadgeRejected("Wiegand-26 parity error in the first half")
    if (frame & 0x1FFF).bit_count() % 2 != 1:
        return BadgeRejected("Wiegand-26 parity error in the second half")
    facility = (frame >> 17) & 0xFF
    card = (frame >> 1) & 0xFFFF
    return BadgeId(f"W26-{facility:03d}-{card:05d}")


def _is_bits(text: str) -> bool:
    return len(text) == _WIEGAND_BITS and set(text) <= {"0", "1"}


def _hex_digits(text: str) -> str | None:
    digits = text.removeprefix("0x").removeprefix("0X").translate(_HEX_SEPARATORS)
    return digits.upper() if digits and set(digits) <= _HEX_DIGITS else None


def _hex_uid(text: str) -> BadgeRead:
    digits = _hex_digits(text)
    if digits is None:
        return BadgeRejected("not a card number: expected hex UID, decimal or Wiegand-26")
    if len(digits) % 2:
        # A UID is whole bytes: an odd count means a digit was lost on the way.
        return BadgeRejected("odd number of hex digits in UID")
    return BadgeId(digits)


def _decimal(text: str) -> BadgeRead:
    if set(text) <= _DIGITS:
        return BadgeId(text)
    return BadgeRejected("not a decimal card number")


def _wiegand26_text(text: str) -> BadgeRead:
    if _is_bits(text):
        return wiegand26_badge(int(text, 2))
    digits = _hex_digits(text)
    if digits is None:
        return BadgeRejected("not a Wiegand-26 frame: expected 26 bits or hex")
    return wiegand26_badge(int(digits, 16))
