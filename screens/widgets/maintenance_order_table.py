"""The maintenance orders not yet closed: status colour first, so what waits reads at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from kiosk.i18n import Translator
from kiosk.maintenance_values import OrderStatus, OrderView
from screens.widgets.column_table import ColumnTable

STATUS_STYLE = {
    OrderStatus.OPEN: "bold white on red",  # nobody has taken it yet
    OrderStatus.CLAIMED: "bold black on yellow",
    OrderStatus.DONE: "bold black on green",  # repaired: waiting for a confirmation
    OrderStatus.CLOSED: "dim",
}
WIDE_COLUMNS = ("status", "number", "kind", "equipment", "age", "claimed_by", "title")
# A handheld (40 columns) sees which machine, how it stands and since when; the number's
# code tells two orders of one machine apart.
COMPACT_COLUMNS = ("status", "equipment", "age", "code")


def format_age(seconds: float) -> str:
    """Hours and minutes, the same in every language: 0:45, 26:05."""
    minutes = int(seconds) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


class MaintenanceOrderTable(ColumnTable[OrderView]):
    """Rows are keyed by order id."""

    WIDE = WIDE_COLUMNS
    COMPACT = COMPACT_COLUMNS
    LABELS = "maintenance.col_"

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr, cursor_type="row", id="orders")

    def show(self, orders: Sequence[OrderView]) -> None:
        """Replace the rows, keeping the cursor on the same order where it still exists."""
        selected = self.selected()
        self._rows = tuple(orders)
        self.clear()
        self._add_rows()
        for index, order in enumerate(self._rows):
            if selected is not None and order.order_id == selected.order_id:
                self.move_cursor(row=index)

    def selected(self) -> OrderView | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return next((o for o in self._rows if o.order_id == row_key.value), None)

    def _cells(self, order: OrderView) -> dict[str, Text | str]:
        status = self._tr(f"maintenance.status_{order.status.value}")
        return {
            "status": Text(f" {status} ", style=STATUS_STYLE[order.status]),
            "number": order.number,
            "code": order.number.rsplit("-", 1)[-1],
            "kind": self._tr(f"maintenance.kind_{order.kind}"),
            "equipment": order.equipment,
            "age": format_age(order.age_seconds),
            "claimed_by": order.claimed_by,
            "title": order.title,
        }

    def _key(self, order: OrderView) -> str:
        return order.order_id
