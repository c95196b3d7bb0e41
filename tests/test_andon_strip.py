"""Home's exception line reads the store only while home is the screen on top."""

from __future__ import annotations

import threading

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kiosk.andon_values import AndonSummary
from kiosk.config import Language
from kiosk.i18n import Translator
from screens.widgets.andon_strip import AndonStrip
from tests.test_app import wait_for


class Reads:
    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self) -> AndonSummary:  # on the strip's worker thread
        with self._lock:
            self.count += 1
        return AndonSummary(1, 0, 1)


class StripScreen(Screen[None]):
    def __init__(self, reads: Reads) -> None:
        super().__init__()
        self._reads = reads

    def compose(self) -> ComposeResult:
        yield AndonStrip(Translator(Language.EN), self._reads, every_seconds=0.02)


class OtherScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("a material check, an SOP…")


async def test_the_strip_reads_only_while_its_screen_is_on_top() -> None:
    reads = Reads()
    app: App[None] = App()
    async with app.run_test() as pilot:
        await app.push_screen(StripScreen(reads))
        await wait_for(pilot, lambda: reads.count >= 3)
        # The screen just under the top one is still "current" to Textual: that must not
        # count as seen, or home would keep reading (and redrawing) under every screen.
        await app.push_screen(OtherScreen())
        await pilot.pause(0.1)  # a read already started may still finish
        under = reads.count
        await pilot.pause(0.3)  # fifteen periods
        assert reads.count == under
        app.pop_screen()
        await wait_for(pilot, lambda: reads.count > under)
