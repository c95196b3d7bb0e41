"""A table with a wide column set for the station screen and a compact one for a handheld."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CursorType

from kiosk.i18n import Translator

RowT = TypeVar("RowT")


class ColumnTable(DataTable[Text | str], Generic[RowT]):
    """Subclasses name their column keys in WIDE and COMPACT and give each row's cells and key.
    The rows last shown are kept, so a switch between wide and compact redraws them under the
    new columns instead of leaving the table empty until the next load."""

    DEFAULT_CSS = """
    ColumnTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    WIDE: ClassVar[tuple[str, ...]]
    COMPACT: ClassVar[tuple[str, ...]]
    LABELS: ClassVar[str]
    """The translation key of a column's label is LABELS followed by the column's key."""

    def __init__(self, tr: Translator, *, cursor_type: CursorType, id: str) -> None:
        super().__init__(cursor_type=cursor_type, zebra_stripes=True, id=id)
        self._tr = tr
        self._columns = self.WIDE
        self._rows: tuple[RowT, ...] = ()

    def on_mount(self) -> None:
        self._add_columns()

    def set_compact(self, compact: bool) -> None:
        columns = self.COMPACT if compact else self.WIDE
        if columns != self._columns:
            self._columns = columns
            self.clear(columns=True)
            self._add_columns()
            self._add_rows()

    def _add_columns(self) -> None:
        for name in self._columns:
            self.add_column(self._tr(f"{self.LABELS}{name}"), key=name)

    def _add_rows(self) -> None:
        for row in self._rows:
            cells = self._cells(row)
            self.add_row(*(cells[name] for name in self._columns), key=self._key(row))

    @abstractmethod
    def _cells(self, row: RowT) -> Mapping[str, Text | str]:
        """Every column's cell for the row, wide or compact: the shown ones are picked out."""

    @abstractmethod
    def _key(self, row: RowT) -> str:
        """The row's key in the table."""
