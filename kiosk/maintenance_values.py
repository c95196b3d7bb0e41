"""The values maintenance orders are shown and recorded with: plain data, no storage."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OrderStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"  # a technician took it: the machine is in maintenance
    DONE = "done"  # the repair is recorded; an operator or team lead confirms it
    CLOSED = "closed"


@dataclass(frozen=True)
class OrderView:
    """A maintenance order as the screens show it."""

    order_id: str
    number: str
    kind: str  # "corrective" or "preventive"
    equipment: str
    status: OrderStatus
    title: str  # a preventive plan's title in the asker's language
    age_seconds: float  # since it was opened (monotonic within a boot)
    claimed_by: str  # the technician's name, "" before a claim
    claimed_by_id: str | None
    done_by_id: str | None
    downtime_seconds: float | None  # set once confirmed, when the machine was down


@dataclass(frozen=True)
class RepairReason:
    """One entry of the plant's "cause" or "action" list, named in one language."""

    code: str
    name: str


@dataclass(frozen=True)
class RepairSheet:
    """What the repair form needs: the order, the plant's lists and the labour so far."""

    order: OrderView
    causes: tuple[RepairReason, ...]
    actions: tuple[RepairReason, ...]
    labour_seconds: float  # since the claim, on the monotonic clock


@dataclass(frozen=True)
class PartLine:
    """A spare part used in the repair."""

    item_code: str
    qty: float
    lot_no: str = ""


@dataclass(frozen=True)
class RepairRecord:
    """The technician's record; `labour_seconds` None is the time measured since the claim."""

    cause: str
    actions: tuple[str, ...]
    note: str
    parts: tuple[PartLine, ...]
    labour_seconds: float | None = None
