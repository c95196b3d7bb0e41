"""Sync issues: the records the hub refused or flagged, newest first, for a team lead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from kiosk.clock import Clock
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from screens.base import SignedInScreen
from screens.widgets.key_bar import KeyBar
from sync.status import HubStatus

if TYPE_CHECKING:  # the module that reads them loads the database layer
    from sync.station_state import SyncIssue

_BADGE_STYLE = {"rejected": "bold white on red", "flagged": "bold black on yellow"}
# Payload fields that name what an event is about in the words of the shop floor, before
# the bare subject id.
_SUBJECT_FIELDS = ("work_order", "seq", "lot_no", "sn", "maintenance_order", "exception_id")


class SyncIssueList(VerticalScroll, can_focus=True):
    """Focused from the start, so a handheld without a mouse scrolls it with the arrows."""

    DEFAULT_CSS = """
    SyncIssueList { height: 1fr; padding: 0 1; }
    SyncIssueList > Static { margin-bottom: 1; }
    """


class SyncIssuesScreen(SignedInScreen):
    BINDINGS = [
        Binding("f10", "close", "key.close", key_display="F10"),
        Binding("escape", "close", "key.close", show=False),
    ]
    DEFAULT_CSS = """
    SyncIssuesScreen #sync-title { width: 100%; padding: 0 1; text-style: bold; }
    SyncIssuesScreen #sync-stopped {
        display: none; width: 100%; padding: 0 1; background: $error; color: $text;
    }
    SyncIssuesScreen #sync-stopped.-shown { display: block; }
    """

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        issues: Sequence[SyncIssue],
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._issues = issues

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Label(self.tr("sync.title", count=len(self._issues)), id="sync-title")
        yield Label("", id="sync-stopped", markup=False)
        with SyncIssueList():
            if not self._issues:
                yield Static(self.tr("sync.none"))
            for issue in self._issues:
                yield Static(self._card(issue))
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self.query_one(SyncIssueList).focus()
        self.watch(self.app, "hub_status", self._show_stopped, init=True)

    def _show_stopped(self, status: HubStatus | None) -> None:
        """Why nothing goes to the hub at all matters more than any single record."""
        banner = self.query_one("#sync-stopped", Label)
        blocked = status.blocked if status is not None else ""
        banner.update(self.tr("sync.stopped", reason=blocked))
        banner.set_class(bool(blocked), "-shown")

    def action_close(self) -> None:
        self.dismiss()

    def _card(self, issue: SyncIssue) -> RenderableType:
        tr = self.tr
        badge = Text.assemble(
            (f" {tr(f'sync.{issue.status}')} ", _BADGE_STYLE[issue.status]),
            " ",
            (tr(f"sync.{issue.status}_means"), "italic"),
        )
        facts = Table.grid(padding=(0, 1))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(overflow="fold")
        # Several flags come joined with ","; one line each reads the same in both languages.
        why = "\n".join(self._word("sync.reason", code) for code in issue.reason.split(",") if code)
        # Text, not str: a Rich table would read brackets in ids and hub text as markup.
        rows = [
            ("sync.when", Text(issue.occurred_at.astimezone().strftime("%m-%d %H:%M"))),
            ("sync.what", Text(self._word("sync.event", issue.type))),
            ("sync.who", Text(self._who(issue.user_id))),
            ("sync.subject", Text(_subject(issue))),
            ("sync.why", Text(why, style="bold")),
        ]
        if issue.detail:
            rows.append(("sync.detail", Text(issue.detail, style="dim")))
        for key, value in rows:
            facts.add_row(Text(tr(key)), value)
        return Group(badge, facts)

    def _word(self, prefix: str, code: str) -> str:
        """A code newer than this catalog (a newer hub) is shown as it is."""
        key = f"{prefix}.{code}"
        text = self.tr(key)
        return code if text == key else text

    def _who(self, user_id: str | None) -> str:
        if user_id is None:
            return "—"
        return self.user.name if user_id == self.user.user_id else user_id


def _subject(issue: SyncIssue) -> str:
    named = [str(issue.payload[field]) for field in _SUBJECT_FIELDS if field in issue.payload]
    return " ".join(named) or issue.subject_id or "—"
