"""`kiosk barcode explain DATA [--json]`: what the station would make of a scan, and why."""

from __future__ import annotations

import re

from kiosk.barcodes.scans import (
    BadgeScan,
    CommandScan,
    Field,
    MaterialLabel,
    ScanMeaning,
    SerialNumber,
    UnknownScan,
)
from kiosk.barcodes.symbology import GS

# How people type the GS a scanner sends: `\x1d`, `\u001d`, `\035`, `<GS>`, `<FNC1>`.
_GS_SPELLINGS = re.compile(r"\\x1d|\\u001d|\\035|<GS>|<FNC1>", re.IGNORECASE)


def unescape(data: str) -> str:
    """Data typed on a command line with its group separators spelled out, as scanned."""
    return _GS_SPELLINGS.sub(GS, data)


def explain_json(meaning: ScanMeaning) -> dict[str, object]:
    """`{"kind": ..., "fields": {key: text}}`, or `{"kind": "unknown", "reason": ...}`."""
    if isinstance(meaning, UnknownScan):
        return {"kind": "unknown", "reason": meaning.reason}
    return {"kind": _kind(meaning), "fields": {f.key: f.value for f in _fields(meaning)}}


def explain_text(meaning: ScanMeaning) -> str:
    """Lines for a person: the kind, then one line per field (GS1 ones led by their AI)."""
    if isinstance(meaning, UnknownScan):
        return f"not understood: {_printable(meaning.reason)}"
    lines = [_headline(meaning)]
    for field in _fields(meaning):
        value = _printable(field.value)
        if field.key.isdigit():
            lines.append(f"{field.key:<4} {field.title}: {value}")
        else:
            lines.append(f"{field.key}: {value}")
    return "\n".join(lines)


def exit_status(meaning: ScanMeaning) -> int:
    """0 when the station understands the scan, 1 when it does not."""
    return 1 if isinstance(meaning, UnknownScan) else 0


def _kind(meaning: MaterialLabel | SerialNumber | BadgeScan | CommandScan) -> str:
    match meaning:
        case MaterialLabel():
            return "material_label"
        case SerialNumber():
            return "serial_number"
        case BadgeScan():
            return "badge"
        case CommandScan():
            return "command"


def _headline(meaning: MaterialLabel | SerialNumber | BadgeScan | CommandScan) -> str:
    if isinstance(meaning, MaterialLabel):
        origin = meaning.format_name
        if meaning.source == "supplier":
            origin = f"supplier format {meaning.format_name!r}"
        return f"material label ({origin})"
    return _kind(meaning).replace("_", " ")


def _fields(meaning: MaterialLabel | SerialNumber | BadgeScan | CommandScan) -> list[Field]:
    match meaning:
        case MaterialLabel(fields=fields) | SerialNumber(fields=fields):
            return list(fields.values())
        case BadgeScan(badge=badge):
            return [Field("badge", "Badge", badge)]
        case CommandScan(command=command):
            return [Field("command", "Command", command.value)]


def _printable(text: str) -> str:
    """Control characters escaped, so a field cannot move the cursor or clear the screen."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
