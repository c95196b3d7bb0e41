"""The app shell: wires config, clock and services to the screens. No business rules here."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from devices.scan import DeviceState, Scan
from devices.wedge import WedgeDetector
from kiosk.clock import Clock
from kiosk.config import StationConfig
from kiosk.device_names import GAUGE, KEYBOARD
from kiosk.i18n import Translator
from kiosk.identity import LoginResult, LogoutReason, Outcome, SignedIn
from kiosk.idle import IdleWatch
from kiosk.roles import Permission
from kiosk.store.errors import StoreError
from screens.base import StationScreen, report_worker_failure
from screens.gauge_read import GaugeRead
from screens.login import LoginScreen, describe_refusal
from screens.logout_requested import LogoutRequested
from screens.scan_arrived import ScanArrived
from screens.scan_lane import ScanLane
from sync.status import HubStatus

# Only the login screen is needed for the first paint; the rest (and the database layer)
# is imported when first used, which keeps start-up close to a bare Textual app.
if TYPE_CHECKING:
    from devices.serial_reader import SerialReader
    from kiosk.andon_values import Escalated
    from kiosk.qc_values import InspectionSummary
    from kiosk.services import Services

CSS = Path(__file__).resolve().parent.parent / "screens" / "kiosk.tcss"
GS = "\x1d"
_STORE_RETRY_SECONDS = 10.0


class KioskApp(App[None]):
    """One station terminal. `open_services` is called once, in a worker thread."""

    CSS_PATH = CSS
    ENABLE_COMMAND_PALETTE = False
    # Operators must not drop to a shell: the usual quit keys ask for an admin badge.
    BINDINGS = [
        Binding("ctrl+q", "close_terminal", show=False, priority=True),
        Binding("ctrl+c", "close_terminal", show=False, priority=True),
    ]

    # None while no hub is configured (or the first round has not finished).
    hub_status: reactive[HubStatus | None] = reactive(None)

    @dataclass
    class ServicesOpened(Message):
        services: Services

    @dataclass
    class StoreFailed(Message):
        error: str

    @dataclass
    class DeviceScanned(Message):
        scan: Scan

    @dataclass
    class DeviceChanged(Message):
        device: str
        state: DeviceState

    @dataclass
    class PrinterTrouble(Message):
        reason: str
        waiting: int

    @dataclass
    class LabelPrinted(Message):
        pass

    @dataclass
    class SyncStatus(Message):
        status: HubStatus

    @dataclass
    class AndonEscalated(Message):
        escalated: list[Escalated]

    @dataclass
    class PatrolsRaised(Message):
        raised: list[InspectionSummary]

    @dataclass
    class CloseChecked(Message):
        badge: str
        result: LoginResult

    @dataclass
    class SignedOut(Message):
        user: SignedIn
        reason: LogoutReason

    def __init__(
        self,
        config: StationConfig,
        clock: Clock,
        open_services: Callable[[], Services],
        tick_seconds: float = 1.0,
        status_seconds: float = 2.0,
        print_retry_seconds: float = 1.0,
        andon_seconds: float = 10.0,
    ) -> None:
        super().__init__()
        self.config = config
        self.clock = clock
        self._open_services = open_services
        self._tick_seconds = tick_seconds
        self._status_seconds = status_seconds
        self._stopping = threading.Event()  # the sync and print threads end when it is set
        self._print_retry_seconds = print_retry_seconds
        self._andon_seconds = andon_seconds
        self._printer_down = False
        self.tr = Translator(config.station.language)
        self.services: Services | None = None
        self.user: SignedIn | None = None
        self._idle: IdleWatch | None = None
        station = config.station
        self._station_label = f"{station.id} {station.name}"
        self.login = LoginScreen(
            self.tr,
            self._station_label,
            clock,
            config.barcodes,
            config.devices.badge_reader.badge_format,
        )
        self._readers: list[SerialReader] = []
        self._scan_lane: ScanLane | None = None  # the newest screen's that judges on a thread
        wedges = [
            d for d in (config.devices.scanner, config.devices.badge_reader) if d.kind == "keyboard"
        ]
        # One keyboard, one detector: as loose as the loosest keyboard device needs.
        self._wedge = (
            WedgeDetector(
                max(d.wedge_gap_ms for d in wedges) / 1000, min(d.wedge_min_length for d in wedges)
            )
            if wedges
            else None
        )
        self.title = self._station_label

    def on_mount(self) -> None:
        self.push_screen(self.login)
        self.set_interval(self._tick_seconds, self.check_idle_logout)

    async def on_event(self, event: events.Event) -> None:
        # Keys reach the app twice: from the terminal, then bubbling back from the widgets.
        fresh = isinstance(event, events.InputEvent) and not event.is_forwarded
        if fresh and isinstance(event, events.Key | events.MouseDown):
            self.touch_idle()
        if fresh and isinstance(event, events.Key) and self._wedge_scanned(event):
            return  # the Enter that ended a scan does not also submit a field
        await super().on_event(event)

    def _wedge_scanned(self, event: events.Key) -> bool:
        """Keyboard-wedge scans become scans, even while a text field has the focus."""
        if self._wedge is None:
            return False
        if event.key != "enter":
            char = event.character
            # GS separates GS1 fields: part of a scan, though not printable.
            if char is not None and (event.is_printable or char == GS):
                self._wedge.character(char, event.time)
            else:
                self._wedge.other_key()
            return False
        text = self._wedge.enter(event.time)
        if text is None:
            return False
        self.call_after_refresh(self._untype, text)
        screen = self._top()
        if not getattr(screen, "ACCEPTS_SCANS", False):
            # A PIN or a choice must never be answered by a scan that came at the wrong time.
            self.bell()
            self.notify(self._tr_now()("scan.not_here"), severity="warning")
            return True
        scan = Scan.from_frame(
            text.encode(),
            source=KEYBOARD,
            received_at=self.clock.now(),
            received_mono=self.clock.monotonic(),
        )
        assert screen is not None  # it takes scans
        screen.post_message(ScanArrived(scan))
        return True

    def _untype(self, text: str) -> None:
        """The scanned characters also went into the focused field: take them out again."""
        field = self.focused
        if isinstance(field, Input) and field.value.endswith(text):
            field.value = field.value[: -len(text)]

    def touch_idle(self) -> None:
        if self._idle is not None:
            self._idle.touch()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, self.tr, event)
        failed = event.state is WorkerState.ERROR and event.worker.group == "print-queue"
        services = self.services
        if failed and services is not None and not self._stopping.is_set():
            # A locked or full disk may pass: the labels must still go out, later.
            self.set_timer(self._print_retry_seconds, lambda: self._send_labels(services))

    # Start-up: the database layer loads only once the login screen is on the glass.

    def on_login_screen_shown(self, _message: LoginScreen.Shown) -> None:
        if self.services is None:
            self._open()
            self._start_devices()

    # Serial scanner and badge reader: their threads only post messages.

    def _start_devices(self) -> None:
        from kiosk.station_devices import start_readers

        self._readers = start_readers(
            self.config.devices, self.clock, self._from_reader_scan, self._from_reader_state
        )

    def _from_reader_scan(self, scan: Scan) -> None:  # on a reader thread
        lane = self._scan_lane
        if scan.source != GAUGE and lane is not None and lane.offer(scan):
            self.touch_idle()  # one assignment: as safe from this thread as from the loop
            return
        self.post_message(self.DeviceScanned(scan))

    def on_scan_lane_opened(self, message: ScanLane.Opened) -> None:
        self._scan_lane = message.lane

    def _from_reader_state(self, device: str, state: DeviceState) -> None:  # on a reader thread
        self.post_message(self.DeviceChanged(device, state))

    def on_kiosk_app_device_scanned(self, message: DeviceScanned) -> None:
        self.touch_idle()
        screen = self._top()
        if message.scan.source == GAUGE:
            self._gauge_read(message.scan)
        elif screen is not None and getattr(screen, "ACCEPTS_SCANS", False):
            screen.post_message(ScanArrived(message.scan))
        else:
            self.bell()
            self.notify(self._tr_now()("scan.not_here"), severity="warning")

    def _gauge_read(self, scan: Scan) -> None:
        """A gauge's reading goes to a screen that takes them, read or not: the screen says
        what was wrong with a line that is not a reading."""
        from devices.gauge import GaugeLineError, parse_gauge_line

        screen = self._top()
        if screen is None or not getattr(screen, "ACCEPTS_GAUGE", False):
            self.notify(self._tr_now()("gauge.not_here"), severity="warning")
            return
        try:
            reading = parse_gauge_line(scan.raw)
        except GaugeLineError as error:
            screen.post_message(GaugeRead(None, problem=error.problem.value))
            return
        screen.post_message(GaugeRead(reading.value, reading.unit))

    def on_kiosk_app_device_changed(self, message: DeviceChanged) -> None:
        tr = self._tr_now()
        device = tr(f"device.{message.device}")
        text = tr(f"device.{message.state.value}", device=device)
        if message.state is DeviceState.RECONNECTING:
            self.bell()  # it was working and is gone: the operator must know now
            self.notify(text, severity="error", timeout=10)
        elif message.state is DeviceState.ABSENT:
            self.notify(text, severity="warning")  # never seen yet: not yet plugged in
        else:
            self.notify(text)

    @work(thread=True, exit_on_error=False, exclusive=True, group="open")
    def _open(self) -> None:
        try:
            self.post_message(self.ServicesOpened(self._open_services()))
        except StoreError as exc:
            self.post_message(self.StoreFailed(str(exc)))

    def on_kiosk_app_services_opened(self, message: ServicesOpened) -> None:
        self.services = message.services
        self.login.services_ready(message.services.auth)
        self._send_labels(message.services)
        self.set_interval(self._andon_seconds, self._time_checks_due)
        if self.config.hub.url:
            self._sync(message.services)

    def on_kiosk_app_store_failed(self, message: StoreFailed) -> None:
        self.login.say(self.tr("login.store_failed", error=message.error), error=True)
        # A lock held by another process or a full disk may pass: keep trying.
        self.set_timer(_STORE_RETRY_SECONDS, self._open)

    # Signing in and out.

    def on_login_screen_signed_in_message(self, message: LoginScreen.SignedInMessage) -> None:
        assert self.services is not None  # a sign-in needs the auth service
        if self.user is not None:
            # The login screen checks one badge at a time; a second sign-in on top of the
            # first would leave the first session without its logout. Close it properly.
            self._record_logout(message.user, LogoutReason.MANUAL)
            return
        self.user = message.user
        self._idle = IdleWatch(self.clock, self.config.station.idle_logout_seconds)
        from kiosk.app_homes import home_screen

        home = home_screen(
            message.user, self.services, self.clock, self._station_label, self.config
        )
        self.push_screen(home)

    def on_logout_requested(self, message: LogoutRequested) -> None:
        self._sign_out(message.user, LogoutReason.MANUAL)

    def check_idle_logout(self) -> None:
        if self.user is not None and self._idle is not None and self._idle.expired():
            self._sign_out(self.user, LogoutReason.IDLE)

    def _sign_out(self, user: SignedIn, reason: LogoutReason) -> None:
        # Nobody else may see the user's screen: it goes at once. "Signed out" is said
        # only once the logout event is committed.
        self.user, self._idle = None, None
        while self.screen is not self.login:
            self.pop_screen()
        self.clear_notifications()  # what the last person was told is not for the next one
        self.login.say("")
        self._record_logout(user, reason)

    @work(thread=True, exit_on_error=False, group="logout")
    def _record_logout(self, user: SignedIn, reason: LogoutReason) -> None:
        assert self.services is not None
        self.services.auth.logout(user, reason)
        self.post_message(self.SignedOut(user, reason))

    def on_kiosk_app_signed_out(self, message: SignedOut) -> None:
        if self.user is None and self.login.is_attached:
            idle = message.reason is LogoutReason.IDLE
            key = "login.idle_logout" if idle else "login.signed_out"
            self.login.say(self.tr(key, name=message.user.name))

    # Labels: the queue is in the store; one thread sends them as they are queued, in order.

    @work(thread=True, exit_on_error=False, exclusive=True, group="print-queue")
    def _send_labels(self, services: Services) -> None:
        from kiosk.label_printer import send_as_queued

        send_as_queued(
            services.printing,
            self.config.devices.printer,
            self._stopping,
            self._print_retry_seconds,
            lambda: self.post_message(self.LabelPrinted()),
            lambda reason, waiting: self.post_message(self.PrinterTrouble(reason, waiting)),
        )

    def on_kiosk_app_printer_trouble(self, message: PrinterTrouble) -> None:
        if not self._printer_down:  # told once per outage, not at every retry
            self._printer_down = True
            self.bell()
            text = self._tr_now()("printer.down", reason=message.reason, waiting=message.waiting)
            self.notify(text, severity="error", timeout=15)

    def on_kiosk_app_label_printed(self, _message: LabelPrinted) -> None:
        key = "printer.back" if self._printer_down else "label.printed"
        self._printer_down = False
        self.notify(self._tr_now()(key))

    # What falls due with time: exceptions nobody acknowledged escalate (the bell rings on
    # this terminal), patrol inspections by running minutes are raised.

    def _time_checks_due(self) -> None:
        if not any(w.group == "due" and not w.is_finished for w in self.workers):
            self._raise_due(self._tr_now().language)

    @work(thread=True, exit_on_error=False, group="due")
    def _raise_due(self, language: str) -> None:
        assert self.services is not None
        escalated = self.services.andon.escalate_due()
        if escalated:
            self.post_message(self.AndonEscalated(escalated))
        patrols = self.services.qc.raise_due(language)
        if patrols:
            self.post_message(self.PatrolsRaised(patrols))

    def on_kiosk_app_patrols_raised(self, message: PatrolsRaised) -> None:
        tr = self._tr_now()
        for patrol in message.raised:
            text = tr("qc.patrol_raised", number=patrol.number, where=patrol.operation)
            self.notify(text, severity="warning", timeout=20)

    def on_kiosk_app_andon_escalated(self, message: AndonEscalated) -> None:
        tr = self._tr_now()
        self.bell()
        for step in message.escalated:
            category = tr(f"category.{step.category}")
            where = step.equipment or step.work_center
            text = tr(
                "andon.escalated", code=step.code, category=category, where=where, level=step.level
            )
            self.notify(text, severity="error", timeout=30)

    def _tr_now(self) -> Translator:
        """The language of whoever is at the terminal now; the station's while no screen is up."""
        top = self._top()
        return top.tr if isinstance(top, StationScreen) else self.tr

    def _top(self) -> Screen[object] | None:
        """The screen on top; None as the app closes, when a late message (a worker's answer,
        a device's read) may still come and `self.screen` would raise."""
        stack = self.screen_stack
        return stack[-1] if stack else None

    # Sync with the hub, in the background; the header shows how it goes.

    @work(thread=True, exit_on_error=False, exclusive=True, group="sync")
    def _sync(self, services: Services) -> None:
        from sync.client import SyncClient
        from sync.runner import run_sync

        client = SyncClient(services.store, self.config.hub, self.clock)
        try:
            run_sync(
                client,
                services.store,
                self._stopping,
                self._report_sync,
                self.config.hub.sync_seconds,
                self._status_seconds,
            )
        finally:
            client.close()

    def _report_sync(self, status: HubStatus) -> None:  # on the sync thread
        self.post_message(self.SyncStatus(status))

    def on_kiosk_app_sync_status(self, message: SyncStatus) -> None:
        self.hub_status = message.status

    # Closing the terminal: only an admin may, so an operator cannot reach a shell.

    def action_close_terminal(self) -> None:
        if self.services is None:
            # Without a database nobody can be checked, and the terminal is of no use.
            if not self._open_workers_running():
                self.exit()
            return

        from screens.pin_prompt import PinPrompt
        from screens.text_prompt import TextPrompt

        if isinstance(self.screen, TextPrompt | PinPrompt):
            return  # already asking

        def badge_given(badge: str | None) -> None:
            if badge is not None:
                self._authorize_close(badge, None)

        prompt = TextPrompt(self.tr, "close.title", "close.placeholder", masked=True)
        self.push_screen(prompt, badge_given)

    def _open_workers_running(self) -> bool:
        return any(w.group == "open" and w.is_running for w in self.workers)

    @work(thread=True, exit_on_error=False, exclusive=True, group="close")
    def _authorize_close(self, badge: str, pin: str | None) -> None:
        assert self.services is not None
        auth = self.services.auth
        result = auth.authorize(badge, pin, Permission.CLOSE_TERMINAL)
        if result.outcome is Outcome.OK and result.user is not None:
            # Recorded (with the logout of whoever is signed in) before the app goes.
            auth.close_terminal(result.user, self.user)
        self.post_message(self.CloseChecked(badge, result))

    def on_kiosk_app_close_checked(self, message: CloseChecked) -> None:
        result = message.result
        if result.outcome is Outcome.OK:
            self.exit()
        elif result.outcome is Outcome.PIN_REQUIRED:
            from screens.pin_prompt import PinPrompt

            def pin_given(pin: str | None) -> None:
                if pin is not None:
                    self._authorize_close(message.badge, pin)

            self.push_screen(PinPrompt(self.tr, result.name), pin_given)
        else:
            self.bell()
            self.notify(describe_refusal(self.tr, result), severity="error", timeout=8)

    def on_unmount(self) -> None:
        self._stopping.set()
        if self.services is not None:
            self.services.printing.wake()  # out of its wait, to see the stop
        for reader in self._readers:
            reader.stop(timeout=0.5)  # on the event loop: do not hold the exit up
        if self.services is not None:
            self.services.close()


def create_app(config: StationConfig, clock: Clock, **options: float) -> KioskApp:
    """The app for `config`, opening its real station database when first drawn."""

    def open_services() -> Services:
        from kiosk.services import open_services

        return open_services(config, clock)

    return KioskApp(config, clock, open_services, **options)
