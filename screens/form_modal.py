"""The frame both data-entry forms share (the work report, the repair record): a bordered
box of labelled fields, a problem line that says what is wrong without losing what was
typed, and one-line fields on a handheld's short screen."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.i18n import Translator

_SHORT_BELOW = 24  # rows; below this the fields lose their borders

Answer = TypeVar("Answer")


class FormModal(ModalScreen[Answer]):
    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > Vertical {
        max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    FormModal Label { width: 100%; text-style: bold; }
    FormModal #problem { width: 100%; color: $text-error; display: none; }
    FormModal #problem.-shown { display: block; }
    FormModal #body { height: auto; max-height: 100%; }
    FormModal .row { height: auto; }
    FormModal .row Label { padding: 1 0 0 0; text-style: none; }
    FormModal .row Input { width: 1fr; }
    FormModal.-short .row Label { padding: 0; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self._tr = tr

    def on_resize(self) -> None:
        short = self.app.size.height < _SHORT_BELOW
        self.set_class(short, "-short")
        for field in self.query(Input):
            field.compact = short  # one line each, no border

    def _problem(self, key: str) -> None:
        self.app.bell()
        self._say(self._tr(key))

    def _say(self, text: str) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(text)
        problem.add_class("-shown")

    def _clear_problem(self) -> None:
        self.query_one("#problem", Static).remove_class("-shown")
