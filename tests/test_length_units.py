"""A gauge's reading in inches or micrometres, for a characteristic in millimetres."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.length_units import convert


@pytest.mark.parametrize(
    ("value", "unit", "to", "expected"),
    [
        ("0.0630", "in", "mm", "1.60020"),  # 0.063 × 25.4
        ("12", "µm", "mm", "0.012"),
        ("0.052", "mm", "µm", "52"),
        ("52", "um", "μm", "52"),  # spelled three ways, one unit
        ("1.5", "mm", "mm", "1.5"),
    ],
)
def test_lengths_convert_exactly(value: str, unit: str, to: str, expected: str) -> None:
    converted = convert(Decimal(value), unit, to)
    assert converted is not None and converted == Decimal(expected)


def test_a_length_for_something_that_is_not_a_length_has_no_value() -> None:
    assert convert(Decimal("12.3"), "mm", "N·m") is None
    assert convert(Decimal("12.3"), "kg", "mm") is None
