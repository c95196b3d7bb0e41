"""Choose why an operation is paused: arrows and Enter, or the reason's number."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kiosk.i18n import Translator
from kiosk.work import PauseReason

_REASONS = list(PauseReason)


class PauseReasonPrompt(ModalScreen[PauseReason | None]):
    BINDINGS = [
        Binding("escape", "cancel", "key.cancel"),
        *(
            Binding(str(number), f"choose({number - 1})", show=False)
            for number in range(1, len(_REASONS) + 1)
        ),
    ]
    DEFAULT_CSS = """
    PauseReasonPrompt { align: center middle; }
    PauseReasonPrompt > Vertical {
        width: 44; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface;
    }
    PauseReasonPrompt Label { width: 100%; text-style: bold; padding: 0 1; }
    PauseReasonPrompt OptionList { height: auto; max-height: 100%; border: none; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self._tr = tr

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._tr("pause.title"))
            yield OptionList(
                *(
                    Option(f"{number}  {self._tr(f'pause.{reason.value}')}", id=reason.value)
                    for number, reason in enumerate(_REASONS, start=1)
                )
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(_REASONS[event.option_index])

    def action_choose(self, index: int) -> None:
        self.dismiss(_REASONS[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
