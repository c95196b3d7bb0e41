"""The dispatched tasks as a table: status colour first, so it reads at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.text import Text
from textual.widgets import DataTable

from kiosk.i18n import Translator
from kiosk.work import OperationStatus, Task

STATUS_STYLE = {
    OperationStatus.PENDING: "",
    OperationStatus.RUNNING: "bold black on green",
    OperationStatus.PAUSED: "bold black on yellow",
    OperationStatus.DONE: "dim",
    OperationStatus.CANCELLED: "dim strike",
}
WIDE_COLUMNS = ("status", "work_order", "operation", "qty", "due", "item", "time")
# A handheld (40 columns) sees what tells tasks apart; the rest is in the detail pane.
COMPACT_COLUMNS = ("status", "work_order", "seq", "qty")


def format_duration(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class TaskTable(DataTable[Text | str]):
    """Rows are keyed by operation id; `elapsed` values are refreshed by the screen."""

    DEFAULT_CSS = """
    TaskTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="tasks")
        self._tr = tr
        self._columns: tuple[str, ...] = WIDE_COLUMNS
        self._tasks: list[Task] = []

    def on_mount(self) -> None:
        self._add_columns()

    def set_compact(self, compact: bool, today: date, monotonic_now: float) -> None:
        columns = COMPACT_COLUMNS if compact else WIDE_COLUMNS
        if columns != self._columns:
            self._columns = columns
            self.clear(columns=True)
            self._add_columns()
            self.show(self._tasks, today, monotonic_now)

    def show(self, tasks: Sequence[Task], today: date, monotonic_now: float) -> None:
        """Replace the rows, keeping the cursor on the same operation where it still exists."""
        selected = self.selected_operation()
        self._tasks = list(tasks)
        self.clear()
        for task in tasks:
            self.add_row(*self._cells(task, today, monotonic_now), key=task.operation_id)
        if selected is not None:
            for index, task in enumerate(tasks):
                if task.operation_id == selected:
                    self.move_cursor(row=index)

    def update_task(self, task: Task, today: date, monotonic_now: float) -> None:
        self._tasks = [task if t.operation_id == task.operation_id else t for t in self._tasks]
        for column, value in zip(
            self._columns, self._cells(task, today, monotonic_now), strict=True
        ):
            self.update_cell(task.operation_id, column, value)

    def update_time(self, operation_id: str, seconds: float) -> None:
        if "time" in self._columns:
            self.update_cell(operation_id, "time", format_duration(seconds))

    def _add_columns(self) -> None:
        for key in self._columns:
            self.add_column(self._tr(f"col.{key}"), key=key)

    def selected_operation(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def _cells(self, task: Task, today: date, monotonic_now: float) -> list[Text | str]:
        overdue = task.due_date < today
        cells: dict[str, Text | str] = {
            "status": Text(
                f" {self._tr(f'status.{task.status.value}')} ", style=STATUS_STYLE[task.status]
            ),
            "work_order": task.work_order,
            "seq": str(task.seq),
            "operation": f"{task.seq} {task.operation}",
            "qty": f"{task.qty_good}/{task.qty_planned}",
            "due": Text(task.due_date.strftime("%m-%d"), style="bold red" if overdue else ""),
            "item": f"{task.item_code} {task.item_description}",
            "time": format_duration(task.timer.elapsed(monotonic_now)),
        }
        return [cells[column] for column in self._columns]
