"""What goes on a label, as plain values, and the size of the stock it is printed on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MM_PER_INCH = 25.4
# GS1's character set 82: what AI 240 and AI 10 may hold.
_GS1_CHARACTERS = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_GS1_MAX_QUANTITY = 99_999_999  # AI 30 holds up to 8 digits


def _require_barcode_text(name: str, value: str) -> None:
    # Code 128 (subset B) carries printable ASCII only; refusing here beats a blank barcode
    # on the printer, which says nothing about why.
    if not value:
        raise ValueError(f"{name} is empty: it is printed as a barcode")
    if not (value.isascii() and value.isprintable()):
        raise ValueError(f"{name} {value!r}: a barcode carries printable ASCII only")


def _require_gs1_text(name: str, value: str, ai: str, longest: int) -> None:
    # The box's 2D code is a GS1 element string: a scanner or ERP refuses anything else.
    if len(value) > longest:
        raise ValueError(f"{name} {value!r}: GS1 AI {ai} holds at most {longest} characters")
    odd = sorted(set(value) - _GS1_CHARACTERS)
    if odd:
        shown = " ".join(repr(char) for char in odd)
        raise ValueError(f"{name} {value!r}: GS1 AI {ai} cannot hold {shown}")


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
    """A box of units: part, lot and quantity as Code 128 and together as one GS1 2D code
    (AI 240, 10 and 30, so a warehouse reads the box in one scan), and the serials inside."""

    part: str
    lot: str
    quantity: int
    serials: tuple[str, ...]

    def __post_init__(self) -> None:
        _require_barcode_text("part", self.part)
        _require_barcode_text("lot", self.lot)
        _require_gs1_text("part", self.part, "240", 30)
        _require_gs1_text("lot", self.lot, "10", 20)
        if self.quantity < 0:
            raise ValueError(f"quantity {self.quantity} is negative")
        if self.quantity > _GS1_MAX_QUANTITY:
            raise ValueError(f"quantity {self.quantity}: GS1 AI 30 holds at most 8 digits")

    @property
    def gs1_elements(self) -> tuple[str, str, str]:
        """AI and value of each element; the 2D code puts an FNC1 before the first and
        between them (240 and 10 are variable length, so the separator is needed)."""
        return f"240{self.part}", f"10{self.lot}", f"30{self.quantity}"


Label = ProductLabel | BoxLabel
