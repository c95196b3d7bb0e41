"""Equipment (设备): the station's machines this shift; a digit changes the selected one's
state (a stop asks its reason), F2 does its daily check, F3 has a team lead release a failed
check. The times move: the screen reads them again every few seconds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from kiosk.barcodes.formats import BarcodeSection
from kiosk.clock import Clock
from kiosk.daily_check_values import CheckItem, CheckStatus
from kiosk.device_names import BADGE_READER
from kiosk.equipment_values import STOPS, EquipmentShift, MachineState, StateChanged, StopReason
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.roles import Permission
from kiosk.work import Refusal, Refused
from screens.approval import Approval, Authorize
from screens.base import SignedInScreen
from screens.choice_prompt import ChoicePrompt
from screens.daily_check import DailyCheckScreen
from screens.maintenance import MaintenanceScreen
from screens.scan_arrived import ScanArrived
from screens.widgets.equipment_table import CHECK_STYLE, EquipmentLine, EquipmentTable
from screens.widgets.key_bar import KeyBar
from screens.widgets.task_table import format_duration

if TYPE_CHECKING:
    from kiosk.daily_check import DailyCheckService
    from kiosk.equipment import EquipmentService
    from kiosk.maintenance import MaintenanceService

REFRESH_SECONDS = 5.0
_WIDE_FROM = 70  # columns; below this the table shows fewer columns
_STATES = tuple(MachineState)  # digit n is the n-th


class EquipmentScreen(SignedInScreen):
    ACCEPTS_SCANS = True  # an equipment's code, scanned, selects it
    BINDINGS = [
        # One chip in the key bar for the six digits; the legend says which is which.
        Binding("1", "state(1)", "key.set_state", key_display="1-6"),
        *(Binding(str(n), f"state({n})", show=False) for n in range(2, len(_STATES) + 1)),
        Binding("f2", "daily_check", "key.daily_check", key_display="F2"),
        Binding("f3", "release", "key.release_check", key_display="F3"),
        Binding("f4", "maintenance", "key.maintenance_orders", key_display="F4"),
        Binding("f5", "refresh", "key.refresh", key_display="F5"),
        Binding("f10", "back", "key.back", key_display="F10"),
        Binding("escape", "back", "key.back", show=False),
    ]
    DEFAULT_CSS = """
    EquipmentScreen #title { width: 100%; padding: 0 1; text-style: bold; }
    EquipmentScreen #detail { height: auto; padding: 0 1; border-top: hkey $accent; }
    EquipmentScreen #legend { height: auto; padding: 0 1; color: $text-muted; }
    """

    @dataclass
    class Loaded(Message):
        lines: list[EquipmentLine]

    @dataclass
    class ReasonsLoaded(Message):
        equipment: str
        state: MachineState
        reasons: list[StopReason]

    @dataclass
    class Changed(Message):
        result: StateChanged

    @dataclass
    class ItemsLoaded(Message):
        equipment: str
        items: list[CheckItem]

    @dataclass
    class Released(Message):
        equipment: str
        approver: str

    @dataclass
    class RefusedMessage(Message):
        reason: str

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        equipment: EquipmentService,
        checks: DailyCheckService,
        maintenance: MaintenanceService,
        authorize: Authorize,
        barcodes: BarcodeSection,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._equipment = equipment
        self._checks = checks
        self._maintenance = maintenance
        self._authorize = authorize
        self._barcodes = barcodes
        # Held, not queried: an answer may come before they have mounted.
        self._table = EquipmentTable(tr)
        self._detail = Static(tr("equipment.loading"), id="detail")

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Label(self.tr("equipment.title"), id="title")
        yield self._table
        yield self._detail
        states = " · ".join(f"{n} {self.tr(f'state.{s}')}" for n, s in enumerate(_STATES, 1))
        yield Static(self.tr("equipment.legend", states=states), id="legend")
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self._table.focus()
        self.set_interval(REFRESH_SECONDS, self._tick)
        self._load()

    def on_resize(self) -> None:
        self._table.set_compact(self.size.width < _WIDE_FROM)

    def on_screen_resume(self) -> None:
        self._load()  # back from the daily check or a prompt: it may have changed things

    def _tick(self) -> None:
        if self.is_active:  # under a prompt: the prompt's answer reloads anyway
            self._load()

    # Workers: each blocking call answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="load")
    def _load(self) -> None:
        shifts = self._equipment.shift_summary(self.user.language)
        checks = self._checks.statuses()
        lines = [EquipmentLine(s, checks[s.equipment.code]) for s in shifts]
        self.post_message(self.Loaded(lines))

    @work(thread=True, exit_on_error=False, exclusive=True, group="reasons")
    def _load_reasons(self, equipment: str, state: MachineState) -> None:
        reasons = self._equipment.stop_reasons(self.user.language)
        self.post_message(self.ReasonsLoaded(equipment, state, reasons))

    @work(thread=True, exit_on_error=False, group="act")
    def _change(self, equipment: str, state: MachineState, reason: str) -> None:
        try:
            result = self._equipment.change(equipment, state, reason, self.user)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Changed(result))

    @work(thread=True, exit_on_error=False, exclusive=True, group="items")
    def _load_items(self, equipment: str) -> None:
        items = self._checks.items(equipment, self.user.language)
        self.post_message(self.ItemsLoaded(equipment, items))

    @work(thread=True, exit_on_error=False, group="act")
    def _release(self, equipment: str, approver: SignedIn) -> None:
        try:
            self._checks.release(equipment, approver, self.user)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Released(equipment, approver.name))

    # Answers from the workers.

    def on_equipment_screen_loaded(self, message: Loaded) -> None:
        self._table.show(message.lines)
        self._show_detail()
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_equipment_screen_reasons_loaded(self, message: ReasonsLoaded) -> None:
        if not self.is_active:  # the person went elsewhere meanwhile: not over that
            return
        if not message.reasons:
            self.app.bell()
            self.notify(self.tr("equipment.no_reasons"), severity="error", timeout=8)
            return

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self._change(message.equipment, message.state, reason)

        choices = [(reason.code, reason.name) for reason in message.reasons]
        prompt = ChoicePrompt(self.tr, "equipment.reason_title", choices, translated=True)
        self.app.push_screen(prompt, chosen)

    def on_equipment_screen_changed(self, message: Changed) -> None:
        result = message.result
        state = self.tr(f"state.{result.state}")
        self.notify(self.tr("equipment.changed", equipment=result.equipment, state=state))
        if result.maintenance_order is not None:
            opened = self.tr("equipment.order_opened", number=result.maintenance_order)
            self.notify(opened, severity="warning", timeout=10)
        self._load()

    def on_equipment_screen_items_loaded(self, message: ItemsLoaded) -> None:
        if not self.is_active:
            return
        if not message.items:
            self.notify(self.tr("check.no_items", equipment=message.equipment), severity="warning")
            return
        screen = DailyCheckScreen(
            self.tr,
            self._station,
            self._clock,
            self.user,
            message.equipment,
            message.items,
            self._checks,
        )
        self.app.push_screen(screen)

    def on_equipment_screen_released(self, message: Released) -> None:
        text = self.tr("check.released", equipment=message.equipment, approver=message.approver)
        self.notify(text)
        self._load()

    def on_equipment_screen_refused_message(self, message: RefusedMessage) -> None:
        self._refused(message.reason)
        self._load()

    def on_scan_arrived(self, message: ScanArrived) -> None:
        if message.device == BADGE_READER:
            self.notify(self.tr("scan.badge_other", name=self.user.name), severity="warning")
            return
        code = message.scan.text.strip()
        if not self._table.select(code):
            self.app.bell()
            self.notify(self.tr("equipment.scan_unknown", code=code), severity="warning")

    # Actions (digits and F-keys).

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None shows the key dimmed: there is no machine to act on."""
        if action in ("state", "daily_check", "release") and self._table.selected() is None:
            return None
        return True

    def action_state(self, digit: int) -> None:
        line = self._table.selected()
        if line is None or self._acting():
            return
        code, state = line.shift.equipment.code, _STATES[digit - 1]
        if state is line.shift.state:  # said at once, without asking for a reason first
            self._refused(Refusal.SAME_STATE)
        elif state in STOPS:
            self._load_reasons(code, state)
        else:
            self._change(code, state, "")

    def action_daily_check(self) -> None:
        line = self._table.selected()
        if line is not None:
            self._load_items(line.shift.equipment.code)

    def action_release(self) -> None:
        """A team lead's badge (and PIN) lets work start despite a failed check."""
        line = self._table.selected()
        if line is None or self._acting():
            return
        if line.check is not CheckStatus.FAILED:  # before anybody is asked for a badge
            self._refused(Refusal.NOTHING_TO_RELEASE)
            return
        code = line.shift.equipment.code

        def approved(approver: SignedIn | None) -> None:
            if approver is not None:
                self._release(code, approver)

        title = self.tr("check.release_title", equipment=code)
        approval = Approval(
            self.tr, self._authorize, Permission.RELEASE_CHECK, title, self._barcodes
        )
        self.app.push_screen(approval, approved)

    def action_maintenance(self) -> None:
        """The maintenance orders of the station's machines: a breakdown's repair, plans due."""
        screen = MaintenanceScreen(
            self.tr,
            self._station,
            self._clock,
            self.user,
            self._maintenance,
            self._authorize,
            self._barcodes,
        )

        def back(_: None) -> None:
            self._load()  # a repair confirmed there changed a machine's state

        self.app.push_screen(screen, back)

    def action_refresh(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.dismiss()

    # Helpers.

    def _acting(self) -> bool:
        """A change is still on its way: a second press (gloves) waits for it."""
        return any(w.group == "act" and not w.is_finished for w in self.workers)

    def _refused(self, reason: str) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{reason}"), severity="error", timeout=8)

    def _show_detail(self) -> None:
        line = self._table.selected()
        if line is None:
            self._detail.update(self.tr("equipment.none"))
            return
        self._detail.update(self._describe(line.shift, line.check))

    def _describe(self, shift: EquipmentShift, check: CheckStatus) -> Text:
        tr = self.tr
        text = Text(f"{shift.equipment.code} {shift.equipment.name}", style="bold")
        if shift.reason:
            text.append(f"  {tr('equipment.reason', reason=shift.reason)}")
        text.append("\n")
        if shift.state is None:
            text.append(tr("equipment.no_times"))
        else:
            times = " · ".join(
                f"{tr(f'state.{state}')} {format_duration(shift.seconds[state])}"
                for state in _STATES
                if shift.seconds.get(state, 0.0) >= 1
            )
            text.append(tr("equipment.times", times=times or format_duration(0)))
            if shift.availability is not None:
                percent = f"{shift.availability:.0%}"
                text.append(f" · {tr('equipment.availability', percent=percent)}")
        text.append(f"\n{tr('equipment.col_check')}: ")
        text.append(tr(f"check.status.{check}"), style=CHECK_STYLE[check])
        return text
