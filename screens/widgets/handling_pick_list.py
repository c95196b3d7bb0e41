"""A work order's pick list for the material handler: required, picked, delivered, and
what is still to pick, in red with SHORT when stock cannot cover it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from kiosk.handling_values import HandlingLine
from kiosk.i18n import Translator
from screens.widgets.column_table import ColumnTable

WIDE_COLUMNS = ("item", "description", "required", "picked", "delivered", "to_pick")
# A handheld (40 columns) sees the part, what is picked and what is still to pick.
COMPACT_COLUMNS = ("item", "picked", "to_pick")


class HandlingPickTable(ColumnTable[HandlingLine]):
    WIDE = WIDE_COLUMNS
    COMPACT = COMPACT_COLUMNS
    LABELS = "handling.col_"

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr, cursor_type="none", id="handling-pick-list")

    def show(self, lines: Sequence[HandlingLine]) -> None:
        self._rows = tuple(lines)
        self.clear()
        self._add_rows()

    def _cells(self, line: HandlingLine) -> dict[str, Text | str]:
        if line.done:
            to_pick = Text("✓", style="bold green")
        elif line.short:
            short = self._tr("handling.short")
            to_pick = Text(f"{line.qty_to_pick:g} {short}", style="bold white on red")
        else:
            to_pick = Text(f"{line.qty_to_pick:g}", style="bold")
        return {
            "item": line.item_code,
            "description": line.description,
            "required": f"{line.qty_required:g} {line.unit}",
            "picked": f"{line.qty_picked:g}",
            "delivered": f"{line.qty_delivered:g}",
            "to_pick": to_pick,
        }

    def _key(self, line: HandlingLine) -> str:
        return line.item_code
