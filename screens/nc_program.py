"""Machine program (NC, 加工程序) of one task: what it needs, what is here, F2 sends it.

Shows the operation's program and the least version it needs, the newest version this
station holds, whether its checksum holds, its file and size, and the machines of the work
center it can go to (↑↓ choose). F2 sends to the chosen machine on a worker; the outcome
shows big: sent, refused with the reason, or failed with what failed. The service records
every send, refused or not, before its answer comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.clock import Clock
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.nc_values import NcProgramView, NcTransferResult, TransferOutcome
from kiosk.work import Refused, Task
from screens.base import SignedInScreen
from screens.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from kiosk.nc_programs import NcProgramService

_SHORT_BELOW = 24  # rows; below this the outcome banner is smaller
_WIDE_FROM = 60  # columns; below this a machine's folder or port is not shown


class NcProgramScreen(SignedInScreen):
    BINDINGS = [
        Binding("f2", "send", "key.send_program", key_display="F2"),
        Binding("f10", "back", "key.back", key_display="F10"),
        Binding("escape", "back", "key.back", show=False),
    ]
    DEFAULT_CSS = """
    NcProgramScreen #nc-title { width: 100%; height: 1; padding: 0 1; text-style: bold; }
    NcProgramScreen #nc-facts { width: 100%; height: auto; padding: 0 1; }
    NcProgramScreen #nc-machines { height: 1fr; min-height: 1; border: none; }
    NcProgramScreen #nc-outcome {
        width: 100%; height: 5; content-align: center middle;
        text-style: bold; background: $panel; color: $text;
    }
    NcProgramScreen #nc-why { width: 100%; height: 2; padding: 0 1; }
    NcProgramScreen.-short #nc-outcome { height: 3; }
    """

    @dataclass
    class Loaded(Message):
        view: NcProgramView

    @dataclass
    class Answered(Message):
        result: NcTransferResult

    @dataclass
    class RefusedMessage(Message):
        reason: str

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        task: Task,
        programs: NcProgramService,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._job = task
        self._programs = programs
        self.view: NcProgramView | None = None

    def compose(self) -> ComposeResult:
        yield self.header()
        task = f"{self._job.work_order} {self._job.seq} {self._job.operation}"
        yield Label(self.tr("nc.title", task=task), id="nc-title", markup=False)
        yield Static(self.tr("nc.loading"), id="nc-facts")
        yield OptionList(id="nc-machines")
        yield Static("", id="nc-outcome", markup=False)
        yield Static(self.tr("nc.hint"), id="nc-why", markup=False)
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    def on_resize(self) -> None:
        self.set_class(self.size.height < _SHORT_BELOW, "-short")
        if self.view is not None:
            self._show_machines(self.view)

    # Workers: each blocking call answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="load")
    def _load(self) -> None:
        try:
            view = self._programs.program(self._job.operation_id)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Loaded(view))

    @work(thread=True, exit_on_error=False, group="send")
    def _send(self, equipment: str) -> None:
        try:
            result = self._programs.send(self._job.operation_id, equipment, self.user)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Answered(result))

    # Answers from the workers.

    def on_nc_program_screen_loaded(self, message: Loaded) -> None:
        view = self.view = message.view
        self.query_one("#nc-facts", Static).update(self._facts(view))
        self._show_machines(view)
        if view.blocked_by is not None:
            reason = self.tr(f"refusal.{view.blocked_by.value}")
            self._why(self.tr("nc.will_refuse", reason=reason))
        if view.interrupted:
            self.app.bell()
            equipment = ", ".join(view.interrupted)
            why = self.tr("nc.interrupted_detail", equipment=equipment)
            self._outcome("nc.interrupted", "warning", why)

    def on_nc_program_screen_answered(self, message: Answered) -> None:
        result = message.result
        if result.outcome is TransferOutcome.SENT:
            why = self.tr(
                "nc.sent_detail",
                code=result.code,
                version=result.version,
                equipment=result.equipment,
                target=result.target,
            )
            self._outcome("nc.sent", "success", why)
            return
        self.log.error(f"program not sent to {result.equipment}: {result.detail}")
        self.app.bell()
        why = self.tr(f"nc.problem.{result.problem}", target=result.target)
        self._outcome("nc.failed", "error", why)

    def on_nc_program_screen_refused_message(self, message: RefusedMessage) -> None:
        self.app.bell()
        self._outcome("nc.refused", "error", self.tr(f"refusal.{message.reason}"))

    # Actions.

    def action_send(self) -> None:
        if self.view is None:  # still reading what there is to send
            return
        if any(w.group == "send" and not w.is_finished for w in self.workers):
            self.notify(self.tr("nc.busy"), severity="warning")  # a second press, gloves on
            return
        machines = self.query_one(OptionList)
        index = machines.highlighted
        option = machines.get_option_at_index(index) if index is not None else None
        equipment = option.id if option is not None and option.id is not None else ""
        self._outcome("nc.sending", "panel", self.tr("nc.sending_to", equipment=equipment))
        self._send(equipment)

    def action_back(self) -> None:
        self.dismiss()

    # Helpers.

    def _outcome(self, word_key: str, colour: str, why: str) -> None:
        outcome = self.query_one("#nc-outcome", Static)
        outcome.styles.background = self.app.theme_variables[colour]
        word = self.tr(word_key)
        # Spaced out: a short word stays readable across a cell at 120 columns.
        outcome.update(" ".join(word) if word.isascii() else word)
        self._why(why)

    def _show_machines(self, view: NcProgramView) -> None:
        """One line per machine; where it is (folder or port) only where that fits."""
        machines = self.query_one(OptionList)
        chosen = machines.highlighted
        machines.clear_options()
        if not view.machines:
            machines.add_option(Option(self.tr("nc.no_machines"), disabled=True))
            return
        wide = self.size.width >= _WIDE_FROM
        for m in view.machines:
            kind = self.tr(f"nc.kind.{m.kind}")
            where = f"{kind} {m.target}" if wide else kind
            machines.add_option(Option(f"{m.equipment}  {m.name}  ({where})", id=m.equipment))
        machines.highlighted = chosen if chosen is not None and chosen < len(view.machines) else 0

    def _why(self, text: str) -> None:
        self.query_one("#nc-why", Static).update(text)

    def _facts(self, view: NcProgramView) -> Table:
        tr = self.tr
        bad = "bold red"
        held = view.held
        needed = tr("nc.at_least", version=view.least_version) if view.least_version else "-"
        if held is None:
            here = Text(tr("nc.not_here") if view.code else "-", style=bad if view.code else "")
            checksum, file = Text("-"), Text("-")
        else:
            old = view.least_version is not None and held.version < view.least_version
            here = Text(
                tr("nc.too_old", version=held.version) if old else str(held.version),
                style=bad if old else "",
            )
            checksum = (
                Text(tr("nc.checksum_ok"), style="bold green")
                if held.checksum_ok
                else Text(tr("nc.checksum_bad"), style=bad)
            )
            file = Text(tr("nc.file_size", name=held.file_name or "-", size=held.size))
        rows = [
            ("nc.program", Text(view.code or tr("nc.none"), style="bold")),
            ("nc.version_needed", Text(needed)),
            ("nc.version_here", here),
            ("nc.checksum", checksum),
            ("nc.file", file),
        ]
        facts = Table.grid(padding=(0, 1))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(overflow="fold")
        for key, value in rows:
            facts.add_row(Text(tr(key)), value)
        return facts
