"""The work orders this station picks for: how far picking is, and a SHORT marker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.text import Text
from textual.widgets import DataTable

from kiosk.handling_values import OrderPicking
from kiosk.i18n import Translator

WIDE_COLUMNS = ("work_order", "product", "due", "progress", "short")
# A handheld (40 columns) sees which order, how far, and whether stock is short.
COMPACT_COLUMNS = ("work_order", "progress", "short")


class OrderTable(DataTable[Text | str]):
    """Rows are keyed by work order id."""

    DEFAULT_CSS = """
    OrderTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="orders")
        self._tr = tr
        self._columns: tuple[str, ...] = WIDE_COLUMNS
        self._orders: list[OrderPicking] = []
        self._today = date.min

    def on_mount(self) -> None:
        self._add_columns()

    def set_compact(self, compact: bool) -> None:
        columns = COMPACT_COLUMNS if compact else WIDE_COLUMNS
        if columns != self._columns:
            self._columns = columns
            self.clear(columns=True)
            self._add_columns()
            self.show(self._orders, self._today)

    def show(self, orders: Sequence[OrderPicking], today: date) -> None:
        """Replace the rows, keeping the cursor on the same order where it still exists."""
        selected = self.selected_order()
        self._orders, self._today = list(orders), today
        self.clear()
        for order in orders:
            self.add_row(*self._cells(order), key=order.work_order_id)
        for index, order in enumerate(orders):
            if order.work_order_id == selected:
                self.move_cursor(row=index)

    def selected_order(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def number_of(self, work_order_id: str) -> str:
        return next((o.number for o in self._orders if o.work_order_id == work_order_id), "")

    def _add_columns(self) -> None:
        for key in self._columns:
            self.add_column(self._tr(f"handling.col_{key}"), key=key)

    def _cells(self, order: OrderPicking) -> list[Text | str]:
        overdue = order.due_date < self._today
        if order.short:
            short = Text(f" {self._tr('handling.short')} {order.items_short} ", "bold white on red")
        elif order.items_picked == order.items:
            short = Text("✓", style="bold green")
        else:
            short = Text("")
        cells: dict[str, Text | str] = {
            "work_order": order.number,
            "product": order.item_code,
            "due": Text(order.due_date.strftime("%m-%d"), style="bold red" if overdue else ""),
            "progress": f"{order.items_picked}/{order.items}",
            "short": short,
        }
        return [cells[column] for column in self._columns]
