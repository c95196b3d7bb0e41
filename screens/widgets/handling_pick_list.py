"""A work order's pick list for the material handler: required, picked, delivered, and
what is still to pick, in red with SHORT when stock cannot cover it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from kiosk.handling_values import HandlingLine
from kiosk.i18n import Translator

WIDE_COLUMNS = ("item", "description", "required", "picked", "delivered", "to_pick")
# A handheld (40 columns) sees the part, what is picked and what is still to pick.
COMPACT_COLUMNS = ("item", "picked", "to_pick")


class HandlingPickTable(DataTable[Text | str]):
    DEFAULT_CSS = """
    HandlingPickTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(cursor_type="none", zebra_stripes=True, id="handling-pick-list")
        self._tr = tr
        self._columns: tuple[str, ...] = WIDE_COLUMNS
        self._lines: tuple[HandlingLine, ...] = ()

    def on_mount(self) -> None:
        self._add_columns()

    def set_compact(self, compact: bool) -> None:
        columns = COMPACT_COLUMNS if compact else WIDE_COLUMNS
        if columns != self._columns:
            self._columns = columns
            self.clear(columns=True)
            self._add_columns()
            self.show(self._lines)

    def show(self, lines: Sequence[HandlingLine]) -> None:
        self._lines = tuple(lines)
        self.clear()
        for line in self._lines:
            cells = self._cells(line)
            self.add_row(*(cells[name] for name in self._columns), key=line.item_code)

    def _add_columns(self) -> None:
        for name in self._columns:
            self.add_column(self._tr(f"handling.col_{name}"), key=name)

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
