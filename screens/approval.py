"""A team lead approves one act: badge (reader, scanner or typed), then PIN if their role
needs one. Answers the approver, or None when cancelled; a refused badge stays asked for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import Worker

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import BadgeScan, interpret
from kiosk.device_names import BADGE_READER
from kiosk.i18n import Translator
from kiosk.identity import LoginResult, Outcome, SignedIn
from kiosk.roles import Permission
from screens.base import report_worker_failure
from screens.login import describe_refusal
from screens.pin_prompt import PinPrompt
from screens.scan_arrived import ScanArrived
from screens.widgets.scan_input import ScanInput

# Checks a badge (and PIN) for one act without signing anybody in (AuthService.authorize).
Authorize = Callable[[str, str | None, Permission], LoginResult]


class Approval(ModalScreen[SignedIn | None]):
    ACCEPTS_SCANS = True  # the team lead's badge, from the reader or the scanner
    BINDINGS = [Binding("escape", "cancel", "key.cancel")]
    DEFAULT_CSS = """
    Approval { align: center middle; }
    Approval > Vertical {
        width: 50; max-width: 100%; height: auto;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    Approval Label { width: 100%; text-style: bold; }
    Approval #why { width: 100%; color: $text-error; }
    """

    @dataclass
    class Checked(Message):
        badge: str
        result: LoginResult

    def __init__(
        self,
        tr: Translator,
        authorize: Authorize,
        permission: Permission,
        title: str,
        barcodes: BarcodeSection,
    ) -> None:
        super().__init__()
        self._tr = tr
        self._authorize = authorize
        self._permission = permission
        self._title = title
        self._barcodes = barcodes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title)
            yield ScanInput(password=True, placeholder=self._tr("override.badge_placeholder"))
            yield Static("", id="why")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self._check(event.value.strip(), None)

    def on_scan_arrived(self, message: ScanArrived) -> None:
        if message.device == BADGE_READER:
            self._check(message.scan.text.strip(), None)
            return
        meaning = interpret(message.scan.text, message.scan.symbology, self._barcodes)
        if isinstance(meaning, BadgeScan):
            self._check(meaning.badge, None)
        else:
            self.app.bell()
            self.query_one("#why", Static).update(self._tr("approval.not_a_badge"))

    @work(thread=True, exit_on_error=False, exclusive=True, group="approval")
    def _check(self, badge: str, pin: str | None) -> None:
        self.post_message(self.Checked(badge, self._authorize(badge, pin, self._permission)))

    def on_approval_checked(self, message: Checked) -> None:
        result = message.result
        if result.outcome is Outcome.OK and result.user is not None:
            self.dismiss(result.user)
        elif result.outcome is Outcome.PIN_REQUIRED:

            def pin_given(pin: str | None) -> None:
                if pin is not None:
                    self._check(message.badge, pin)

            self.app.push_screen(PinPrompt(self._tr, result.name), pin_given)
        else:
            self.app.bell()
            self.query_one("#why", Static).update(describe_refusal(self._tr, result))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self.app, self._tr, event)

    def action_cancel(self) -> None:
        self.dismiss(None)
