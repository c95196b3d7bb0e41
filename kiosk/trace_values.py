"""Traceability as the station shows it: plain values, no storage (kiosk/traceability.py
finds them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True)
class LotUsed:
    """A lot loaded for an operation. `status` is None when this station has no record of
    the lot itself (it was loaded on a team lead's override): supplier is then blank."""

    lot_no: str
    item_code: str
    qty: float
    supplier: str
    status: str | None


@dataclass(frozen=True)
class UnitStep:
    """One operation a unit went through here: where, when, by whom, with what.

    A unit goes through the operations of its work order before the one its serial number
    was first scanned at (a board is placed before it is labelled): those steps have no
    `bound_at`, and their operator is whoever started the operation (or loaded its lots).
    """

    work_order: str
    item_code: str
    item_description: str
    seq: int
    operation: str
    work_center: str
    bound_at: datetime | None  # when its serial number was scanned here, if it was
    scrapped: bool  # reported as scrap at this operation
    operator: str  # "" when the person is not known here
    employee_no: str
    equipment: str  # codes joined by ", " ("" when not scanned here)
    lots: tuple[LotUsed, ...]
    started_at: datetime | None  # the operation's first start, if recorded here
    finished_at: datetime | None  # its final report, if any


@dataclass(frozen=True)
class SerialTrace:
    sn: str
    steps: tuple[UnitStep, ...]  # oldest first


@dataclass(frozen=True)
class BuiltUnit:
    """A unit built from a lot: its serial number where it was next scanned after the lot
    was loaded (that operation, or a later one of the same work order)."""

    sn: str
    seq: int
    bound_at: datetime
    scrapped: bool  # reported as scrap at an operation of that work order


@dataclass(frozen=True)
class LotLoad:
    """An operation that loaded the lot, and the units built from it there."""

    work_order: str
    seq: int
    operation: str
    work_center: str
    qty: float
    loaded_at: datetime
    units: tuple[BuiltUnit, ...]  # oldest first


@dataclass(frozen=True)
class LotPick:
    """The lot picked for a work order by a material handler, and where it went."""

    work_order: str
    qty: float
    picked_at: datetime
    delivered_to: str | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class LotTrace:
    """A lot and every unit built from it. `status` is None when the lot is not in this
    station's lot list (known only from its loads or picks): item and supplier may be blank."""

    lot_no: str
    item_code: str
    item_description: str
    supplier: str
    status: str | None
    expires_on: date | None
    loads: tuple[LotLoad, ...]  # oldest first
    picks: tuple[LotPick, ...]
    # Each unit built from the lot once, even when two of its operations loaded it: counted
    # off the event loop, as thirty thousand of them take a few milliseconds.
    serials: tuple[str, ...]


class TraceMissReason(StrEnum):
    """Why a scan or a search traced nothing; each is a catalog key `trace.miss.<value>`."""

    UNKNOWN_SERIAL = "unknown_serial"
    UNKNOWN_LOT = "unknown_lot"
    NOT_FOUND = "not_found"  # typed text that is neither a serial nor a lot known here
    NO_LOT = "no_lot"  # a material label that names no lot
    NOT_TRACEABLE = "not_traceable"  # a badge or a command
    NOT_UNDERSTOOD = "not_understood"  # the barcode parser's reason is the subject


@dataclass(frozen=True)
class TraceMiss:
    reason: TraceMissReason
    subject: str  # the serial, lot or text looked for; the parser's reason if not understood


TraceAnswer = SerialTrace | LotTrace | TraceMiss
