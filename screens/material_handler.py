"""The material handler's home (物料员): work orders to pick for with shortages, the selected
order's pick list, and one big verdict per scan.

F2 / F3 / F4 choose what a scan does: pick a lot for the selected order, deliver a picked lot
to this line, receive a box of finished goods. Scans are judged one at a time, in the order
they came, each with the mode and order of the moment it was read; an accepted one is
committed with its event before its verdict shows.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import BadgeScan, Command, CommandScan, interpret
from kiosk.clock import Clock
from kiosk.device_names import BADGE_READER
from kiosk.handling_values import Act, HandlingLine, HandlingResult, OrderPicking
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.work import Refused
from screens.andon_raising import ANDON_COMMANDS, RaisesAndon
from screens.logout_requested import LogoutRequested
from screens.scan_arrived import ScanArrived
from screens.widgets.handling_banner import HandlingBanner
from screens.widgets.handling_mode import ModeLine
from screens.widgets.handling_orders import OrderTable
from screens.widgets.handling_pick_list import HandlingPickTable
from screens.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from kiosk.andon import AndonService
    from kiosk.material_handling import MaterialHandlingService

_WIDE_FROM = 90  # columns; below this the tables show fewer columns
_TALL_FROM = 24  # rows; below this the mode and the verdict take fewer lines
_COMMAND_ACTIONS = {Command.REFRESH: "refresh", Command.LOGOUT: "logout", **ANDON_COMMANDS}


@dataclass(frozen=True)
class _Waiting:
    """A scan as it came: what it was to do, and for which order."""

    act: Act
    work_order_id: str
    text: str
    symbology: str | None


class MaterialHandlerScreen(RaisesAndon):
    ACCEPTS_SCANS = True
    BINDINGS = [
        Binding("f2", "mode('pick')", "key.pick", key_display="F2"),
        Binding("f3", "mode('deliver')", "key.deliver", key_display="F3"),
        Binding("f4", "mode('receive')", "key.receive", key_display="F4"),
        Binding("f5", "refresh", "key.refresh", key_display="F5"),
        Binding("ctrl+a", "andon", "key.andon", key_display="^A"),
        Binding("f10", "logout", "key.logout", key_display="F10"),
    ]
    # The orders above the pick list: side by side, descriptions would not fit at 120.
    DEFAULT_CSS = """
    MaterialHandlerScreen HandlingPickTable { border-top: hkey $accent; }
    """

    @dataclass
    class OrdersLoaded(Message):
        orders: list[OrderPicking]

    @dataclass
    class PickListLoaded(Message):
        work_order_id: str
        lines: tuple[HandlingLine, ...]

    @dataclass
    class Judged(Message):
        result: HandlingResult

    @dataclass
    class RefusedMessage(Message):
        reason: str
        scan: bool  # a scan's act was refused (not a list that could not be read)

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        handling: MaterialHandlingService,
        andon: AndonService,
        barcodes: BarcodeSection,
    ) -> None:
        super().__init__(tr, station, clock, user, andon)
        self._handling = handling
        self._barcodes = barcodes
        self.act = Act.PICK
        self._shown: str | None = None  # the order whose pick list is on screen
        self._waiting: deque[_Waiting] = deque()
        self._judging = False

    def compose(self) -> ComposeResult:
        yield self.header()
        yield ModeLine(self.tr)
        yield HandlingBanner(self.tr)
        yield OrderTable(self.tr)
        yield HandlingPickTable(self.tr)
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self.query_one(OrderTable).focus()
        self._show_mode()
        self._load_orders()

    def on_resize(self) -> None:
        narrow, short = self.size.width < _WIDE_FROM, self.size.height < _TALL_FROM
        self.query_one(OrderTable).set_compact(narrow)
        self.query_one(HandlingPickTable).set_compact(narrow)
        self.query_one(ModeLine).set_narrow(short)
        self.query_one(HandlingBanner).set_narrow(short)

    # Workers: each blocking call answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="orders")
    def _load_orders(self) -> None:
        self.post_message(self.OrdersLoaded(self._handling.work_orders()))

    @work(thread=True, exit_on_error=False, exclusive=True, group="pick-list")
    def _load_pick_list(self, work_order_id: str) -> None:
        try:
            lines = self._handling.pick_list(work_order_id)
        except Refused as refused:  # cancelled since the list was read
            self.post_message(self.RefusedMessage(refused.reason.value, scan=False))
            return
        self.post_message(self.PickListLoaded(work_order_id, lines))

    @work(thread=True, exit_on_error=False, group="judge")
    def _judge(self, scan: _Waiting) -> None:
        handling, args = self._handling, (scan.text, scan.symbology, self._barcodes, self.user)
        try:
            if scan.act is Act.PICK:
                result = handling.pick(scan.work_order_id, *args)
            elif scan.act is Act.DELIVER:
                result = handling.deliver(*args)
            else:
                result = handling.receive(*args)
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value, scan=True))
            return
        self.post_message(self.Judged(result))

    # Scans: judged one at a time, in the order they came.

    async def on_scan_arrived(self, message: ScanArrived) -> None:
        if message.device == BADGE_READER:
            self.notify(self.tr("scan.badge_other", name=self.user.name), severity="warning")
            return
        meaning = interpret(message.scan.text, message.scan.symbology, self._barcodes)
        if isinstance(meaning, CommandScan):
            action = _COMMAND_ACTIONS.get(meaning.command)
            if action is None:
                self.notify(self.tr("scan.command_not_here"), severity="warning")
            else:
                await self.run_action(action)
            return
        if isinstance(meaning, BadgeScan):
            self.notify(self.tr("scan.badge_other", name=self.user.name), severity="warning")
            return
        work_order_id = self._selected() or ""
        if self.act is Act.PICK and not work_order_id:
            self.app.bell()
            self.notify(self.tr("handling.no_order"), severity="error")
            return
        scan = message.scan
        self._waiting.append(_Waiting(self.act, work_order_id, scan.text, scan.symbology))
        self._judge_next()

    def _judge_next(self) -> None:
        if not self._judging and self._waiting:
            self._judging = True
            self._judge(self._waiting.popleft())

    # Answers from the workers.

    def on_material_handler_screen_orders_loaded(self, message: OrdersLoaded) -> None:
        table = self.query_one(OrderTable)
        table.show(message.orders, self._today())
        if not message.orders:
            self.notify(self.tr("handling.no_orders"), severity="warning")
        self._selection_changed()

    def on_material_handler_screen_pick_list_loaded(self, message: PickListLoaded) -> None:
        if message.work_order_id == self._selected():
            self.query_one(HandlingPickTable).show(message.lines)

    def on_material_handler_screen_judged(self, message: Judged) -> None:
        self._judging = False
        result = message.result
        self.query_one(HandlingBanner).show_result(result)
        if result.lines and result.work_order_id == self._shown:
            self.query_one(HandlingPickTable).show(result.lines)
        if result.ok:
            self._load_orders()  # progress and shortages of every order may have moved
        else:
            self.app.bell()
        self._judge_next()

    def on_material_handler_screen_refused_message(self, message: RefusedMessage) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{message.reason}"), severity="error", timeout=8)
        if message.scan:
            self._judging = False
            self._judge_next()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)  # reports a failure to the person
        if event.worker.group == "judge" and event.state is WorkerState.ERROR:
            self._judging = False  # the next scan still gets judged
            self._judge_next()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if isinstance(event.data_table, OrderTable):
            self._selection_changed()

    # Actions (F-keys).

    def action_mode(self, act: str) -> None:
        self.act = Act(act)
        self._show_mode()

    def action_refresh(self) -> None:
        self._shown = None  # the pick list is read again too
        self._load_orders()

    def action_logout(self) -> None:
        self.post_message(LogoutRequested(self.user))

    # Helpers.

    def _selected(self) -> str | None:
        return self.query_one(OrderTable).selected_order()

    def _selection_changed(self) -> None:
        selected = self._selected()
        if selected != self._shown:
            self._shown = selected
            self.query_one(HandlingPickTable).show(())
            if selected is not None:
                self._load_pick_list(selected)
        self.query_one(ModeLine).show(self.act, self._order_number())

    def _show_mode(self) -> None:
        self.query_one(ModeLine).show(self.act, self._order_number())
        self.query_one(HandlingBanner).wait(self.tr(f"handling.wait.{self.act.value}"))

    def _order_number(self) -> str:
        selected = self._selected()
        return self.query_one(OrderTable).number_of(selected) if selected else ""

    def _today(self) -> date:
        return self._clock.now().astimezone().date()
