"""The operation's pick list: each component, what it needs, what is loaded, what is short."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from kiosk.i18n import Translator
from kiosk.material_check import PickLine

WIDE_COLUMNS = ("item", "description", "required", "loaded", "short")
# A handheld (40 columns) sees the part and how much is still missing.
COMPACT_COLUMNS = ("item", "loaded", "short")


class PickListTable(DataTable[Text | str]):
    DEFAULT_CSS = """
    PickListTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="pick-list")
        self._tr = tr
        self._columns: tuple[str, ...] = WIDE_COLUMNS
        self._lines: tuple[PickLine, ...] = ()

    def on_mount(self) -> None:
        self._add_columns()

    def set_compact(self, compact: bool) -> None:
        columns = COMPACT_COLUMNS if compact else WIDE_COLUMNS
        if columns != self._columns:
            self._columns = columns
            self.clear(columns=True)
            self._add_columns()
            self.show(self._lines)

    def show(self, lines: Sequence[PickLine]) -> None:
        lines = tuple(lines)
        same_rows = [line.item_code for line in lines] == [line.item_code for line in self._lines]
        self._lines = lines
        if same_rows and self.row_count == len(lines):
            # A scan changes a quantity or two: redraw those cells, not the table.
            for line in lines:
                cells = _cells(line)
                for name in ("loaded", "short"):
                    if name in self._columns:
                        self.update_cell(line.item_code, name, cells[name])
            return
        self.clear()
        for line in lines:
            cells = _cells(line)
            self.add_row(*(cells[name] for name in self._columns), key=line.item_code)

    def _add_columns(self) -> None:
        for name in self._columns:
            self.add_column(self._tr(f"material.col_{name}"), key=name)


def _cells(line: PickLine) -> dict[str, Text | str]:
    return {
        "item": line.item_code,
        "description": line.description,
        "required": f"{line.qty_required:g} {line.unit}",
        "loaded": f"{line.qty_loaded:g}",
        "short": _short(line),
    }


def _short(line: PickLine) -> Text:
    if line.qty_short <= 0:
        return Text("✓", style="bold green")
    return Text(f"{line.qty_short:g}", style="bold red")
