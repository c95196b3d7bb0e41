"""Maintenance orders of this station's machines: take one, record the repair, confirm it.

Loading (and F5) first opens the preventive orders that have fallen due. F2 takes the
selected open order, F3 records the repair of a taken one, F4 confirms a repaired one. Who
may: a technician (MAINTAIN) takes and records; an operator or team lead (CONFIRM_REPAIR),
not the technician, confirms. When the person signed in may not, the act asks for a badge
that may, and is done in that person's name (the repair form in their language).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import BadgeScan, MaterialLabel, interpret
from kiosk.clock import Clock
from kiosk.device_names import BADGE_READER
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.maintenance_values import OrderStatus, OrderView, RepairRecord, RepairSheet
from kiosk.roles import Permission
from kiosk.work import Refused
from screens.approval import Approval, Authorize
from screens.base import SignedInScreen
from screens.repair_form import RepairForm
from screens.scan_arrived import ScanArrived
from screens.widgets.key_bar import KeyBar
from screens.widgets.maintenance_order_table import MaintenanceOrderTable

if TYPE_CHECKING:
    from kiosk.maintenance import MaintenanceService

_WIDE_FROM = 90  # columns; below this the table shows fewer columns
# Which status of the selected order each act needs; the key bar dims the others.
_NEEDS = {
    "take": OrderStatus.OPEN,
    "repair": OrderStatus.CLAIMED,
    "confirm": OrderStatus.DONE,
}


class MaintenanceScreen(SignedInScreen):
    ACCEPTS_SCANS = True  # told where a badge or a part's label goes instead
    BINDINGS = [
        Binding("f2", "take", "key.maintenance_take", key_display="F2"),
        Binding("f3", "repair", "key.maintenance_repair", key_display="F3"),
        Binding("f4", "confirm", "key.maintenance_confirm", key_display="F4"),
        Binding("f5", "refresh", "key.refresh", key_display="F5"),
        Binding("f10", "back", "key.back", key_display="F10"),
    ]
    DEFAULT_CSS = """
    MaintenanceScreen #detail { width: 100%; height: auto; max-height: 3; padding: 0 1; }
    """

    @dataclass
    class Loaded(Message):
        orders: list[OrderView]
        opened: list[OrderView]  # preventive orders opened by this load

    @dataclass
    class Changed(Message):
        order: OrderView
        done_key: str  # what to tell the person

    @dataclass
    class SheetLoaded(Message):
        sheet: RepairSheet
        who: SignedIn
        draft: RepairRecord | None = None  # a record refused, to be shown again
        refusal: str = ""

    @dataclass
    class RecordRefused(Message):
        reason: str
        order_id: str
        record: RepairRecord
        who: SignedIn

    @dataclass
    class RefusedMessage(Message):
        reason: str

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        maintenance: MaintenanceService,
        authorize: Authorize,
        barcodes: BarcodeSection,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._maintenance = maintenance
        self._authorize = authorize
        self._barcodes = barcodes
        # Held, not queried: an answer may come before they have mounted.
        self._table = MaintenanceOrderTable(self.tr)
        self._detail = Static(self.tr("maintenance.loading"), id="detail")

    def compose(self) -> ComposeResult:
        yield self.header()
        yield self._detail
        yield self._table
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self._table.focus()
        self._load()

    def on_resize(self) -> None:
        self._table.set_compact(self.size.width < _WIDE_FROM)

    # Workers: each blocking call answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="load")
    def _load(self) -> None:
        opened = self._maintenance.open_due(self.user)
        self.post_message(self.Loaded(self._maintenance.open_orders(self.user.language), opened))

    @work(thread=True, exit_on_error=False, group="act")
    def _take(self, order_id: str, who: SignedIn) -> None:
        try:
            order = self._maintenance.claim(order_id, who)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Changed(order, "maintenance.taken"))

    @work(thread=True, exit_on_error=False, exclusive=True, group="sheet")
    def _load_sheet(
        self, order_id: str, who: SignedIn, draft: RepairRecord | None = None, refusal: str = ""
    ) -> None:
        try:
            sheet = self._maintenance.repair_sheet(order_id, who.language)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.SheetLoaded(sheet, who, draft, refusal))

    @work(thread=True, exit_on_error=False, group="act")
    def _record(self, order_id: str, record: RepairRecord, who: SignedIn) -> None:
        try:
            order = self._maintenance.record(order_id, record, who)
        except Refused as refused:
            self.post_message(self.RecordRefused(refused.reason.value, order_id, record, who))
            return
        self.post_message(self.Changed(order, "maintenance.recorded"))

    @work(thread=True, exit_on_error=False, group="act")
    def _confirm(self, order_id: str, who: SignedIn) -> None:
        try:
            order = self._maintenance.confirm(order_id, who)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        done = (
            "maintenance.confirmed" if order.downtime_seconds is not None else "maintenance.closed"
        )
        self.post_message(self.Changed(order, done))

    # Answers from the workers.

    def on_maintenance_screen_loaded(self, message: Loaded) -> None:
        self._table.show(message.orders)
        if message.opened:
            self.notify(self.tr("maintenance.opened_due", count=len(message.opened)))
        self._selection_changed()

    def on_maintenance_screen_changed(self, message: Changed) -> None:
        order = message.order
        minutes = round((order.downtime_seconds or 0.0) / 60)
        self.notify(self.tr(message.done_key, number=order.number, minutes=minutes))
        self._load()

    def on_maintenance_screen_sheet_loaded(self, message: SheetLoaded) -> None:
        if not self.is_active:  # the person went elsewhere meanwhile: not over that
            return
        order_id, who = message.sheet.order.order_id, message.who

        def filled(record: RepairRecord | None) -> None:
            if record is not None:
                self._record(order_id, record, who)

        tr = Translator(who.language)
        form = RepairForm(tr, message.sheet, self._barcodes, message.draft, message.refusal)
        self.app.push_screen(form, filled)

    def on_maintenance_screen_record_refused(self, message: RecordRefused) -> None:
        """The form comes back with all that was entered, and why it was refused."""
        self.app.bell()
        why = Translator(message.who.language)(f"refusal.{message.reason}")
        self._load_sheet(message.order_id, message.who, message.record, why)

    def on_maintenance_screen_refused_message(self, message: RefusedMessage) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{message.reason}"), severity="error", timeout=8)
        self._load()

    def on_scan_arrived(self, message: ScanArrived) -> None:
        """Scans belong to the acts: a badge to F2, F3 or F4, a part's label to the form."""
        meaning = interpret(message.scan.text, message.scan.symbology, self._barcodes)
        if message.device == BADGE_READER or isinstance(meaning, BadgeScan):
            key = "maintenance.badge_here"
        elif isinstance(meaning, MaterialLabel):
            key = "maintenance.part_here"
        else:
            key = "maintenance.scan_not_here"
        self.app.bell()
        self.notify(self.tr(key), severity="warning")

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._selection_changed()

    # Actions (F-keys).

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None shows the key dimmed: it exists, but not for the selected order."""
        needed = _NEEDS.get(action)
        if needed is None:
            return True
        order = self._table.selected()
        return True if order is not None and order.status is needed else None

    def action_take(self) -> None:
        order = self._selected()
        if order is None:
            return
        if self.user.may(Permission.MAINTAIN):
            self._take(order.order_id, self.user)
            return
        self._ask_badge(
            Permission.MAINTAIN,
            self.tr("maintenance.take_approval", number=order.number, equipment=order.equipment),
            lambda who: self._take(order.order_id, who),
        )

    def action_repair(self) -> None:
        order = self._selected()
        if order is None:
            return
        if self.user.user_id == order.claimed_by_id or self.user.may(Permission.MAINTAIN):
            self._load_sheet(order.order_id, self.user)
            return
        self._ask_badge(
            Permission.MAINTAIN,
            self.tr("maintenance.repair_approval", number=order.number, equipment=order.equipment),
            lambda who: self._load_sheet(order.order_id, who),
        )

    def action_confirm(self) -> None:
        order = self._selected()
        if order is None:
            return
        technician = (order.claimed_by_id, order.done_by_id)
        if self.user.may(Permission.CONFIRM_REPAIR) and self.user.user_id not in technician:
            self._confirm(order.order_id, self.user)
            return
        self._ask_badge(
            Permission.CONFIRM_REPAIR,
            self.tr("maintenance.confirm_approval", number=order.number, equipment=order.equipment),
            lambda who: self._confirm(order.order_id, who),
        )

    def action_refresh(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.dismiss()

    # Helpers.

    def _selected(self) -> OrderView | None:
        """The selected order (its status fits: `check_action` lets only such keys through);
        None while an act is on its way, so a second press (gloves) waits for it."""
        if any(w.group == "act" and not w.is_finished for w in self.workers):
            return None
        return self._table.selected()

    def _ask_badge(
        self, permission: Permission, title: str, then: Callable[[SignedIn], object]
    ) -> None:
        def approved(who: SignedIn | None) -> None:
            if who is not None:
                then(who)

        approval = Approval(self.tr, self._authorize, permission, title, self._barcodes)
        self.app.push_screen(approval, approved)

    def _selection_changed(self) -> None:
        self.refresh_bindings()
        order = self._table.selected()
        if order is None:
            self._detail.update(self.tr("maintenance.none"))
            return
        kind = self.tr(f"maintenance.kind_{order.kind}")
        text = self.tr(
            "maintenance.detail",
            number=order.number,
            kind=kind,
            equipment=order.equipment,
            title=order.title or "-",
        )
        if order.claimed_by:
            text += "  " + self.tr("maintenance.detail_claimed", name=order.claimed_by)
        self._detail.update(text)
