"""Asks for one line: a serial number, or (masked) a badge. Enter answers, Escape cancels;
an optional line (a note) may be answered empty."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from kiosk.i18n import Translator
from screens.scan_arrived import ScanArrived
from screens.widgets.scan_input import ScanInput


class TextPrompt(ModalScreen[str | None]):
    ACCEPTS_SCANS = True  # a scanned serial number answers it like a typed one
    BINDINGS = [Binding("escape", "cancel", "key.cancel")]
    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt > Vertical {
        width: 50; max-width: 100%; height: auto;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    TextPrompt Label { width: 100%; text-style: bold; }
    """

    def __init__(
        self,
        tr: Translator,
        title_key: str,
        placeholder_key: str,
        masked: bool = False,
        optional: bool = False,
    ) -> None:
        super().__init__()
        self._tr = tr
        self._title_key = title_key
        self._placeholder_key = placeholder_key
        self._masked = masked
        self._optional = optional

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._tr(self._title_key))
            yield ScanInput(password=self._masked, placeholder=self._tr(self._placeholder_key))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() or self._optional:
            self.dismiss(event.value.strip())

    def on_scan_arrived(self, message: ScanArrived) -> None:
        if message.scan.text.strip():
            self.dismiss(message.scan.text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
