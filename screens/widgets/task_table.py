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
COLUMNS = ("status", "work_order", "operation", "qty", "due", "item", "time")


def format_duration(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class TaskTable(DataTable[Text | str]):
    """Rows are keyed by operation id; `elapsed` values are refreshed by the screen."""

    DEFAULT_CSS = """
    TaskTable { height: 1fr; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="tasks")
        self._tr = tr

    def on_mount(self) -> None:
        for key in COLUMNS:
            self.add_column(self._tr(f"col.{key}"), key=key)

    def show(self, tasks: Sequence[Task], today: date, monotonic_now: float) -> None:
        """Replace the rows, keeping the cursor on the same operation where it still exists."""
        selected = self.selected_operation()
        self.clear()
        for task in tasks:
            self.add_row(*self._cells(task, today, monotonic_now), key=task.operation_id)
        if selected is not None:
            for index, task in enumerate(tasks):
                if task.operation_id == selected:
                    self.move_cursor(row=index)

    def update_task(self, task: Task, today: date, monotonic_now: float) -> None:
        for column, value in zip(COLUMNS, self._cells(task, today, monotonic_now), strict=True):
            self.update_cell(task.operation_id, column, value)

    def update_time(self, operation_id: str, seconds: float) -> None:
        self.update_cell(operation_id, "time", format_duration(seconds))

    def selected_operation(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def _cells(self, task: Task, today: date, monotonic_now: float) -> list[Text | str]:
        overdue = task.due_date < today
        return [
            Text(f" {self._tr(f'status.{task.status.value}')} ", style=STATUS_STYLE[task.status]),
            task.work_order,
            f"{task.seq} {task.operation}",
            f"{task.qty_good}/{task.qty_planned}",
            Text(task.due_date.strftime("%m-%d"), style="bold red" if overdue else ""),
            f"{task.item_code} {task.item_description}",
            format_duration(task.timer.elapsed(monotonic_now)),
        ]
