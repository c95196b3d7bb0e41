"""The selected task in full: quantities, dates, SOP and the materials it needs."""

from __future__ import annotations

from datetime import date

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.i18n import Translator
from kiosk.work import TaskDetail
from screens.widgets.task_table import STATUS_STYLE, format_duration


class TaskDetailPane(VerticalScroll, can_focus=True):
    """Focusable (Tab), so a handheld without a mouse can scroll it with the arrow keys."""

    DEFAULT_CSS = """
    TaskDetailPane {
        height: 1fr;
        border-left: vkey $accent;
        padding: 0 1;
    }
    TaskDetailPane:focus { border-left: vkey $success; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(id="detail")
        self._tr = tr
        # Held, not queried: an answer may come before the pane has mounted its child.
        self._body = Static("")

    def compose(self) -> ComposeResult:
        yield self._body

    def update(self, content: RenderableType) -> None:
        self._body.update(content)

    def show(self, detail: TaskDetail | None, today: date, monotonic_now: float) -> None:
        if detail is None:
            self.update(self._tr("home.empty"))
            return
        tr, task = self._tr, detail.task
        facts = Table.grid(padding=(0, 1))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column()
        due = Text(task.due_date.isoformat())
        if task.due_date < today:
            due.append(f" {tr('detail.overdue')}", style="bold red")
        facts.add_row(tr("detail.work_order"), task.work_order)
        facts.add_row(tr("detail.item"), f"{task.item_code} {task.item_description}")
        facts.add_row(tr("detail.operation"), f"{task.seq} {task.operation}")
        facts.add_row(tr("detail.work_center"), task.work_center)
        facts.add_row(
            tr("detail.quantity"),
            tr(
                "detail.qty",
                good=task.qty_good,
                scrap=task.qty_scrap,
                planned=task.qty_planned,
            ),
        )
        facts.add_row(tr("detail.due"), due)
        facts.add_row(tr("detail.priority"), str(task.priority))
        facts.add_row(
            tr("detail.status"),
            Text(tr(f"status.{task.status.value}"), style=STATUS_STYLE[task.status]),
        )
        facts.add_row(tr("detail.time"), format_duration(task.timer.elapsed(monotonic_now)))
        facts.add_row(tr("detail.sop"), task.sop_code or tr("detail.none"))
        parts = Table(title=tr("detail.components"), title_justify="left", expand=True)
        parts.add_column(tr("col.item"), ratio=3)
        parts.add_column("/1", justify="right")
        parts.add_column("Σ", justify="right")
        for part in detail.components:
            parts.add_row(
                f"{part.item_code} {part.description}",
                f"{part.qty_per_unit:g}",
                f"{part.qty_required:g} {part.unit}",
            )
        grid = Table.grid()
        grid.add_row(facts)
        if detail.components:
            grid.add_row(parts)
        self.update(grid)
