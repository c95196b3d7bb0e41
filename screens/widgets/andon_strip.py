"""One line on home while the line has open exceptions: how many, and the highest level any
reached. It reads them itself, now and then, on a worker thread; hidden while there are none,
so a handheld's few lines go to the tasks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.widgets import Static

from kiosk.andon_values import AndonSummary
from kiosk.i18n import Translator


class AndonStrip(Static):
    DEFAULT_CSS = """
    AndonStrip {
        display: none; height: 1; width: 100%; padding: 0 1;
        background: $warning; color: $text; text-style: bold;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    AndonStrip.-shown { display: block; }
    AndonStrip.-escalated { background: $error; }
    """

    @dataclass
    class Loaded(Message):
        summary: AndonSummary

    def __init__(
        self, tr: Translator, load: Callable[[], AndonSummary], every_seconds: float = 5.0
    ) -> None:
        super().__init__("", markup=False)
        self._tr = tr
        self._load = load
        self._every = every_seconds
        self.summary = AndonSummary(0, 0, 0)

    def on_mount(self) -> None:
        self.set_interval(self._every, self._due)
        self.refresh_now()

    def _due(self) -> None:
        if self.screen.is_active:  # under another screen nobody sees it: no reads
            self.refresh_now()

    def refresh_now(self) -> None:
        if self.is_mounted:
            self._read()

    @work(thread=True, exit_on_error=False, exclusive=True, group="andon-strip")
    def _read(self) -> None:
        self.post_message(self.Loaded(self._load()))

    def on_andon_strip_loaded(self, message: Loaded) -> None:
        message.stop()
        self.show(message.summary)

    def show(self, summary: AndonSummary) -> None:
        self.summary = summary
        self.set_class(summary.open > 0, "-shown")
        self.set_class(summary.highest_level > 0, "-escalated")
        if summary.open:
            key = "andon.strip_one" if summary.open == 1 else "andon.strip"
            self.update(self._tr(key, count=summary.open, level=summary.highest_level))
