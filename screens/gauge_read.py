"""A reading from the measuring gauge, handed by the app to the screen on top."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from textual.message import Message


@dataclass
class GaugeRead(Message):
    # Only the screen it is given to handles it.
    bubble = False
    value: Decimal | None  # None: the line was not a reading
    unit: str | None = None  # "mm", "in" or "µm" when the gauge said; None: it did not
    problem: str = ""  # devices.gauge.GaugeProblem's value when it was not
