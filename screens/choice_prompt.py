"""Choose one of a few reasons: the reason's number (or the arrows), then Enter.

A digit only moves the highlight: a stray digit (a scan arriving at the wrong moment, a
gloved finger) must not answer for the person.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kiosk.i18n import Translator

_MOST = 9  # one digit key per choice


class ChoicePrompt(ModalScreen[str | None]):
    """Answers the chosen value, or None when cancelled; labels are catalog keys, or text
    already in the person's language (`translated`, e.g. the plant's reason codes)."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel"),
        *(Binding(str(n), f"choose({n - 1})", show=False) for n in range(1, _MOST + 1)),
    ]
    DEFAULT_CSS = """
    ChoicePrompt { align: center middle; }
    ChoicePrompt > Vertical {
        width: 44; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface;
    }
    ChoicePrompt Label { width: 100%; text-style: bold; padding: 0 1; }
    ChoicePrompt OptionList { height: auto; max-height: 100%; border: none; }
    """

    def __init__(
        self,
        tr: Translator,
        title_key: str,
        choices: Sequence[tuple[str, str]],
        translated: bool = False,
    ) -> None:
        super().__init__()
        self._tr = tr
        self._translated = translated
        self._title_key = title_key
        # All choices are listed; the first nine also answer to their digit.
        self._values = [value for value, _ in choices]
        self._labels = [label for _, label in choices]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._tr(self._title_key))
            yield OptionList(
                *(
                    Option(f"{_digit(n)}{label if self._translated else self._tr(label)}")
                    for n, label in enumerate(self._labels, start=1)
                )
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._values[event.option_index])

    def action_choose(self, index: int) -> None:
        if index < len(self._values):
            self.query_one(OptionList).highlighted = index

    def action_cancel(self) -> None:
        self.dismiss(None)


def _digit(n: int) -> str:
    return f"{n}  " if n <= _MOST else "   "
