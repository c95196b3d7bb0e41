"""The daily equipment check (点检) of one machine: one row per item, answered by keys (pass
or fail) or by a typed reading; F2, or Enter on the last item, submits. Nothing is recorded
until every item has an answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from kiosk.clock import Clock
from kiosk.daily_check_values import Answer, CheckDone, CheckItem, CheckKind
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.work import Refusal, Refused
from screens.base import SignedInScreen
from screens.widgets.check_rows import Answered, PassFailRow, ValueRow
from screens.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from kiosk.daily_check import DailyCheckService


class DailyCheckScreen(SignedInScreen):
    BINDINGS = [
        Binding("f2", "submit", "key.check_submit", key_display="F2"),
        Binding("f10", "back", "key.back", key_display="F10"),
        Binding("escape", "back", "key.back", show=False),
        Binding("up", "app.focus_previous", show=False),
        Binding("down", "app.focus_next", show=False),
    ]
    DEFAULT_CSS = """
    DailyCheckScreen #title { width: 100%; padding: 0 1; text-style: bold; }
    DailyCheckScreen #hint { height: auto; padding: 0 1; color: $text-muted; }
    DailyCheckScreen #items { height: 1fr; }
    """

    @dataclass
    class Done(Message):
        done: CheckDone

    @dataclass
    class RefusedMessage(Message):
        reason: str

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        equipment: str,
        items: list[CheckItem],
        checks: DailyCheckService,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._equipment = equipment
        self._checks = checks
        self._rows = [_row(tr, n, item) for n, item in enumerate(items, start=1)]

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Label(self.tr("check.title", equipment=self._equipment), id="title")
        yield Static(self.tr("check.hint"), id="hint")
        yield VerticalScroll(*self._rows, id="items")
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self._rows[0].focus_answer()

    @work(thread=True, exit_on_error=False, exclusive=True, group="submit")
    def _submit(self, answers: dict[str, Answer]) -> None:
        try:
            done = self._checks.submit(self._equipment, answers, self.user)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Done(done))

    def on_answered(self, message: Answered) -> None:
        """On to the next item; Enter on the last one submits the check."""
        index = next(i for i, row in enumerate(self._rows) if row is message.row)
        if index + 1 < len(self._rows):
            self._rows[index + 1].focus_answer()
        elif message.enter:
            self.action_submit()

    def on_daily_check_screen_done(self, message: Done) -> None:
        done = message.done
        if done.passed:
            self.notify(self.tr("check.passed", equipment=done.equipment))
        else:
            self.app.bell()
            failed = ", ".join(r.item.text for r in self._rows if r.item.code in done.failed_items)
            text = self.tr("check.failed", equipment=done.equipment, items=failed)
            self.notify(text, severity="error", timeout=15)
        self.dismiss()

    def on_daily_check_screen_refused_message(self, message: RefusedMessage) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{message.reason}"), severity="error", timeout=8)
        if message.reason == Refusal.CHECK_INCOMPLETE:
            first = next((row for row in self._rows if row.answer() is None), None)
            if first is not None:
                first.focus_answer()

    def action_submit(self) -> None:
        if any(w.group == "submit" and not w.is_finished for w in self.workers):
            return  # a second press (gloves) waits for the first
        answers: dict[str, Answer] = {}
        for row in self._rows:
            answer = row.answer()
            if answer is not None:
                answers[row.item.code] = answer
        self._submit(answers)

    def action_back(self) -> None:
        self.dismiss()


def _row(tr: Translator, number: int, item: CheckItem) -> PassFailRow | ValueRow:
    if item.kind is CheckKind.VALUE:
        return ValueRow(tr, number, item)
    return PassFailRow(tr, number, item)
