"""Function-key bar: big, translated labels for the screen's bindings; also clickable."""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from kiosk.i18n import Translator


class KeyBar(Static):
    """Shows every shown binding of the screen as `F2 Start`; disabled ones are dimmed.

    Binding descriptions are catalog keys, translated here, so one screen class serves
    every language.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 3;
        background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self._tr = tr

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._redraw)
        self._redraw(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _redraw(self, screen: Screen[object]) -> None:
        if screen is not self.screen:
            return
        chips: list[Content] = []
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show:
                continue
            key = self.app.get_key_display(binding)
            label = self._tr(binding.description)
            click = f"@click=screen.{binding.action}" if enabled else "dim"
            key_style = f"bold reverse {click}" if enabled else "dim"
            chips.append(Content.assemble((f" {key} ", key_style), (f" {label}", click)))
        self.update(Content("  ").join(chips))
