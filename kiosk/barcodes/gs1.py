"""GS1 element strings (GS1-128, DataMatrix, QR, Digital Link) and bare GTINs, read by biip.

biip is imported inside the functions: it costs about 200 ms, paid at the first scan rather
than before the first screen.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from kiosk.barcodes.scans import (
    Field,
    MaterialLabel,
    ScanMeaning,
    SerialNumber,
    UnknownScan,
    quoted,
)
from kiosk.barcodes.symbology import GS

if TYPE_CHECKING:
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier
    from biip.gs1_element_strings import GS1ElementString

# A label names what it is by one of these; anything else alone (a date, a count) is not a label.
_IDENTIFIERS = ("00", "01", "02", "10", "21")
_CHECKED = {"00": "SSCC", "01": "GTIN", "02": "GTIN", "03": "GTIN"}
_COUNTS = ("30", "37")
_GS1_CHARSET = re.compile(f"[ -~{GS}]*")  # one match, not a Python step per character
_OUTSIDE_CHARSET = "GS1: contains characters outside the GS1 character set"
_DATE_NOTE = re.compile(r"\s*\(YY[^)]*\)")  # "(YYMMDD)": shown dates are ISO instead

# biip's messages, turned into sentences that name the AI.
_NO_AI = re.compile(r"Failed to get GS1 Application Identifier from (?P<rest>.*)\.$", re.DOTALL)
_BAD_VALUE = re.compile(r"Failed to match .* with GS1 AI \((?P<ai>\d+)\) pattern", re.DOTALL)
_BAD_DATE = re.compile(r"Failed to parse GS1 AI \((?P<ai>\d+)\) date/time from (?P<value>.*)\.$")


def read_gs1(data: str, format_name: str) -> ScanMeaning:
    """Data that says it is GS1 (symbology, leading FNC1, HRI): a GS1 meaning or why not."""
    elements = _parsed(data)
    if isinstance(elements, str):
        return UnknownScan(elements)
    return _meaning(elements, format_name)


def read_unmarked_gs1(data: str) -> ScanMeaning | None:
    """Data from a scanner that sends no symbology: GS1 only if it carries 00, 01 or 02.

    Without that, too much ordinary text reads as element strings ("10ABC" is lot ABC).
    """
    elements = _parsed(data)
    if isinstance(elements, str) or not {"00", "01", "02"} & {e.ai.ai for e in elements}:
        return None
    return _meaning(elements, "GS1")


def read_gtin(data: str, format_name: str) -> ScanMeaning:
    """An EAN/UPC or ITF-14 symbol: a bare GTIN identifying the material."""
    from biip import ParseError
    from biip.gtin import Gtin

    if not (data.isascii() and data.isdigit()):
        return UnknownScan(f"{format_name}: a GTIN is digits only, got {quoted(data)}")
    try:
        gtin = Gtin.parse(data).as_gtin_14()
    except ParseError as exc:
        problem = "check digit is wrong" if "check digit" in str(exc) else "not a GTIN"
        return UnknownScan(f"{format_name}: {problem} ({quoted(data)})")
    field = Field("01", _title("01"), gtin)
    return MaterialLabel(source="gs1", format_name=format_name, gtin=gtin, fields={"01": field})


def _parsed(data: str) -> list[GS1ElementString] | str:
    """The element strings of `data`, or why it is not a GS1 element string."""
    from biip import ParseError
    from biip.gs1_digital_link_uris import GS1DigitalLinkURI
    from biip.gs1_messages import GS1Message

    if not _in_gs1_charset(data):
        return _OUTSIDE_CHARSET
    try:
        if data.startswith("("):
            elements = GS1Message.parse_hri(data).element_strings
        elif data.startswith(("http://", "https://")):
            elements = GS1DigitalLinkURI.parse(data).element_strings
        else:
            elements = GS1Message.parse(data.lstrip(GS)).element_strings
    except ParseError as exc:
        return _sentence(str(exc))
    except ValueError:  # from urllib, on a URL it cannot split ("http://[")
        return "GS1: not a GS1 Digital Link URI"
    return list(elements) or "GS1: no element strings"


def _in_gs1_charset(text: str) -> bool:
    # GS1 allows printable ASCII only; other digits (e.g. "٠") would pass biip's `\d`.
    return _GS1_CHARSET.fullmatch(text) is not None


def _meaning(elements: list[GS1ElementString], format_name: str) -> ScanMeaning:
    by_ai: dict[str, GS1ElementString] = {}
    for element in elements:
        problem = _problem(element)
        first = by_ai.setdefault(element.ai.ai, element)
        if not problem and first.value != element.value:
            problem = f"GS1: {_short(element.ai.ai)} is given twice with different values"
        if problem:
            return UnknownScan(problem)
    fields = {ai: Field(ai, _title(ai), _shown(element)) for ai, element in by_ai.items()}
    values = {ai: element.value for ai, element in by_ai.items()}
    if "21" in values and "10" not in values and "00" not in values:
        return SerialNumber(serial=values["21"], gtin=values.get("01"), fields=fields)
    if not any(ai in values for ai in _IDENTIFIERS):
        found = ", ".join(f"({ai})" for ai in values)
        return UnknownScan(
            f"GS1: names no SSCC (00), GTIN (01, 02), lot (10) or serial (21); has {found}"
        )
    count = next((values[ai] for ai in _COUNTS if ai in values), None)
    return MaterialLabel(
        source="gs1",
        format_name=format_name,
        part=values.get("240"),
        gtin=values.get("01") or values.get("02"),
        lot=values.get("10"),
        qty=None if count is None else Decimal(int(count)),
        expiry=by_ai["17"].date if "17" in by_ai else None,
        serial=values.get("21"),
        sscc=values.get("00"),
        fields=fields,
    )


def _problem(element: GS1ElementString) -> str | None:
    """What biip noted but did not raise: a wrong check digit; and what GS1 does not allow."""
    ai = element.ai.ai
    if not _in_gs1_charset(element.value):  # a Digital Link may percent-encode anything
        return _OUTSIDE_CHARSET
    if element.gtin_error or element.sscc_error or element.gln_error:
        return f"GS1: check digit of {_CHECKED.get(ai, 'GLN')} ({ai}) is wrong"
    if not element.value:
        return f"GS1: {_short(ai)} is empty"
    return None


def _shown(element: GS1ElementString) -> str:
    if element.datetime is not None:
        return element.datetime.isoformat()
    if element.date is not None:
        return element.date.isoformat()
    if element.ai.ai in _COUNTS:
        return str(int(element.value))
    # An amount with a currency has two groups; its decimal alone would hide the currency.
    if element.decimal is not None and len(element.pattern_groups) == 1:
        return str(element.decimal)
    return element.value


@cache  # a few hundred AIs; looking one up walks biip's whole table (40 µs of a scan)
def _title(ai: str) -> str:
    """The AI's description, for display: "Expiration date"."""
    return _DATE_NOTE.sub("", _application_identifier(ai).description)


def _short(ai: str) -> str:
    """The AI as a reason names it: "USE BY or EXPIRY (17)", the title printed on labels."""
    return f"{_application_identifier(ai).data_title} ({ai})"


def _sentence(message: str) -> str:
    """biip's parse error as a reason that names the AI where biip's message allows."""
    if match := _BAD_DATE.match(message):
        ai = match["ai"]
        return f"GS1: {_short(ai)} is not a valid date: {match['value']}"
    if match := _BAD_VALUE.match(message):
        ai = match["ai"]
        return f"GS1: {_short(ai)} does not fit its format {_application_identifier(ai).format}"
    if match := _NO_AI.match(message):
        rest = match["rest"]
        shown = rest if len(rest) <= 42 else rest[:40] + "…'"
        return f"GS1: no known application identifier (AI) at {shown}"
    return "GS1: " + (message if len(message) <= 200 else message[:199] + "…")


def _application_identifier(ai: str) -> GS1ApplicationIdentifier:
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier

    return GS1ApplicationIdentifier.extract(ai)
