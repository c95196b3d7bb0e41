"""Home: the tasks dispatched to this station, the selected one in detail, F-key actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable

from devices.labels.templates import ProductLabel
from kiosk.andon_values import OpenException
from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import (
    BadgeScan,
    Command,
    CommandScan,
    MaterialLabel,
    SerialNumber,
    interpret,
)
from kiosk.clock import Clock
from kiosk.device_names import BADGE_READER
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.report_values import Reported, ReportRequest, ReportSheet, ScrapReason
from kiosk.roles import Permission
from kiosk.serial_values import SerialBinding
from kiosk.work import (
    OperationStatus,
    PauseReason,
    Refusal,
    Refused,
    ReprintReason,
    Task,
    TaskDetail,
)
from screens.andon_board import AndonBoardScreen
from screens.andon_raising import ANDON_COMMANDS, RaisesAndon
from screens.approval import Approval
from screens.choice_prompt import ChoicePrompt
from screens.equipment import EquipmentScreen
from screens.logout_requested import LogoutRequested
from screens.material_check import MaterialCheckScreen
from screens.nc_program import NcProgramScreen
from screens.report_form import ReportForm
from screens.scan_arrived import ScanArrived
from screens.sop_viewer import SopViewerScreen
from screens.sync_issues import SyncIssuesScreen
from screens.text_prompt import TextPrompt
from screens.trace import TraceScreen
from screens.widgets.andon_strip import AndonStrip
from screens.widgets.key_bar import KeyBar
from screens.widgets.task_detail import TaskDetailPane
from screens.widgets.task_table import TaskTable

if TYPE_CHECKING:
    from kiosk.services import Services
    from kiosk.sop_values import SopView
    from sync.station_state import SyncIssue

# Which selected-task status each action needs; the key bar dims the others.
_NEEDS = {
    "start": (OperationStatus.PENDING,),
    "pause": (OperationStatus.RUNNING,),
    "resume": (OperationStatus.PAUSED,),
    "report": (OperationStatus.RUNNING, OperationStatus.PAUSED),
}
_COMMAND_ACTIONS = {
    Command.START: "start",
    Command.PAUSE: "pause",
    Command.RESUME: "resume",
    Command.COMPLETE: "report",
    Command.REFRESH: "refresh",
    Command.HELP: "help",
    Command.LOGOUT: "logout",
    Command.TRACE: "trace",
    **ANDON_COMMANDS,
}
_WIDE_FROM = 90  # columns; below this the task list and the detail stack vertically
_DONE_MESSAGE = {"start": "task.started", "pause": "task.paused", "resume": "task.resumed"}


class HomeScreen(RaisesAndon):
    ACCEPTS_SCANS = True  # keyboard-wedge scans are routed here as ScanArrived
    BINDINGS = [
        # The work first: on a handheld's three lines of keys the rest may not show.
        Binding("f2", "start", "key.start", key_display="F2"),
        Binding("f3", "pause", "key.pause", key_display="F3"),
        Binding("f4", "resume", "key.resume", key_display="F4"),
        Binding("f12", "report", "key.report", key_display="F12"),
        Binding("ctrl+a", "andon", "key.andon", key_display="^A"),
        Binding("f9", "material", "key.material", key_display="F9"),
        Binding("f11", "sop", "key.sop", key_display="F11"),
        Binding("f10", "logout", "key.logout", key_display="F10"),
        Binding("f1", "help", "key.help", key_display="F1"),
        Binding("f5", "refresh", "key.refresh", key_display="F5"),
        Binding("f6", "label", "key.label", key_display="F6"),
        Binding("f7", "reprint", "key.reprint", key_display="F7"),
        Binding("f8", "sync_issues", "key.sync_issues", key_display="F8"),
        # Every F-key is taken; tracing is rarer than the work itself.
        Binding("ctrl+t", "trace", "key.trace", key_display="^T"),
        Binding("ctrl+g", "nc_program", "key.nc_program", key_display="^G"),
        Binding("ctrl+e", "equipment", "key.equipment", key_display="^E"),
        Binding("ctrl+x", "exceptions", "key.exceptions", key_display="^X"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (_WIDE_FROM, "-wide")]
    DEFAULT_CSS = """
    HomeScreen #work { height: 1fr; }
    HomeScreen.-wide TaskTable { width: 3fr; }
    HomeScreen.-wide TaskDetailPane { width: 2fr; }
    HomeScreen.-narrow #work { layout: vertical; }
    HomeScreen.-narrow TaskDetailPane { border-left: none; border-top: hkey $accent; }
    """

    @dataclass
    class Loaded(Message):
        tasks: list[Task]

    @dataclass
    class DetailLoaded(Message):
        detail: TaskDetail

    @dataclass
    class Changed(Message):
        task: Task
        verb: str

    @dataclass
    class RefusedMessage(Message):
        reason: str

    @dataclass
    class SopLoaded(Message):
        operation_id: str
        sop: SopView | None
        must_acknowledge: bool
        then_start: bool  # asked for by a start the SOP held back

    @dataclass
    class SerialAnswered(Message):
        binding: SerialBinding

    @dataclass
    class ReportSheetLoaded(Message):
        sheet: ReportSheet
        reasons: list[ScrapReason]

    @dataclass
    class ReportDone(Message):
        operation_id: str
        reported: Reported

    @dataclass
    class ReportRefused(Message):
        sheet: ReportSheet  # as it is now, for the team lead asked to approve
        request: ReportRequest
        reason: Refusal

    @dataclass
    class SyncIssuesLoaded(Message):
        issues: list[SyncIssue]

    @dataclass
    class Notice(Message):
        key: str
        values: dict[str, str]
        error: bool = False

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        services: Services,
        barcodes: BarcodeSection,
    ) -> None:
        super().__init__(tr, station, clock, user, services.andon)
        self._services = services
        self._barcodes = barcodes
        self._tasks: dict[str, Task] = {}
        self._detail: TaskDetail | None = None
        # Held, not queried: a resize or an answer may come before they have mounted.
        self._table = TaskTable(self.tr)
        self._pane = TaskDetailPane(self.tr)
        self._andon_strip = AndonStrip(self.tr, services.andon.summary)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield self._andon_strip
        with Horizontal(id="work"):
            yield self._table
            yield self._pane
        yield KeyBar(self.tr)

    def on_resize(self) -> None:
        narrow = self.size.width < _WIDE_FROM
        self._table.set_compact(narrow, self._today(), self._clock.monotonic())

    def on_mount(self) -> None:
        self._table.focus()
        self._pane.update(self.tr("home.loading"))
        self.set_interval(1.0, self._tick)
        self._load()

    # Workers: each blocking call answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self._services.tasks.open_tasks()))

    @work(thread=True, exit_on_error=False, exclusive=True, group="detail")
    def _load_detail(self, operation_id: str) -> None:
        self.post_message(self.DetailLoaded(self._services.tasks.detail(operation_id)))

    @work(thread=True, exit_on_error=False, group="act")
    def _act(self, verb: str, operation_id: str, reason: PauseReason | None) -> None:
        try:
            if verb == "start":
                task = self._services.tasks.start(operation_id, self.user)
            elif verb == "resume":
                task = self._services.tasks.resume(operation_id, self.user)
            else:
                assert reason is not None  # pausing always asks for one
                task = self._services.tasks.pause(operation_id, self.user, reason)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Changed(task, verb))
        if verb == "start" and self._services.qc.waiting_first_article(operation_id):
            self.post_message(self.Notice("qc.first_article_due", {}))

    # Answers from the workers.

    def on_home_screen_loaded(self, message: HomeScreen.Loaded) -> None:
        self._tasks = {task.operation_id: task for task in message.tasks}
        table = self._table
        table.show(message.tasks, self._today(), self._clock.monotonic())
        if not message.tasks:
            self._detail = None
            self._pane.show(None, self._today(), 0.0)
        self._selection_changed()

    def on_home_screen_detail_loaded(self, message: HomeScreen.DetailLoaded) -> None:
        operation_id = message.detail.task.operation_id
        if operation_id != self._selected():
            return
        # A start/pause answered while this was being read is newer: keep its state.
        newest = self._tasks.get(operation_id, message.detail.task)
        self._detail = TaskDetail(newest, message.detail.components)
        self._show_detail()

    def on_home_screen_changed(self, message: HomeScreen.Changed) -> None:
        task = message.task
        self._tasks[task.operation_id] = task
        self._table.update_task(task, self._today(), self._clock.monotonic())
        if self._detail is not None and self._detail.task.operation_id == task.operation_id:
            self._detail = TaskDetail(task, self._detail.components)
            self._show_detail()
        self.refresh_bindings()
        label = f"{task.work_order} {task.seq} {task.operation}"
        self.notify(self.tr(_DONE_MESSAGE[message.verb], task=label))

    def on_home_screen_refused_message(self, message: HomeScreen.RefusedMessage) -> None:
        operation_id = self._selected()
        if message.reason == Refusal.SOP_NOT_ACKNOWLEDGED and operation_id is not None:
            # Not a dead end: the SOP opens, and acknowledging it starts the operation.
            self.notify(self.tr(f"refusal.{message.reason}"), severity="warning")
            self._load_sop(operation_id, then_start=True)
            return
        self.app.bell()
        self.notify(self.tr(f"refusal.{message.reason}"), severity="error", timeout=8)
        self._load()

    async def on_scan_arrived(self, message: ScanArrived) -> None:
        """Command sheets act like the F-keys; other scans are named (their flows come later)."""
        if message.device == BADGE_READER:
            self.notify(self.tr("scan.badge_other", name=self.user.name), severity="warning")
            return
        meaning = interpret(message.scan.text, message.scan.symbology, self._barcodes)
        if isinstance(meaning, CommandScan):
            action = _COMMAND_ACTIONS.get(meaning.command)
            if action is None:
                self.notify(self.tr("scan.command_not_here"), severity="warning")
            elif self.check_action(action, ()):
                await self.run_action(action)
            else:
                self.app.bell()
                self.notify(self.tr("scan.command_not_here"), severity="warning")
        elif isinstance(meaning, MaterialLabel):
            summary = " ".join(filter(None, (meaning.part or meaning.gtin, meaning.lot)))
            self.notify(self.tr("scan.material", summary=summary))
        elif isinstance(meaning, SerialNumber):
            self._serial_scanned(meaning.serial)
        elif isinstance(meaning, BadgeScan):
            self.notify(self.tr("scan.badge_other", name=self.user.name), severity="warning")
        else:
            self.app.bell()
            self.notify(self.tr("scan.unknown", reason=meaning.reason), severity="error")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._selection_changed()

    # Actions (F-keys).

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None shows the key dimmed: it exists, but not for the selected task."""
        needed = _NEEDS.get(action)
        if needed is None:
            return True
        task = self._tasks.get(self._selected() or "")
        return True if task is not None and task.status in needed else None

    def action_start(self) -> None:
        self._act_on_selected("start")

    def action_resume(self) -> None:
        self._act_on_selected("resume")

    def action_pause(self) -> None:
        operation_id = self._selected()
        if operation_id is None or self._acting():
            return

        def paused(reason: str | None) -> None:
            if reason is not None:
                self._act("pause", operation_id, PauseReason(reason))

        reasons = [(reason.value, f"pause.{reason.value}") for reason in PauseReason]
        self.app.push_screen(ChoicePrompt(self.tr, "pause.title", reasons), paused)

    def action_label(self) -> None:
        """Print a product label for a unit of the selected task: its serial is asked for."""
        task = self._tasks.get(self._selected() or "")
        if task is None:
            self.notify(self.tr("task.none_selected"), severity="warning")
            return

        def serial_given(serial: str | None) -> None:
            if serial is not None:
                self._queue_label(task, serial)

        self.app.push_screen(TextPrompt(self.tr, "label.title", "label.placeholder"), serial_given)

    def action_reprint(self) -> None:
        def reason_given(reason: str | None) -> None:
            if reason is not None:
                self._reprint_last(ReprintReason(reason))

        reasons = [(reason.value, f"reprint.{reason.value}") for reason in ReprintReason]
        self.app.push_screen(ChoicePrompt(self.tr, "reprint.title", reasons), reason_given)

    @work(thread=True, exit_on_error=False, group="print")
    def _queue_label(self, task: Task, serial: str) -> None:
        try:
            label = ProductLabel(
                task.item_code, task.item_description, serial, task.work_order, self._today()
            )
        except ValueError:
            self.post_message(self.Notice("label.bad_serial", {"serial": serial}, error=True))
            return
        self._services.printing.enqueue(label, self.user)
        self.post_message(self.Notice("label.queued", {"serial": serial}))

    @work(thread=True, exit_on_error=False, group="print")
    def _reprint_last(self, reason: ReprintReason) -> None:
        last = self._services.printing.last_printed(self.user)
        if last is None:
            self.post_message(self.Notice("reprint.nothing", {}, error=True))
            return
        self._services.printing.reprint(last.job_id, self.user, reason)
        self.post_message(self.Notice("reprint.queued", {}))

    def action_material(self) -> None:
        """The material check of the selected task: its pick list, one verdict per scan."""
        task = self._tasks.get(self._selected() or "")
        if task is None:
            self.notify(self.tr("task.none_selected"), severity="warning")
            return
        screen = MaterialCheckScreen(
            self.tr,
            self._station,
            self._clock,
            self.user,
            task,
            self._services.materials,
            self._services.auth.authorize,
            self._barcodes,
        )
        self.app.push_screen(screen, lambda _: self._selection_changed())

    def action_nc_program(self) -> None:
        """The selected task's machine program: what it needs, and sending it to a machine."""
        task = self._tasks.get(self._selected() or "")
        if task is None:
            self.notify(self.tr("task.none_selected"), severity="warning")
            return
        screen = NcProgramScreen(
            self.tr, self._station, self._clock, self.user, task, self._services.nc
        )
        self.app.push_screen(screen)

    def action_sop(self) -> None:
        """The SOP of the selected task, in force today, in the operator's language."""
        operation_id = self._selected()
        if operation_id is None:
            self.notify(self.tr("task.none_selected"), severity="warning")
            return
        self._load_sop(operation_id, then_start=False)

    @work(thread=True, exit_on_error=False, exclusive=True, group="sop")
    def _load_sop(self, operation_id: str, then_start: bool) -> None:
        sop = self._services.sops.current(operation_id, self.user.language, self.user.user_id)
        needed = self._services.sops.needs_acknowledgement(operation_id, self.user) is not None
        self.post_message(self.SopLoaded(operation_id, sop, needed, then_start))

    def on_home_screen_sop_loaded(self, message: HomeScreen.SopLoaded) -> None:
        if message.sop is None:
            self.notify(self.tr("sop.none"), severity="warning")
            return

        def read(acknowledged: bool | None) -> None:
            if acknowledged:
                self._acknowledge(message.operation_id, message.then_start)

        viewer = SopViewerScreen(self.tr, message.sop, message.must_acknowledge)
        self.app.push_screen(viewer, read)

    @work(thread=True, exit_on_error=False, group="act")
    def _acknowledge(self, operation_id: str, then_start: bool) -> None:
        self._services.sops.acknowledge(operation_id, self.user)
        if not then_start:
            self.post_message(self.Notice("sop.acknowledged", {}))
            return
        try:
            task = self._services.tasks.start(operation_id, self.user)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Changed(task, "start"))

    # Serial numbers: a unit scanned is bound to the selected running operation.

    def _serial_scanned(self, sn: str) -> None:
        operation_id = self._selected()
        if operation_id is None:
            self.app.bell()
            self.notify(self.tr("task.none_selected"), severity="warning")
            return
        self._bind(operation_id, sn)

    @work(thread=True, exit_on_error=False, group="serial")
    def _bind(self, operation_id: str, sn: str) -> None:
        try:
            binding = self._services.serials.bind(operation_id, sn, self.user)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.SerialAnswered(binding))

    def on_home_screen_serial_answered(self, message: HomeScreen.SerialAnswered) -> None:
        binding = message.binding
        text = self.tr(
            f"serial.{binding.verdict.value}",
            sn=binding.sn,
            bound=binding.bound,
            planned=binding.planned,
            detail=binding.detail,
        )
        if binding.ok:
            self.notify(text)
        else:
            self.app.bell()
            self.notify(text, severity="error", timeout=8)

    # Reporting good and scrap (F12).

    def action_report(self) -> None:
        operation_id = self._selected()
        if operation_id is None or self._acting():
            return
        self._load_report_sheet(operation_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="report-sheet")
    def _load_report_sheet(self, operation_id: str) -> None:
        if self._services.qc.waiting_first_article(operation_id):
            # Said before the form, so nothing typed into it is lost to the refusal.
            self.post_message(self.RefusedMessage(Refusal.FIRST_ARTICLE_PENDING.value))
            return
        sheet = self._services.reports.sheet(operation_id)
        reasons = self._services.reports.scrap_reasons(self.user.language)
        self.post_message(self.ReportSheetLoaded(sheet, reasons))

    def on_home_screen_report_sheet_loaded(self, message: HomeScreen.ReportSheetLoaded) -> None:
        if not self.is_active:  # the person went elsewhere meanwhile: not over that
            return
        operation_id = message.sheet.operation_id

        def filled(request: ReportRequest | None) -> None:
            if request is not None:
                self._report(operation_id, request, None)

        form = ReportForm(self.tr, message.sheet, message.reasons, self._barcodes)
        self.app.push_screen(form, filled)

    @work(thread=True, exit_on_error=False, group="act")
    def _report(self, operation_id: str, request: ReportRequest, approver: SignedIn | None) -> None:
        try:
            reported = self._services.reports.report(operation_id, request, self.user, approver)
        except Refused as refused:
            sheet = self._services.reports.sheet(operation_id)
            self.post_message(self.ReportRefused(sheet, request, refused.reason))
            return
        self.post_message(self.ReportDone(operation_id, reported))

    def on_home_screen_report_refused(self, message: HomeScreen.ReportRefused) -> None:
        if message.reason is not Refusal.OVER_PLAN or not self.is_active:
            self.post_message(self.RefusedMessage(message.reason.value))
            return
        operation_id, request, sheet = message.sheet.operation_id, message.request, message.sheet

        def approved(approver: SignedIn | None) -> None:
            if approver is not None:
                self._report(operation_id, request, approver)

        self.app.bell()
        total = sheet.qty_good + sheet.qty_scrap + request.good + request.scrap
        detail = self.tr(
            "report.approval_detail",
            good=request.good,
            scrap=request.scrap,
            total=total,
            planned=sheet.qty_planned,
        )
        title = f"{self.tr('report.approval_title')}\n{detail}"
        approval = Approval(
            self.tr,
            self._services.auth.authorize,
            Permission.APPROVE_OVER_REPORT,
            title,
            self._barcodes,
        )
        self.app.push_screen(approval, approved)

    def on_home_screen_report_done(self, message: HomeScreen.ReportDone) -> None:
        done = message.reported
        key = "report.done_final" if done.final else "report.done"
        text = self.tr(key, good=done.good, scrap=done.scrap)
        if done.labels:
            text += " " + self.tr("report.labels", count=done.labels)
        self.notify(text)
        if done.label_problem:
            self.app.bell()
            problem = self.tr("report.label_problem", problem=done.label_problem)
            self.notify(problem, severity="error", timeout=15)
        self._load()

    def action_trace(self) -> None:
        """Scan a unit or a lot: where it went, and what went into it."""
        screen = TraceScreen(
            self.tr, self._station, self._clock, self.user, self._services.trace, self._barcodes
        )
        self.app.push_screen(screen)

    def action_equipment(self) -> None:
        """The station's machines: states, this shift's times, daily checks."""
        services = self._services
        screen = EquipmentScreen(
            self.tr,
            self._station,
            self._clock,
            self.user,
            services.equipment,
            services.daily_checks,
            services.maintenance,
            services.auth.authorize,
            self._barcodes,
        )
        self.app.push_screen(screen)

    def action_sync_issues(self) -> None:
        """Team leads and admins only: the hub's verdicts name people and what they did."""
        if not self.user.may(Permission.VIEW_SYNC_ISSUES):
            self.app.bell()
            self.notify(self.tr("refusal.not_permitted"), severity="error", timeout=8)
            return
        self._load_sync_issues()

    @work(thread=True, exit_on_error=False, exclusive=True, group="sync-issues")
    def _load_sync_issues(self) -> None:
        self.post_message(self.SyncIssuesLoaded(self._services.sync_issues()))

    def on_home_screen_sync_issues_loaded(self, message: HomeScreen.SyncIssuesLoaded) -> None:
        # Not on top any more (a second F8, a sign-out): one list, and only for who asked.
        if self.is_active:
            self.app.push_screen(
                SyncIssuesScreen(self.tr, self._station, self._clock, self.user, message.issues)
            )

    def on_home_screen_notice(self, message: HomeScreen.Notice) -> None:
        if message.error:
            self.app.bell()
        text = self.tr(message.key, **message.values)
        self.notify(text, severity="error" if message.error else "information")

    # Exceptions (andon): Ctrl+A raises one in two keys, a command sheet in one scan;
    # Ctrl+X shows the line's open ones.

    def andon_task(self) -> str | None:
        return self._selected()

    def andon_raised(self, exception: OpenException) -> None:
        self._andon_strip.refresh_now()

    def action_exceptions(self) -> None:
        board = AndonBoardScreen(
            self.tr,
            self._station,
            self._clock,
            self.user,
            self._services.andon,
            self._services.maintenance,
            self._services.auth.authorize,
            self._barcodes,
        )
        self.app.push_screen(board)

    def action_refresh(self) -> None:
        self._load()

    def action_help(self) -> None:
        self.notify(self.tr("help.text"), timeout=10)

    def action_logout(self) -> None:
        self.post_message(LogoutRequested(self.user))

    # Helpers.

    def _acting(self) -> bool:
        """A start/pause/resume is still on its way: a second press (gloves) waits for it."""
        return any(w.group == "act" and not w.is_finished for w in self.workers)

    def _act_on_selected(self, verb: str) -> None:
        if self._acting():
            return
        operation_id = self._selected()
        if operation_id is None:
            self.notify(self.tr("task.none_selected"), severity="warning")
            return
        self._act(verb, operation_id, None)

    def _selected(self) -> str | None:
        return self._table.selected_operation()

    def _selection_changed(self) -> None:
        self.refresh_bindings()
        operation_id = self._selected()
        if operation_id is not None:
            self._load_detail(operation_id)

    def _show_detail(self) -> None:
        self._pane.show(self._detail, self._today(), self._clock.monotonic())

    def _today(self) -> date:
        return self._clock.now().astimezone().date()

    def on_screen_resume(self) -> None:
        self._tick()  # the times stood still while another screen was on top
        self._andon_strip.refresh_now()

    def _tick(self) -> None:
        # Not `is_current`: Textual counts the screen just under the top one as current too.
        if not self.is_active:  # hidden: redrawing its times would only slow the one shown
            return
        now = self._clock.monotonic()
        table = self._table
        for task in self._tasks.values():
            if task.timer.running:
                table.update_time(task.operation_id, task.timer.elapsed(now))
        if self._detail is not None and self._detail.task.timer.running:
            self._show_detail()
