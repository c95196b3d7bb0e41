"""One daily-check item each: pass/fail by keys, or a reading typed in and judged at once
against the item's limits. An answer, or Enter, posts `Answered`, so the screen moves on."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from kiosk.daily_check_values import Answer, CheckItem
from kiosk.i18n import Translator


@dataclass
class Answered(Message):
    """The row was answered, or Enter was pressed on it: on to the next item. Only Enter
    submits from the last one, so the person sees their last answer before it is sent."""

    row: Widget
    enter: bool


def limits_text(item: CheckItem) -> str:
    """The limits of an item that has at least one."""
    unit = f" {item.unit}" if item.unit else ""
    if item.lsl is not None and item.usl is not None:
        return f"{item.lsl:g}–{item.usl:g}{unit}"
    if item.lsl is not None:
        return f"≥ {item.lsl:g}{unit}"
    return f"≤ {item.usl:g}{unit}"


class PassFailRow(Static, can_focus=True):
    BINDINGS = [
        Binding("1", "answer(True)", show=False),
        Binding("p", "answer(True)", show=False),
        Binding("2", "answer(False)", show=False),
        Binding("f", "answer(False)", show=False),
        Binding("enter", "next", show=False),
    ]
    DEFAULT_CSS = """
    PassFailRow { height: auto; padding: 0 1; border-left: blank; }
    PassFailRow:focus { background: $boost; border-left: thick $success; }
    PassFailRow.-bad { border-left: thick $error; }
    """

    def __init__(self, tr: Translator, number: int, item: CheckItem) -> None:
        super().__init__()
        self._tr = tr
        self._number = number
        self.item = item
        self._passed: bool | None = None

    def on_mount(self) -> None:
        self._redraw()

    def answer(self) -> Answer | None:
        return None if self._passed is None else Answer(passed=self._passed)

    def focus_answer(self) -> None:
        self.focus()

    def action_answer(self, passed: bool) -> None:
        self._passed = passed
        self._redraw()
        self.post_message(Answered(self, enter=False))

    def action_next(self) -> None:
        self.post_message(Answered(self, enter=True))

    def _redraw(self) -> None:
        text = Text(f"{self._number}. {self.item.text}\n")
        if self._passed is None:
            text.append(self._tr("check.unanswered"), style="bold yellow")
        elif self._passed:
            text.append(self._tr("check.pass"), style="bold green")
        else:
            text.append(self._tr("check.fail"), style="bold white on red")
        self.set_class(self._passed is False, "-bad")
        self.update(text)


class ValueRow(Vertical):
    DEFAULT_CSS = """
    ValueRow { height: auto; padding: 0 1; border-left: blank; }
    ValueRow:focus-within { background: $boost; border-left: thick $success; }
    ValueRow > Horizontal { height: 1; }
    ValueRow Input { width: 10; }
    ValueRow .verdict { width: 1fr; padding: 0 1; }
    ValueRow.-bad { border-left: thick $error; }
    ValueRow.-bad .verdict, ValueRow.-bad Input { color: $text-error; text-style: bold; }
    ValueRow.-good .verdict { color: $text-success; }
    """

    def __init__(self, tr: Translator, number: int, item: CheckItem) -> None:
        super().__init__()
        self._tr = tr
        self._number = number
        self.item = item
        self._value: float | None = None
        self._input = Input(type="number", compact=True, placeholder=tr("check.value_placeholder"))
        self._verdict = Static(self._limits(), classes="verdict")

    def compose(self) -> ComposeResult:
        yield Label(f"{self._number}. {self.item.text}")
        with Horizontal():
            yield self._input
            yield self._verdict

    def answer(self) -> Answer | None:
        return None if self._value is None else Answer(value=self._value)

    def focus_answer(self) -> None:
        self._input.focus()

    def enter_value(self, text: str) -> None:
        """A reading from a gauge: judged as if it had been typed."""
        self._input.value = text

    def on_input_changed(self, event: Input.Changed) -> None:
        """Judged as it is typed: a reading out of limits turns red at once."""
        event.stop()
        typed = event.value.strip()
        try:
            self._value = float(typed) if typed else None
            if self._value is not None and not math.isfinite(self._value):
                raise ValueError(typed)  # "1e999" reads as infinity: no reading
        except ValueError:
            self._value = None
            self._show(bad=True, good=False, verdict=self._tr("check.not_a_number"))
            return
        if self._value is None:
            self._show(bad=False, good=False, verdict=self._limits())
        elif self.item.within(self._value):
            self._show(bad=False, good=True, verdict=f"✓ {self._limits()}")
        else:
            limits = limits_text(self.item)
            self._show(bad=True, good=False, verdict=self._tr("check.out_of_limits", limits=limits))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(Answered(self, enter=True))

    def _show(self, bad: bool, good: bool, verdict: str) -> None:
        self.set_class(bad, "-bad")
        self.set_class(good, "-good")
        self._verdict.update(verdict)

    def _limits(self) -> str:
        if self.item.lsl is None and self.item.usl is None:
            return self.item.unit  # a reading without limits: any value passes
        return self._tr("check.limits", limits=limits_text(self.item))
