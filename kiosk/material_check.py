"""The vocabulary of material verification: verdicts, override reasons, pick lines, one
scan's result. Plain values, no storage (kiosk/materials.py does the checking)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MaterialVerdict(StrEnum):
    OK = "ok"
    WRONG_PART = "wrong_part"
    LOT_ON_HOLD = "lot_on_hold"
    EXPIRED = "expired"
    UNKNOWN_LOT = "unknown_lot"
    NOT_IN_BOM = "not_in_bom"
    ALREADY_LOADED = "already_loaded"
    LOT_EMPTY = "lot_empty"
    BAD_LABEL = "bad_label"


# Refusals a team lead may override: the lot is named and the floor may have a reason to
# use it (a concession, reference data not synced yet). A label that could not be read or a
# lot loaded twice has nothing to override.
OVERRIDABLE = frozenset(MaterialVerdict) - {
    MaterialVerdict.OK,
    MaterialVerdict.BAD_LABEL,
    MaterialVerdict.ALREADY_LOADED,
}


class OverrideReason(StrEnum):
    CONCESSION = "concession"  # QC accepted the lot for use as is
    ENGINEERING_DEVIATION = "engineering_deviation"  # an approved substitute part
    DATA_NOT_SYNCED = "data_not_synced"  # the hub knows the lot, this station not yet
    LABEL_WRONG = "label_wrong"  # the material is right, its label is not


@dataclass(frozen=True)
class PickLine:
    item_code: str
    description: str
    unit: str
    qty_required: float
    qty_loaded: float

    @property
    def qty_short(self) -> float:
        return max(0.0, self.qty_required - self.qty_loaded)


class LabelProblem(StrEnum):
    """Why the service calls a scan a BAD LABEL when the barcode parser did not say why."""

    NOT_A_MATERIAL_LABEL = "not_a_material_label"  # a badge, a serial number, a command
    NO_LOT = "no_lot"
    NO_PART = "no_part"
    FRACTIONAL_QUANTITY = "fractional_quantity"  # the result's `qty` is not a whole number


@dataclass(frozen=True)
class Verification:
    """One scan's verdict, as committed. `detail` says why in data (the parser's reason,
    a LabelProblem's value, the part the label names, the expiry date); the screen words it."""

    verdict: MaterialVerdict
    operation_id: str
    lot_no: str
    item_code: str
    qty: float
    detail: str
    event_id: str
    pick_list: tuple[PickLine, ...]

    @property
    def overridable(self) -> bool:
        return self.verdict in OVERRIDABLE
