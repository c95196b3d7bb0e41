"""The operation's pick list: each component, what it needs, what is loaded, what is short."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from kiosk.i18n import Translator
from kiosk.material_check import PickLine
from screens.widgets.column_table import ColumnTable

WIDE_COLUMNS = ("item", "description", "required", "loaded", "short")
# A handheld (40 columns) sees the part and how much is still missing.
COMPACT_COLUMNS = ("item", "loaded", "short")


class PickListTable(ColumnTable[PickLine]):
    WIDE = WIDE_COLUMNS
    COMPACT = COMPACT_COLUMNS
    LABELS = "material.col_"

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr, cursor_type="row", id="pick-list")

    def show(self, lines: Sequence[PickLine]) -> None:
        lines = tuple(lines)
        before = self._rows
        same_rows = [line.item_code for line in lines] == [line.item_code for line in before]
        self._rows = lines
        if same_rows and self.row_count == len(lines):
            # A scan changes a quantity or two (most change none): redraw those cells only,
            # since every update_cell redraws the table.
            for line, old in zip(lines, before, strict=True):
                if line == old:
                    continue
                cells = self._cells(line)
                for name in ("loaded", "short"):
                    if name in self._columns:
                        self.update_cell(line.item_code, name, cells[name])
            return
        self.clear()
        self._add_rows()

    def _cells(self, line: PickLine) -> dict[str, Text | str]:
        return {
            "item": line.item_code,
            "description": line.description,
            "required": f"{line.qty_required:g} {line.unit}",
            "loaded": f"{line.qty_loaded:g}",
            "short": _short(line),
        }

    def _key(self, line: PickLine) -> str:
        return line.item_code


def _short(line: PickLine) -> Text:
    if line.qty_short <= 0:
        return Text("✓", style="bold green")
    return Text(f"{line.qty_short:g}", style="bold red")
