"""Badge login: scan or type a badge; a PIN prompt follows where the role needs one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label
from textual.worker import Worker, WorkerState

from devices.badge_format import BadgeRejected, normalise_badge
from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import BadgeScan, UnknownScan, interpret
from kiosk.clock import Clock
from kiosk.device_names import BADGE_READER, KEYBOARD
from kiosk.i18n import Translator
from kiosk.identity import LoginResult, Outcome, SignedIn
from screens.base import StationScreen
from screens.pin_prompt import PinPrompt
from screens.scan_arrived import ScanArrived
from screens.widgets.key_bar import KeyBar
from screens.widgets.scan_input import ScanInput
from screens.widgets.station_header import StationHeader

if TYPE_CHECKING:  # the service module loads the database layer: not needed to draw
    from kiosk.auth import AuthService

MESSAGE_SECONDS = 30.0


class LoginScreen(StationScreen):
    ACCEPTS_SCANS = True  # keyboard-wedge scans are routed here as ScanArrived
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen #login-box {
        width: 60; max-width: 100%; height: auto;
        border: heavy $accent; padding: 0 1;
    }
    LoginScreen #title { text-style: bold; width: 100%; content-align: center middle; }
    LoginScreen #hint { color: $text-muted; width: 100%; }
    LoginScreen #message { width: 100%; min-height: 2; }
    LoginScreen #message.-error { color: $error; text-style: bold; }
    """

    @dataclass
    class Shown(Message):
        """The login screen has been drawn: the app may now load what is slower."""

    @dataclass
    class SignedInMessage(Message):
        user: SignedIn

    @dataclass
    class Checked(Message):
        badge: str
        result: LoginResult

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        barcodes: BarcodeSection,
        badge_format: str,
    ) -> None:
        super().__init__(tr)
        self._station = station
        self._clock = clock
        self._barcodes = barcodes
        self._badge_format = badge_format
        self._auth: AuthService | None = None
        # A scan that came while the database was opening or another badge was being
        # checked: one check at a time, and the newest scan is the one that counts.
        self._waiting_badge: str | None = None
        self._checking = False
        self._fade: Timer | None = None

    def compose(self) -> ComposeResult:
        yield StationHeader(self._station, self.tr("header.nobody"), self.tr, self._clock)
        with Vertical(id="login-box"):
            yield Label(self.tr("login.title"), id="title")
            yield Label(self.tr("login.hint"), id="hint")
            yield ScanInput(password=True, placeholder=self.tr("login.placeholder"), id="badge")
            yield Label(self.tr("login.starting"), id="message")
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self.query_one("#badge", Input).focus()
        self.call_after_refresh(self.post_message, self.Shown())

    def services_ready(self, auth: AuthService) -> None:
        self._auth = auth
        self.say("")
        self._check_waiting()

    def _check_waiting(self) -> None:
        if self._waiting_badge is not None:
            badge, self._waiting_badge = self._waiting_badge, None
            self._check(badge, None)

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#message", Label)
        message.update(text)
        message.set_class(error, "-error")
        if error:
            self.app.bell()
        # One person's message is not for the next one at the terminal.
        if self._fade is not None:
            self._fade.stop()
        self._fade = self.set_timer(MESSAGE_SECONDS, lambda: message.update("")) if text else None

    def on_screen_resume(self) -> None:
        self.query_one("#badge", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.badge_entered(event.value.strip())

    def on_scan_arrived(self, message: ScanArrived) -> None:
        """A badge reader's card, or a badge barcode shown to the scanner."""
        if message.device == BADGE_READER:
            read = normalise_badge(message.scan.text, self._badge_format)
            if isinstance(read, BadgeRejected):
                self.say(self.tr("scan.bad_badge", reason=read.reason), error=True)
                return
            self.badge_entered(read.value)
            return
        meaning = interpret(message.scan.text, message.scan.symbology, self._barcodes)
        if isinstance(meaning, BadgeScan):
            self.badge_entered(meaning.badge)
        elif message.device == KEYBOARD and isinstance(meaning, UnknownScan):
            # A keyboard-wedge badge reader types card ids that look like nothing else; they
            # are read as the badge reader's format, as a serial reader's would be.
            read = normalise_badge(message.scan.text, self._badge_format)
            if isinstance(read, BadgeRejected):
                self.say(self.tr("scan.bad_badge", reason=read.reason), error=True)
            else:
                self.badge_entered(read.value)
        else:
            self.say(self.tr("scan.badge_first"), error=True)

    def badge_entered(self, badge: str) -> None:
        if not badge:
            return
        if self._auth is None or self._checking:
            self._waiting_badge = badge
            return
        self._check(badge, None)

    def _check(self, badge: str, pin: str | None) -> None:
        self._checking = True
        self.say(self.tr("login.checking"))
        self._check_badge(badge, pin)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.state is WorkerState.ERROR:
            self._checking = False
            self.say("")

    @work(thread=True, exit_on_error=False, exclusive=True, group="login")
    def _check_badge(self, badge: str, pin: str | None) -> None:
        assert self._auth is not None  # the caller made sure
        result = self._auth.badge(badge) if pin is None else self._auth.badge_and_pin(badge, pin)
        self.post_message(self.Checked(badge, result))

    def on_login_screen_checked(self, message: LoginScreen.Checked) -> None:
        self._checking = False
        result = message.result
        if result.outcome is Outcome.OK and result.user is not None:
            self.say("")
            self._waiting_badge = None  # somebody is signed in: later scans were for this
            self.post_message(self.SignedInMessage(result.user))
        elif result.outcome is Outcome.PIN_REQUIRED:
            self.say("")
            self._waiting_badge = None

            def with_pin(pin: str | None) -> None:
                if pin is not None:
                    self._check(message.badge, pin)

            self.app.push_screen(PinPrompt(self.tr, result.name), with_pin)
        else:
            self.say(describe_refusal(self.tr, result), error=True)
            self._check_waiting()


def describe_refusal(tr: Translator, result: LoginResult) -> str:
    """The message for a badge attempt that did not sign anybody in."""
    until = result.locked_until.astimezone().strftime("%H:%M") if result.locked_until else ""
    return tr(
        f"login.{result.outcome.value}",
        name=result.name,
        left=result.attempts_left,
        until=until,
    )
