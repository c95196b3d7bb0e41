"""What a scan does now (pick, deliver, receive), big and coloured by mode."""

from __future__ import annotations

from textual.widgets import Static

from kiosk.handling_values import Act
from kiosk.i18n import Translator


class ModeLine(Static):
    """One line on a handheld, three on a station; each mode has its own colour, so a
    glance tells the handler what the next scan will do."""

    DEFAULT_CSS = """
    ModeLine {
        width: 100%; height: 3; content-align: center middle; text-style: bold;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    ModeLine.-narrow { height: 1; }
    ModeLine.-pick { background: $primary; color: $text; }
    ModeLine.-deliver { background: $secondary; color: $text; }
    ModeLine.-receive { background: $accent; color: $text; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(id="mode")
        self._tr = tr

    def show(self, act: Act, order: str) -> None:
        for mode in Act:
            self.set_class(mode is act, f"-{mode.value}")
        self.update(self._tr(f"handling.mode.{act.value}", order=order or "-"))

    def set_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
