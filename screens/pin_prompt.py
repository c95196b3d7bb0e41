"""Asks for a PIN, masked; Enter answers it, Escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from kiosk.i18n import Translator
from screens.widgets.scan_input import ScanInput

PROMPT_TIMEOUT_SECONDS = 30.0


class PinPrompt(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "key.cancel")]
    DEFAULT_CSS = """
    PinPrompt { align: center middle; }
    PinPrompt > Vertical {
        width: 40; max-width: 100%; height: auto;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    PinPrompt Label { width: 100%; text-style: bold; }
    """

    def __init__(self, tr: Translator, name: str) -> None:
        super().__init__()
        self._tr = tr
        self._name = name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._tr("pin.title", name=self._name))
            yield ScanInput(password=True, placeholder=self._tr("pin.placeholder"), id="pin")

    def on_mount(self) -> None:
        # Left open, the next person's badge scan would land here as a wrong PIN.
        self._timeout = self.set_timer(PROMPT_TIMEOUT_SECONDS, self.action_cancel)

    def on_key(self) -> None:
        self._timeout.reset()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value:
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
