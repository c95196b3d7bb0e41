"""The vocabulary of material handling: acts, verdicts, pick lines, work orders to pick for,
one scan's result. Plain values, no storage (kiosk/material_handling.py does the checking)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.material_check import LabelProblem

# Quantities are sums of floats (0.6 g of paste a board): a hair's difference is no shortage.
_EPSILON = 1e-9


class Act(StrEnum):
    """What a scan at the material handler's station does: the screen's mode."""

    PICK = "pick"  # 配料: take a lot from stock for a work order
    DELIVER = "deliver"  # 上料确认: hand a picked lot over at the line
    RECEIVE = "receive"  # 成品入库: a box of finished goods into stock


class HandlingVerdict(StrEnum):
    PICKED = "picked"
    DELIVERED = "delivered"
    RECEIVED = "received"
    NOT_IN_PICK_LIST = "not_in_pick_list"
    WRONG_PART = "wrong_part"
    LOT_ON_HOLD = "lot_on_hold"
    EXPIRED = "expired"
    UNKNOWN_LOT = "unknown_lot"
    LOT_EMPTY = "lot_empty"
    ALREADY_PICKED = "already_picked"
    NOT_PICKED = "not_picked"
    ALREADY_DELIVERED = "already_delivered"
    ALREADY_RECEIVED = "already_received"
    NOT_A_FINISHED_GOOD = "not_a_finished_good"
    NO_QUANTITY = "no_quantity"
    NOT_NEEDED = "not_needed"  # nothing left to pick of the item for the work order
    TOO_MANY = "too_many"  # more units than the box lot's work order plans
    BAD_LABEL = "bad_label"


ACCEPTED = frozenset({HandlingVerdict.PICKED, HandlingVerdict.DELIVERED, HandlingVerdict.RECEIVED})


@dataclass(frozen=True)
class HandlingLine:
    """One item of a work order's pick list, summed over its operations."""

    item_code: str
    description: str
    unit: str
    qty_required: float
    qty_picked: float
    qty_delivered: float
    # Released, unexpired stock of the item that no work order has picked yet.
    qty_available: float

    @property
    def qty_to_pick(self) -> float:
        return max(0.0, self.qty_required - self.qty_picked)

    @property
    def short(self) -> bool:
        return self.qty_to_pick > self.qty_available + _EPSILON

    @property
    def done(self) -> bool:
        return self.qty_to_pick <= _EPSILON


@dataclass(frozen=True)
class OrderPicking:
    """A released work order this station picks for, and how far its picking is."""

    work_order_id: str
    number: str
    item_code: str
    item_description: str
    qty_planned: int
    due_date: date
    priority: int
    items: int  # lines on its pick list
    items_picked: int  # lines with nothing left to pick
    items_short: int  # lines the stock cannot cover

    @property
    def short(self) -> bool:
        return self.items_short > 0


@dataclass(frozen=True)
class HandlingResult:
    """One scan's verdict. `detail` says why in data (the parser's reason, the part the label
    names, an expiry date, the work center, a planned quantity); the screen words it, and
    words `problem` for a BAD LABEL the parser had no reason for. `lines` is the pick list of
    `work_order_id` after the scan (empty for a receipt, whose work order is the one its box
    lot names, if any)."""

    act: Act
    verdict: HandlingVerdict
    work_order_id: str
    work_order: str
    lot_no: str
    item_code: str
    qty: float
    detail: str
    event_id: str | None  # the event an accepted scan was committed with
    lines: tuple[HandlingLine, ...] = ()
    problem: LabelProblem | None = None

    @property
    def ok(self) -> bool:
        return self.verdict in ACCEPTED
