"""Lengths a gauge may send in another unit than the characteristic is specified in."""

from __future__ import annotations

from decimal import Decimal

# Millimetres per unit, by the spellings plans and gauges use.
_MM_PER: dict[str, Decimal] = {
    "mm": Decimal(1),
    "in": Decimal("25.4"),
    "µm": Decimal("0.001"),
    "μm": Decimal("0.001"),  # the Greek mu, as some keyboards type it
    "um": Decimal("0.001"),
}


def convert(value: Decimal, unit: str, to: str) -> Decimal | None:
    """`value` in `unit` expressed in `to`; None when either is not a length unit known here
    (a torque, a current): the reading cannot be taken for that characteristic."""
    if unit == to:
        return value
    if unit not in _MM_PER or to not in _MM_PER:
        return None
    return value * _MM_PER[unit] / _MM_PER[to]
