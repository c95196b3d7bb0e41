"""Material check (上料防错): scan each material label for the operation; one big verdict.

Scans are judged one at a time, in the order they came, each committed with its event
before its verdict shows. One long-lived thread judges them, fed by the screen's ScanLane:
a device scan goes from the reader thread straight to it, past the event loop, and a scan
waits for no thread to start.

A refused lot stays refused unless a team lead overrides it with a badge (read, scanned or
typed after F6) and a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label
from textual.worker import Worker, WorkerState, get_current_worker

from devices.scan import Scan
from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import BadgeScan, CommandScan, ScanMeaning, interpret
from kiosk.clock import Clock
from kiosk.device_names import BADGE_READER
from kiosk.i18n import Translator
from kiosk.identity import LoginResult, Outcome, SignedIn
from kiosk.material_check import (
    MaterialVerdict,
    OverrideReason,
    PickLine,
    Verification,
)
from kiosk.roles import Permission
from kiosk.work import Refused, Task
from screens.approval import Authorize
from screens.base import SignedInScreen
from screens.choice_prompt import ChoicePrompt
from screens.login import describe_refusal
from screens.pin_prompt import PinPrompt
from screens.scan_arrived import ScanArrived
from screens.scan_lane import Empty, ScanLane
from screens.text_prompt import TextPrompt
from screens.widgets.key_bar import KeyBar
from screens.widgets.pick_list import PickListTable
from screens.widgets.verdict_banner import VerdictBanner

if TYPE_CHECKING:
    from kiosk.materials import MaterialService

_WIDE_FROM = 60  # columns; below this the pick list shows fewer columns
# How often the idle judge looks whether its screen has gone (it is also told on unmount).
_JUDGE_IDLE_CHECK_SECONDS = 0.5


class MaterialCheckScreen(SignedInScreen):
    ACCEPTS_SCANS = True
    BINDINGS = [
        Binding("f6", "override", "key.override", key_display="F6"),
        Binding("f10", "back", "key.back", key_display="F10"),
        Binding("escape", "back", "key.back", show=False),
    ]
    DEFAULT_CSS = """
    MaterialCheckScreen #title { width: 100%; padding: 0 1; text-style: bold; }
    """

    @dataclass
    class PickListLoaded(Message):
        lines: tuple[PickLine, ...]

    @dataclass
    class Verified(Message):
        result: Verification
        approver: str = ""  # who overrode it, when it was an override

    @dataclass
    class RefusedMessage(Message):
        reason: str

    @dataclass
    class NotMaterial(Message):
        """A scan the judging thread does not judge: a badge, or a command."""

        scan: Scan
        meaning: ScanMeaning

    @dataclass
    class OverrideChecked(Message):
        badge: str
        result: LoginResult

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        task: Task,
        materials: MaterialService,
        authorize: Authorize,
        barcodes: BarcodeSection,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._job = task
        self._materials = materials
        self._authorize = authorize
        self._barcodes = barcodes
        self._lane = ScanLane()
        self.refused: Verification | None = None  # the last refusal a team lead may override

    def compose(self) -> ComposeResult:
        yield self.header()
        task = f"{self._job.work_order} {self._job.seq} {self._job.operation}"
        yield Label(self.tr("material.title", task=task), id="title")
        yield VerdictBanner(self.tr)
        yield PickListTable(self.tr)
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self._load()
        self._judge()
        self.post_message(ScanLane.Opened(self._lane))

    def on_screen_resume(self) -> None:
        self._lane.resume()

    def on_screen_suspend(self) -> None:
        self._lane.pause()  # a prompt on top gets the scans meant for it

    def on_unmount(self) -> None:
        self._lane.close()

    def on_resize(self) -> None:
        narrow = self.size.width < _WIDE_FROM
        self.query_one(PickListTable).set_compact(narrow)
        self.query_one(VerdictBanner).set_narrow(self.size.height < 24)

    # Workers: each blocking call answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="load")
    def _load(self) -> None:
        self.post_message(self.PickListLoaded(self._materials.pick_list(self._job.operation_id)))

    @work(thread=True, exit_on_error=False, exclusive=True, group="judge", name="judge")
    def _judge(self) -> None:
        """Judge the lane's scans, one at a time, until the screen goes."""
        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                scan = self._lane.next(timeout=_JUDGE_IDLE_CHECK_SECONDS)
            except Empty:
                continue
            if scan is None:
                return
            meaning = interpret(scan.text, scan.symbology, self._barcodes)
            if scan.source == BADGE_READER or isinstance(meaning, BadgeScan | CommandScan):
                self.post_message(self.NotMaterial(scan, meaning))
                continue
            try:
                result = self._materials.verify(self._job.operation_id, meaning, self.user)
            except Refused as refused:
                self.post_message(self.RefusedMessage(refused.reason.value))
                continue
            self.post_message(self.Verified(result))

    @work(thread=True, exit_on_error=False, exclusive=True, group="override")
    def _check_override(self, badge: str, pin: str | None) -> None:
        result = self._authorize(badge, pin, Permission.OVERRIDE_MATERIAL)
        self.post_message(self.OverrideChecked(badge, result))

    @work(thread=True, exit_on_error=False, exclusive=True, group="override")
    def _override(self, refused: Verification, approver: SignedIn, reason: OverrideReason) -> None:
        try:
            result = self._materials.override(refused, approver, reason, self.user)
        except Refused as refusal:
            self.post_message(self.RefusedMessage(refusal.reason.value))
            return
        self.post_message(self.Verified(result, approver.name))

    # Scans: judged one at a time, in the order they came.

    def on_scan_arrived(self, message: ScanArrived) -> None:
        self._lane.put(message.scan)  # a keyboard wedge's, or one that came while paused

    def on_material_check_screen_not_material(self, message: NotMaterial) -> None:
        meaning = message.meaning
        if message.scan.source == BADGE_READER:
            self._badge_for_override(message.scan.text.strip())
        elif isinstance(meaning, BadgeScan):  # a badge's barcode, read by the scanner
            self._badge_for_override(meaning.badge)
        else:
            self.notify(self.tr("scan.command_not_here"), severity="warning")

    # Answers from the workers.

    def on_material_check_screen_pick_list_loaded(self, message: PickListLoaded) -> None:
        self.query_one(PickListTable).show(message.lines)

    def on_material_check_screen_verified(self, message: Verified) -> None:
        result = message.result
        if message.approver:
            self.refused = None
            self.notify(self.tr("override.done", approver=message.approver, lot=result.lot_no))
        else:
            self.refused = result if result.overridable else None
        hint = self.tr("verdict.override_hint") if self.refused is not None else ""
        self.query_one(VerdictBanner).show(result, hint)
        self.query_one(PickListTable).show(result.pick_list)
        if result.verdict is not MaterialVerdict.OK:
            self.app.bell()

    def on_material_check_screen_refused_message(self, message: RefusedMessage) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{message.reason}"), severity="error", timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)  # reports a failure to the person
        if event.worker.group == "judge" and event.state is WorkerState.ERROR:
            self._judge()  # that scan was not committed; the next ones still get judged

    # Override: a team lead's badge, then a reason.

    def action_override(self) -> None:
        if self.refused is None:
            self.notify(self.tr("override.nothing"), severity="warning")
            return

        def badge_given(badge: str | None) -> None:
            if badge is not None:
                self._badge_for_override(badge)

        prompt = TextPrompt(self.tr, "override.badge", "override.badge_placeholder", masked=True)
        self.app.push_screen(prompt, badge_given)

    def _badge_for_override(self, badge: str) -> None:
        if self.refused is None:
            self.notify(self.tr("override.nothing"), severity="warning")
            return
        self._check_override(badge, None)

    def on_material_check_screen_override_checked(self, message: OverrideChecked) -> None:
        result = message.result
        refused = self.refused
        if refused is None:
            return
        if result.outcome is Outcome.OK and result.user is not None:
            approver = result.user

            def reason_given(reason: str | None) -> None:
                if reason is not None:
                    self._override(refused, approver, OverrideReason(reason))

            reasons = [(reason.value, f"override.{reason.value}") for reason in OverrideReason]
            self.app.push_screen(
                ChoicePrompt(self.tr, "override.reason_title", reasons), reason_given
            )
        elif result.outcome is Outcome.PIN_REQUIRED:

            def pin_given(pin: str | None) -> None:
                if pin is not None:
                    self._check_override(message.badge, pin)

            self.app.push_screen(PinPrompt(self.tr, result.name), pin_given)
        else:
            self.app.bell()
            self.notify(describe_refusal(self.tr, result), severity="error", timeout=8)

    def action_back(self) -> None:
        self.dismiss()
