"""The work orders this station picks for: how far picking is, and a SHORT marker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.text import Text

from kiosk.handling_values import OrderPicking
from kiosk.i18n import Translator
from screens.widgets.column_table import ColumnTable

WIDE_COLUMNS = ("work_order", "product", "due", "progress", "short")
# A handheld (40 columns) sees which order, how far, and whether stock is short.
COMPACT_COLUMNS = ("work_order", "progress", "short")


class OrderTable(ColumnTable[OrderPicking]):
    """Rows are keyed by work order id."""

    WIDE = WIDE_COLUMNS
    COMPACT = COMPACT_COLUMNS
    LABELS = "handling.col_"

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr, cursor_type="row", id="orders")
        self._today = date.min

    def show(self, orders: Sequence[OrderPicking], today: date) -> None:
        """Replace the rows, keeping the cursor on the same order where it still exists."""
        selected = self.selected_order()
        self._rows, self._today = tuple(orders), today
        self.clear()
        self._add_rows()
        for index, order in enumerate(self._rows):
            if order.work_order_id == selected:
                self.move_cursor(row=index)

    def selected_order(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def number_of(self, work_order_id: str) -> str:
        return next((o.number for o in self._rows if o.work_order_id == work_order_id), "")

    def _cells(self, order: OrderPicking) -> dict[str, Text | str]:
        overdue = order.due_date < self._today
        if order.short:
            short = Text(f" {self._tr('handling.short')} {order.items_short} ", "bold white on red")
        elif order.items_picked == order.items:
            short = Text("✓", style="bold green")
        else:
            short = Text("")
        return {
            "work_order": order.number,
            "product": order.item_code,
            "due": Text(order.due_date.strftime("%m-%d"), style="bold red" if overdue else ""),
            "progress": f"{order.items_picked}/{order.items}",
            "short": short,
        }

    def _key(self, order: OrderPicking) -> str:
        return order.work_order_id
