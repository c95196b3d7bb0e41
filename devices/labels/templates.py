"""What goes on a label, as plain values, and the size of the stock it is printed on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MM_PER_INCH = 25.4


def _require_barcode_text(name: str, value: str) -> None:
    # Code 128 (subset B) carries printable ASCII only; refusing here beats a blank barcode
    # on the printer, which says nothing about why.
    if not value:
        raise ValueError(f"{name} is empty: it is printed as a barcode")
    if not (value.isascii() and value.isprintable()):
        raise ValueError(f"{name} {value!r}: a barcode carries printable ASCII only")


@dataclass(frozen=True, slots=True)
class LabelSize:
    width_mm: float
    height_mm: float
    dpi: int = 203

    def __post_init__(self) -> None:
        if self.width_mm <= 0 or self.height_mm <= 0 or self.dpi <= 0:
            raise ValueError(f"label size must be positive: {self}")

    def dots(self, mm: float) -> int:
        """`mm` in printer dots, rounded to the nearest dot."""
        return round(mm * self.dpi / MM_PER_INCH)


@dataclass(frozen=True, slots=True)
class ProductLabel:
    """One unit: its serial number (SN) as Code 128 and as a 2D code, with what it is."""

    part: str
    description: str
    serial: str
    work_order: str
    printed_on: date

    def __post_init__(self) -> None:
        _require_barcode_text("serial", self.serial)


@dataclass(frozen=True, slots=True)
class BoxLabel:
    """A box of units: part, lot and quantity as Code 128, and the serials inside."""

    part: str
    lot: str
    quantity: int
    serials: tuple[str, ...]

    def __post_init__(self) -> None:
        _require_barcode_text("part", self.part)
        _require_barcode_text("lot", self.lot)
        if self.quantity < 0:
            raise ValueError(f"quantity {self.quantity} is negative")


Label = ProductLabel | BoxLabel
