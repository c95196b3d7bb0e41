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
        self._lines = tuple(lines)
        self.clear()
        for line in lines:
            cells: dict[str, Text | str] = {
                "item": line.item_code,
                "description": line.description,
                "required": f"{line.qty_required:g} {line.unit}",
                "loaded": f"{line.qty_loaded:g}",
                "short": _short(line),
            }
            self.add_row(*(cells[name] for name in self._columns), key=line.item_code)

    def _add_columns(self) -> None:
        for name in self._columns:
            self.add_column(self._tr(f"material.col_{name}"), key=name)


def _short(line: PickLine) -> Text:
    if line.qty_short <= 0:
        return Text("✓", style="bold green")
    return Text(f"{line.qty_short:g}", style="bold red")
