"""A QC inspector's home after badge-in: what there is to inspect at this station (the open
inspections, and failed ones waiting for a disposition), the oldest first. Enter opens one;
the list refreshes itself, so a patrol raised meanwhile appears."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kiosk.clock import Clock
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.qc_values import InspectionDetail, InspectionStatus, InspectionSummary
from kiosk.work import Refused
from screens.base import SignedInScreen
from screens.inspection import InspectionScreen
from screens.logout_requested import LogoutRequested
from screens.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from kiosk.qc import QcService

REFRESH_SECONDS = 15.0
_WIDE_FROM = 60  # columns; narrower, each inspection takes two short lines


class QcHome(SignedInScreen):
    BINDINGS = [
        Binding("enter", "open", "key.qc_open", key_display="Enter"),
        Binding("f5", "refresh", "key.refresh", key_display="F5"),
        Binding("f10", "logout", "key.logout", key_display="F10"),
    ]
    DEFAULT_CSS = """
    QcHome #qc-title { width: 100%; padding: 0 1; text-style: bold; }
    QcHome #qc-list { height: 1fr; }
    """

    @dataclass
    class Loaded(Message):
        to_do: list[InspectionSummary]

    @dataclass
    class Opened(Message):
        detail: InspectionDetail

    @dataclass
    class RefusedMessage(Message):
        reason: str

    def __init__(
        self, tr: Translator, station: str, clock: Clock, user: SignedIn, qc: QcService
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._qc = qc
        self._to_do: list[InspectionSummary] = []

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Label(self.tr("qc.home_title", count="…"), id="qc-title")
        yield OptionList(id="qc-list")
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()
        self.set_interval(REFRESH_SECONDS, self._load)

    def on_screen_resume(self) -> None:
        self._load()  # back from an inspection: it may be done now

    def on_resize(self) -> None:
        self._show()

    # Workers: each blocking call answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self._qc.to_do(self.user.language)))

    @work(thread=True, exit_on_error=False, exclusive=True, group="open")
    def _open(self, inspection_id: str) -> None:
        try:
            detail = self._qc.detail(inspection_id, self.user.language)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Opened(detail))

    def on_qc_home_loaded(self, message: Loaded) -> None:
        self._to_do = message.to_do
        self._show()

    def on_qc_home_opened(self, message: Opened) -> None:
        if self.is_active:  # not if the person went elsewhere meanwhile
            self.app.push_screen(
                InspectionScreen(
                    self.tr, self._station, self._clock, self.user, self._qc, message.detail
                )
            )

    def on_qc_home_refused_message(self, message: RefusedMessage) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{message.reason}"), severity="error", timeout=8)
        self._load()

    # Actions.

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is not None and index < len(self._to_do):
            self._open(self._to_do[index].inspection_id)

    def action_refresh(self) -> None:
        self._load()

    def action_logout(self) -> None:
        self.post_message(LogoutRequested(self.user))

    # Helpers.

    def _show(self) -> None:
        self.query_one("#qc-title", Label).update(self.tr("qc.home_title", count=len(self._to_do)))
        options = self.query_one(OptionList)
        chosen = options.highlighted
        options.clear_options()
        if not self._to_do:
            options.add_option(Option(self.tr("qc.nothing_to_do"), disabled=True))
            return
        wide = self.size.width >= _WIDE_FROM
        for summary in self._to_do:
            options.add_option(Option(self._line(summary, wide), id=summary.inspection_id))
        options.highlighted = chosen if chosen is not None and chosen < len(self._to_do) else 0

    def _line(self, s: InspectionSummary, wide: bool) -> str:
        kind = self.tr(f"qc.kind.{s.kind.value}")
        if s.status is InspectionStatus.FAILED:
            state = self.tr("qc.to_disposition")
        else:
            state = self.tr("qc.samples_done", done=s.samples_done, size=s.sample_size)
        head = f"{s.number}  {kind}  {state}"
        where = s.operation or s.item_code
        if wide:
            return f"{head}  {where}  {s.checks}"
        return f"{head}\n  {where}"
