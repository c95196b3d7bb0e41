"""What one scan means at this station: `interpret` tries each reading in a fixed order."""

from __future__ import annotations

import re

from devices.symbology import split_symbology
from kiosk.barcodes.formats import BarcodeSection, compiled
from kiosk.barcodes.gs1 import read_gs1, read_gtin, read_unmarked_gs1
from kiosk.barcodes.scans import (
    BadgeScan,
    Command,
    CommandScan,
    Field,
    MaterialLabel,
    ScanMeaning,
    SerialNumber,
    UnknownScan,
    quoted,
)
from kiosk.barcodes.supplier import read_supplier
from kiosk.barcodes.symbology import GS, GS1_SYMBOLOGIES, GTIN_SYMBOLOGIES

__all__ = [
    "BadgeScan",
    "Command",
    "CommandScan",
    "Field",
    "MaterialLabel",
    "ScanMeaning",
    "SerialNumber",
    "UnknownScan",
    "interpret",
]

# The largest symbols hold about 7,000 characters; more is a stuck key or a runaway device,
# and is refused before any pattern has to look at it.
MAX_SCAN_LENGTH = 8_000
_EDGES = " \t\r\n"  # scanners end a scan with CR/LF; GS (a leading FNC1) must stay
_HRI = re.compile(r"\(\d{2,4}\)")  # "(01)0950...(10)LOT", as printed under a GS1 symbol
_NOT_UNDERSTOOD = "not a GS1 element string and matches no supplier format, serial or badge pattern"


def interpret(text: str, symbology: str | None, section: BarcodeSection) -> ScanMeaning:
    """The meaning of one scan; never raises, whatever the text.

    `symbology` is the AIM identifier the device layer reported ("]C1" or "C1"), or None,
    in which case an AIM prefix still at the start of `text` is read and removed here.
    Scanners that send none are still understood, GS1 included (see `read_unmarked_gs1`).
    Order: command → GS1 (said so by symbology, a leading FNC1 or "(AI)" text) → bare GTIN
    (EAN, ITF-14) → supplier formats → serial pattern → badge pattern → GS1 without marks.
    """
    if len(text) > MAX_SCAN_LENGTH:
        return UnknownScan(f"scan too long ({len(text)} characters)")
    data = text.strip(_EDGES)
    if symbology is None:  # not read by a device (typed, or `kiosk barcode explain`)
        symbology, data = split_symbology(data)
    code = (symbology or "").removeprefix("]")
    if not data:
        return UnknownScan("empty scan")
    command = _command(data, section.command_prefix)
    if command is not None:
        return command
    if code in GS1_SYMBOLOGIES or data.startswith(GS) or _HRI.match(data):
        return read_gs1(data, GS1_SYMBOLOGIES.get(code, "GS1"))
    if code in GTIN_SYMBOLOGIES:
        return read_gtin(data, GTIN_SYMBOLOGIES[code])
    return _plant_or_unmarked(data, code, section)


def _plant_or_unmarked(data: str, code: str, section: BarcodeSection) -> ScanMeaning:
    supplier = read_supplier(data, section.supplier_formats)
    if isinstance(supplier, MaterialLabel):
        return supplier
    if _fits(section.serial_pattern, data):
        field = Field("serial", "Serial number", data)
        return SerialNumber(serial=data, fields={"serial": field})
    if _fits(section.badge_pattern, data):
        return BadgeScan(data)
    # A symbology other than GS1 says the data is not GS1, except a Digital Link in any QR.
    unmarked = (
        read_unmarked_gs1(data) if not code or data.startswith(("http://", "https://")) else None
    )
    if unmarked is not None and not isinstance(unmarked, UnknownScan):
        return unmarked
    # Nothing fits: the most useful reason is that of a supplier format that nearly did.
    return supplier or unmarked or UnknownScan(_NOT_UNDERSTOOD)


def _command(data: str, prefix: str) -> CommandScan | UnknownScan | None:
    if not prefix or data[: len(prefix)].casefold() != prefix.casefold():
        return None
    name = data[len(prefix) :].strip()
    try:
        return CommandScan(Command(name.lower()))
    except ValueError:
        return UnknownScan(f"unknown command {quoted(name)}")


def _fits(pattern: str, data: str) -> bool:
    regex = compiled(pattern) if pattern else None
    return regex is not None and regex.fullmatch(data) is not None
