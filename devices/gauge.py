"""One reading from what a measuring gauge (caliper, micrometer, dial indicator) sends on its
serial data cable: one line, ended by the suffix the reader cuts at.

Lines understood (spaces around the parts are padding and are ignored):

- A plain number: "12.345", "-0.012", "+012.345", ".5" (no unit: the instrument's own).
- A number and a length unit, with or without a space: "12.345 mm", "0.4860 in",
  "+12.345mm" (Sylvac, Mahr Millimar), "3.2 µm". Units: mm, in (also inch and '"'),
  µm (also um); any case.
- A tolerance verdict after either: "+012.345=" or "12.345 mm >" (Sylvac and Mahr in their
  tolerance mode add <, = or >). It is dropped: the inspection judges against its own limits.
- Mitutoyo's RS-232 format (DP-1VR, MUX-10, U-WAVE, USB-ITN in RS-232 mode): two digits of
  code and channel, the item letter "A", a sign and the value padded with zeros:
  "01A+00012.345", "01A-00.12345". No unit: the instrument's own. The channel is not kept:
  one gauge per port.

Anything else (an instrument's "Error" or "ERR6", an overflow such as "-F0.0000", a comma as
the decimal point, an exponent) is a `GaugeLineError` naming the problem, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

_NUMBER = r"(?P<sign>[+-]?) *(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
_MITUTOYO = re.compile(r"[0-9]{2}A(?P<sign>[+-])(?P<number>[0-9]+(?:\.[0-9]+)?)")
_GENERAL = re.compile(rf"{_NUMBER} *(?P<unit>[A-Za-zµμ\"]*) *[<=>]?")
_UNITS = {
    "mm": "mm",
    "in": "in",
    "inch": "in",
    '"': "in",
    "µm": "µm",  # MICRO SIGN, as Latin-1 byte 0xB5 or UTF-8
    "μm": "µm",  # GREEK SMALL LETTER MU, which some fonts and firmwares use instead
    "um": "µm",
}
# What a gauge line may hold; anything else is a wrong baud rate or line noise.
_ALLOWED = frozenset(map(chr, range(0x20, 0x7F))) | {"µ", "μ"}


class GaugeProblem(StrEnum):
    EMPTY = "empty"  # nothing but spaces
    GARBLED = "garbled"  # control or non-ASCII characters: wrong baud rate, or line noise
    NOT_A_NUMBER = "not_a_number"  # text, but no reading: an instrument's error, say
    UNKNOWN_UNIT = "unknown_unit"  # a number with a unit that is not a length


class GaugeLineError(ValueError):
    """A line that is not a reading: `problem` says why (for the screen's own words),
    `raw` is the line as sent, and the message says both in English."""

    def __init__(self, problem: GaugeProblem, raw: str, detail: str) -> None:
        super().__init__(f"{detail} (got {raw!r})")
        self.problem = problem
        self.raw = raw
        self.detail = detail


@dataclass(frozen=True)
class GaugeReading:
    # Decimal, not float: it keeps the digits the gauge sent, so a resolution of 0.001
    # reads "12.340" rather than 12.34, and a reading exactly at a limit compares exactly.
    value: Decimal
    unit: str | None  # "mm", "in" or "µm"; None when the line gives none
    raw: str  # the line as sent, terminator excluded


def parse_gauge_line(frame: bytes) -> GaugeReading:
    """The reading in one line from a gauge (a Scan's `raw`); GaugeLineError if it is none."""
    raw = _decode(frame)
    if not set(raw) <= _ALLOWED:
        raise GaugeLineError(
            GaugeProblem.GARBLED, raw, "unreadable characters: check the gauge's baud rate"
        )
    text = raw.strip(" ")
    if not text:
        raise GaugeLineError(GaugeProblem.EMPTY, raw, "an empty line")
    match = _MITUTOYO.fullmatch(text) or _GENERAL.fullmatch(text)
    if match is None:
        raise GaugeLineError(
            GaugeProblem.NOT_A_NUMBER, raw, "not a reading in a format the station knows"
        )
    unit = match.groupdict().get("unit") or None
    if unit is not None:
        if unit.lower() not in _UNITS:
            raise GaugeLineError(
                GaugeProblem.UNKNOWN_UNIT,
                raw,
                f"unit {unit!r} is not one of mm, in, µm",
            )
        unit = _UNITS[unit.lower()]
    value = Decimal(match["sign"] + match["number"])
    # Some gauges send "-0.000" around zero: the same reading as "0.000".
    return GaugeReading(value.copy_abs() if value.is_zero() else value, unit, raw)


def _decode(frame: bytes) -> str:
    # As a Scan decodes its text: UTF-8 when valid, else Latin-1 (a gauge's µ is often 0xB5).
    try:
        return frame.decode("utf-8")
    except UnicodeDecodeError:
        return frame.decode("latin-1")
