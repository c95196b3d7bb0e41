"""Traceability (追溯): scan a unit's SN for its history, or a lot label for every unit built
from it; F2 types either. From the station's own store, so it works offline.

Lookups run on a worker each; only the answer to the latest question is shown, so a quick
second scan is never overwritten by the slower answer to the first. A scan that traces to
nothing keeps the last answer on screen and says why, with the bell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label
from textual.worker import Worker, WorkerState

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import CommandScan, ScanMeaning, interpret
from kiosk.clock import Clock
from kiosk.device_names import BADGE_READER
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.trace_values import SerialTrace, TraceAnswer, TraceMiss, TraceMissReason
from screens.base import SignedInScreen
from screens.scan_arrived import ScanArrived
from screens.text_prompt import TextPrompt
from screens.widgets.key_bar import KeyBar
from screens.widgets.trace_tree import TraceTree

if TYPE_CHECKING:
    from kiosk.traceability import TraceService

_WIDE_FROM = 60  # columns; below this the tree splits long lines in two


class TraceScreen(SignedInScreen):
    ACCEPTS_SCANS = True
    BINDINGS = [
        Binding("f2", "type", "key.trace_type", key_display="F2"),
        Binding("f10", "back", "key.back", key_display="F10"),
        Binding("escape", "back", "key.back", show=False),
    ]
    DEFAULT_CSS = """
    TraceScreen #trace-status { width: 100%; padding: 0 1; text-style: bold; }
    TraceScreen #trace-status.-miss { background: $error; color: $text; }
    """

    @dataclass
    class Traced(Message):
        asked: int  # which question this answers
        answer: TraceAnswer

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        trace: TraceService,
        barcodes: BarcodeSection,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._trace = trace
        self._barcodes = barcodes
        self._asked = 0

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Label(self.tr("trace.hint"), id="trace-status", markup=False)
        yield TraceTree(self.tr)
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self.query_one(TraceTree).focus()

    def on_resize(self) -> None:
        self.query_one(TraceTree).set_compact(self.size.width < _WIDE_FROM)

    # Workers: each lookup answers with a message.

    @work(thread=True, exit_on_error=False, group="trace")
    def _look_up_scan(self, asked: int, text: str, meaning: ScanMeaning) -> None:
        self.post_message(self.Traced(asked, self._trace.scanned(text, meaning)))

    @work(thread=True, exit_on_error=False, group="trace")
    def _look_up_typed(self, asked: int, text: str) -> None:
        meaning = interpret(text, None, self._barcodes)
        self.post_message(self.Traced(asked, self._trace.typed(text, meaning)))

    # Questions: a scan, or typed text.

    def on_scan_arrived(self, message: ScanArrived) -> None:
        if message.device == BADGE_READER:
            self._show_miss(TraceMiss(TraceMissReason.NOT_TRACEABLE, ""))
            return
        meaning = interpret(message.scan.text, message.scan.symbology, self._barcodes)
        if isinstance(meaning, CommandScan):
            self.app.bell()
            self.notify(self.tr("scan.command_not_here"), severity="warning")
            return
        self._look_up_scan(self._ask(), message.scan.text, meaning)

    def action_type(self) -> None:
        def typed(text: str | None) -> None:
            if text is not None:
                self._look_up_typed(self._ask(), text)

        prompt = TextPrompt(self.tr, "trace.type_title", "trace.type_placeholder")
        self.app.push_screen(prompt, typed)

    def _ask(self) -> int:
        self._asked += 1
        self._say(self.tr("trace.looking"))
        return self._asked

    # Answers.

    def on_trace_screen_traced(self, message: Traced) -> None:
        if message.asked != self._asked:
            return  # a newer question is on its way
        answer = message.answer
        if isinstance(answer, TraceMiss):
            self._show_miss(answer)
            return
        self.query_one(TraceTree).show(answer)
        if isinstance(answer, SerialTrace):
            self._say(self.tr("trace.serial_found", sn=answer.sn, count=len(answer.steps)))
        else:
            count = len(answer.serials)
            self._say(self.tr("trace.lot_found", lot=answer.lot_no, count=count))

    def _show_miss(self, miss: TraceMiss) -> None:
        self.app.bell()
        self._say(self.tr(f"trace.miss.{miss.reason.value}", subject=miss.subject), miss=True)

    def _say(self, text: str, miss: bool = False) -> None:
        status = self.query_one("#trace-status", Label)
        status.update(text)
        status.set_class(miss, "-miss")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)  # tells the person what failed
        if event.state is WorkerState.ERROR:
            self._say(self.tr("trace.hint"))  # not "looking it up" for ever

    def action_back(self) -> None:
        self.dismiss()
