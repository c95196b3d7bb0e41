"""The kinds of scan a station understands; `kiosk.barcodes.meaning.interpret` picks one."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal


@dataclass(frozen=True)
class Field:
    """One value of a scan for display: a GS1 AI ("17") or a supplier field name ("lot")."""

    key: str
    title: str
    value: str  # dates as YYYY-MM-DD, quantities as decimal text, GTINs as 14 digits


@dataclass(frozen=True, kw_only=True)
class MaterialLabel:
    """A material lot, item or pallet: from a GS1 code or a supplier's own label."""

    source: Literal["gs1", "supplier"]
    format_name: str  # "GS1-128", "GS1 DataMatrix", ... or the supplier format's name
    part: str | None = None  # supplier part number; GS1 AI 240
    gtin: str | None = None  # 14 digits; AI 01, or 02 on a pallet of one item
    lot: str | None = None
    qty: Decimal | None = None
    expiry: date | None = None
    serial: str | None = None
    sscc: str | None = None  # the pallet or case, AI 00
    supplier: str | None = None
    fields: dict[str, Field] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SerialNumber:
    """One unit of product: GS1 AI 21 (with its GTIN if given) or the plant's serial pattern."""

    serial: str
    gtin: str | None = None
    fields: dict[str, Field] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class BadgeScan:
    badge: str


class Command(StrEnum):
    """What a command barcode (`#K:LOGOUT`) asks the station to do."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    COMPLETE = "complete"
    REFRESH = "refresh"
    HELP = "help"
    CANCEL = "cancel"
    LOGOUT = "logout"
    TRACE = "trace"
    # Raise an exception (andon) at once, severity medium: one sheet per category.
    ANDON_MATERIAL = "andon_material"
    ANDON_EQUIPMENT = "andon_equipment"
    ANDON_QUALITY = "andon_quality"
    ANDON_SAFETY = "andon_safety"
    ANDON_OTHER = "andon_other"


@dataclass(frozen=True)
class CommandScan:
    command: Command


@dataclass(frozen=True)
class UnknownScan:
    """A scan the station cannot use; `reason` is plain English, safe to show and log."""

    reason: str


ScanMeaning = MaterialLabel | SerialNumber | BadgeScan | CommandScan | UnknownScan


def quoted(text: str, limit: int = 40) -> str:
    """`text` in quotes for a reason: control characters escaped, long scans shortened."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)
