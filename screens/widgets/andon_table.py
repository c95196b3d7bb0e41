"""The line's open exceptions: how long each has waited, what, how bad, how far escalated,
where, and who raised and acknowledged it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from kiosk.andon_values import OpenException
from kiosk.i18n import Translator
from screens.widgets.column_table import ColumnTable

WIDE_COLUMNS = (
    "code",
    "age",
    "category",
    "severity",
    "level",
    "where",
    "raised_by",
    "acknowledged_by",
)
# A handheld (40 columns) sees how long, what, how bad and how far; the rest is below it.
COMPACT_COLUMNS = ("age", "category", "severity", "level")
SEVERITY_STYLE = {
    "low": "",
    "medium": "bold",
    "high": "bold black on yellow",
    "critical": "bold white on red",
}


def format_age(seconds: float) -> str:
    """`7m`, `1h05m`: short enough for a handheld's column, the same in every language."""
    minutes = int(seconds) // 60
    return f"{minutes}m" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


class AndonTable(ColumnTable[OpenException]):
    """Rows are keyed by exception id."""

    WIDE = WIDE_COLUMNS
    COMPACT = COMPACT_COLUMNS
    LABELS = "andon.col_"
    DEFAULT_CSS = """
    AndonTable { height: 1fr; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr, cursor_type="row", id="andon-table")

    def show(self, exceptions: Sequence[OpenException]) -> None:
        """Replace the rows, keeping the cursor on the same exception where it is still open."""
        selected = self.selected_exception()
        selected_id = selected.exception_id if selected is not None else None
        self._rows = tuple(exceptions)
        self.clear()
        self._add_rows()
        for index, row in enumerate(self._rows):
            if row.exception_id == selected_id:
                self.move_cursor(row=index)

    def selected_exception(self) -> OpenException | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return next((row for row in self._rows if row.exception_id == row_key.value), None)

    def _cells(self, row: OpenException) -> dict[str, Text | str]:
        level = Text(f"▲{row.level}", "bold white on red") if row.level else Text("0", "dim")
        waiting = Text("—", "bold yellow")
        return {
            "code": row.code,
            "age": format_age(row.age_seconds),
            "category": self._word("category", row.category),
            "severity": Text(
                self._word("severity", row.severity), SEVERITY_STYLE.get(row.severity, "")
            ),
            "level": level,
            "where": where(row),
            "raised_by": row.raised_by or "—",
            "acknowledged_by": row.acknowledged_by or waiting,
        }

    def _key(self, row: OpenException) -> str:
        return row.exception_id

    def _word(self, prefix: str, code: str) -> str:
        """A value newer than this catalog (from a newer hub) is shown as it is."""
        key = f"{prefix}.{code}"
        text = self._tr(key)
        return code if text == key else text


def where(row: OpenException) -> str:
    """The equipment and the operation it is about, or at least its work center."""
    return " · ".join(filter(None, (row.equipment, row.operation))) or row.work_center
