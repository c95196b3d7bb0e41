"""The line's open exceptions (Ctrl+X on home), wherever on the line they were raised; a team
lead acknowledges (F2) and resolves (F3) the selected one with their badge (and PIN).

The list reads itself again every few seconds, so ages and levels move while it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from kiosk.andon_values import OpenException, ReasonChoice, Resolution
from kiosk.barcodes.formats import BarcodeSection
from kiosk.clock import Clock
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.roles import Permission
from kiosk.work import Refused
from screens.approval import Approval, Authorize
from screens.base import SignedInScreen
from screens.choice_prompt import ChoicePrompt
from screens.text_prompt import TextPrompt
from screens.widgets.andon_table import AndonTable, where
from screens.widgets.key_bar import KeyBar
from screens.widgets.task_table import format_duration

if TYPE_CHECKING:
    from kiosk.andon import AndonService
    from kiosk.maintenance import MaintenanceService

_WIDE_FROM = 90  # columns; below this the table shows fewer columns


class AndonBoardScreen(SignedInScreen):
    BINDINGS = [
        Binding("f2", "acknowledge", "key.andon_ack", key_display="F2"),
        Binding("f3", "resolve", "key.andon_resolve", key_display="F3"),
        Binding("f4", "repair", "key.andon_repair", key_display="F4"),
        Binding("f5", "refresh", "key.refresh", key_display="F5"),
        Binding("f10", "close", "key.close", key_display="F10"),
        Binding("escape", "close", "key.close", show=False),
    ]
    DEFAULT_CSS = """
    AndonBoardScreen #andon-board-title { width: 100%; padding: 0 1; text-style: bold; }
    AndonBoardScreen #andon-detail {
        width: 100%; height: auto; max-height: 4; padding: 0 1;
        border-top: hkey $accent; color: $text-muted;
    }
    """

    @dataclass
    class Loaded(Message):
        exceptions: list[OpenException]

    @dataclass
    class ReasonsLoaded(Message):
        exception: OpenException
        causes: list[ReasonChoice]
        actions: list[ReasonChoice]

    @dataclass
    class Done(Message):
        key: str
        code: str
        seconds: float

    @dataclass
    class RepairOpened(Message):
        number: str
        equipment: str

    @dataclass
    class RefusedMessage(Message):
        reason: str

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        andon: AndonService,
        maintenance: MaintenanceService,
        authorize: Authorize,
        barcodes: BarcodeSection,
        refresh_seconds: float = 5.0,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._andon = andon
        self._maintenance = maintenance
        self._authorize = authorize
        self._barcodes = barcodes
        self._refresh_seconds = refresh_seconds
        self._table = AndonTable(self.tr)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Label(self.tr("andon.board_title", count="…"), id="andon-board-title")
        yield self._table
        yield Static("", id="andon-detail", markup=False)
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self._table.focus()
        self.set_interval(self._refresh_seconds, self._due)
        self._load()

    def on_resize(self) -> None:
        self._table.set_compact(self.size.width < _WIDE_FROM)

    def on_screen_resume(self) -> None:
        self._load()

    def _due(self) -> None:
        if self.is_active:  # a prompt on top: the list waits, the person is answering
            self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="andon-load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self._andon.open_exceptions()))

    def on_andon_board_screen_loaded(self, message: Loaded) -> None:
        self._table.show(message.exceptions)
        count = len(message.exceptions)
        self.query_one("#andon-board-title", Label).update(
            self.tr("andon.board_title", count=count)
        )
        self._show_detail()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self._table.selected_exception()
        detail = self.query_one("#andon-detail", Static)
        if row is None:
            detail.update(self.tr("andon.none"))
            return
        # What a handheld's columns leave out, the note first: it says what is wrong.
        raised = self.tr(
            "andon.detail_raised",
            name=row.raised_by or "—",
            time=row.raised_at.astimezone().strftime("%H:%M"),
            station=row.station_id,
        )
        acknowledged = (
            self.tr("andon.detail_acknowledged", name=row.acknowledged_by)
            if row.acknowledged_by
            else ""
        )
        facts = [row.note, where(row), row.code, raised, acknowledged]
        detail.update(" · ".join(fact for fact in facts if fact))

    # Acknowledging (F2).

    def action_acknowledge(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.acknowledged:
            self._refused("already_acknowledged")
            return

        def approved(lead: SignedIn | None) -> None:
            if lead is not None:
                self._acknowledge(row.exception_id, lead)

        title = self.tr("andon.ack_title", code=row.code, category=self._category(row))
        self.app.push_screen(self._approval(title), approved)

    @work(thread=True, exit_on_error=False, group="andon-act")
    def _acknowledge(self, exception_id: str, lead: SignedIn) -> None:
        try:
            done = self._andon.acknowledge(exception_id, lead)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Done("andon.acknowledged", done.code, done.seconds))

    # Resolving (F3): a team lead, then the cause, the action and a note.

    def action_resolve(self) -> None:
        row = self._selected()
        if row is not None:
            self._load_reasons(row)

    @work(thread=True, exit_on_error=False, exclusive=True, group="andon-reasons")
    def _load_reasons(self, row: OpenException) -> None:
        language = self.user.language
        causes, actions = self._andon.causes(language), self._andon.actions(language)
        self.post_message(self.ReasonsLoaded(row, causes, actions))

    def on_andon_board_screen_reasons_loaded(self, message: ReasonsLoaded) -> None:
        if not self.is_active:  # the person went elsewhere meanwhile
            return
        row = message.exception
        if not message.causes or not message.actions:
            self.app.bell()
            self.notify(self.tr("andon.no_reasons"), severity="error", timeout=8)
            return
        causes = [(reason.code, reason.name) for reason in message.causes]
        actions = [(reason.code, reason.name) for reason in message.actions]

        def approved(lead: SignedIn | None) -> None:
            if lead is not None:
                prompt = ChoicePrompt(self.tr, "andon.cause_title", causes, translated=True)
                self.app.push_screen(prompt, partial(self._cause_chosen, row, lead, actions))

        title = self.tr("andon.resolve_title", code=row.code, category=self._category(row))
        self.app.push_screen(self._approval(title), approved)

    def _cause_chosen(
        self,
        row: OpenException,
        lead: SignedIn,
        actions: list[tuple[str, str]],
        cause: str | None,
    ) -> None:
        if cause is not None:
            prompt = ChoicePrompt(self.tr, "andon.action_title", actions, translated=True)
            self.app.push_screen(prompt, partial(self._action_chosen, row, lead, cause))

    def _action_chosen(
        self, row: OpenException, lead: SignedIn, cause: str, action: str | None
    ) -> None:
        if action is None:
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self._resolve(row.exception_id, Resolution(cause, action, note), lead)

        prompt = TextPrompt(
            self.tr, "andon.resolve_note_title", "andon.resolve_note_placeholder", optional=True
        )
        self.app.push_screen(prompt, noted)

    @work(thread=True, exit_on_error=False, group="andon-act")
    def _resolve(self, exception_id: str, resolution: Resolution, lead: SignedIn) -> None:
        try:
            done = self._andon.resolve(exception_id, resolution, lead)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Done("andon.resolved", done.code, done.seconds))

    # A maintenance order for an equipment exception (F4).

    def action_repair(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.category != "equipment" or not row.equipment:
            self.app.bell()
            self.notify(self.tr("andon.repair_needs_equipment"), severity="warning", timeout=8)
            return
        self._open_repair(row.exception_id)

    @work(thread=True, exit_on_error=False, group="andon-act")
    def _open_repair(self, exception_id: str) -> None:
        try:
            order = self._maintenance.open_from_exception(exception_id, self.user)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.RepairOpened(order.number, order.equipment))

    def on_andon_board_screen_repair_opened(self, message: RepairOpened) -> None:
        text = self.tr("andon.repair_opened", number=message.number, equipment=message.equipment)
        self.notify(text)

    # Answers.

    def on_andon_board_screen_done(self, message: Done) -> None:
        self.notify(
            self.tr(message.key, code=message.code, duration=format_duration(message.seconds))
        )
        self._load()

    def on_andon_board_screen_refused_message(self, message: RefusedMessage) -> None:
        self._refused(message.reason)
        self._load()

    def action_refresh(self) -> None:
        self._load()

    def action_close(self) -> None:
        self.dismiss()

    # Helpers.

    def _selected(self) -> OpenException | None:
        row = self._table.selected_exception()
        if row is None:
            self.notify(self.tr("andon.none_selected"), severity="warning")
        return row

    def _approval(self, title: str) -> Approval:
        return Approval(
            self.tr, self._authorize, Permission.HANDLE_EXCEPTION, title, self._barcodes
        )

    def _refused(self, reason: str) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{reason}"), severity="error", timeout=8)

    def _category(self, row: OpenException) -> str:
        key = f"category.{row.category}"
        text = self.tr(key)
        return row.category if text == key else text
