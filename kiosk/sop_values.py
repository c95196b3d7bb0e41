"""An SOP as the station shows it: a plain value, no storage (kiosk/sop.py finds it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SopView:
    """One version of an SOP in one language; `acknowledged` is for the person it was read
    for (False when read for nobody in particular)."""

    code: str
    version: int
    language: str
    title: str
    body: str  # Markdown
    effective_from: date
    acknowledged: bool
