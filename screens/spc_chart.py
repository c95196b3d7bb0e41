"""The control chart (SPC) of an item's measured characteristics, opened by a QC inspector from
an inspection: one characteristic at a time, ←→ or its number to switch.

I-MR: the individual values, and below them, where the screen is tall enough, their moving
ranges. X̄-R: the subgroup means, and below them their ranges. Under the
chart, the figures and the Nelson rules that fired; without limits, the points alone and why.
The chart is read on a worker; a stale answer, for a characteristic left meanwhile, is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import fmean
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message

from kiosk.clock import Clock
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.qc_values import CharacteristicKind, CharacteristicView, ChartKind, SpcView
from kiosk.spc import CONSTANTS, imr_limits
from kiosk.work import Refused
from screens.base import SignedInScreen
from screens.widgets.key_bar import KeyBar
from screens.widgets.spc_figures import SpcFigures
from screens.widgets.spc_plot import ControlChart, SpcPlot

if TYPE_CHECKING:
    from kiosk.qc import QcService

TWO_CHARTS_FROM = 30  # rows; below this the moving-range chart gives way to the main one


class SpcChartScreen(SignedInScreen):
    BINDINGS = [
        # ←→ step through the characteristics (wrapping round), 1-9 go to one directly.
        Binding("right", "step(1)", "key.spc_switch", key_display="←→"),
        Binding("left", "step(-1)", "key.spc_switch", show=False),
        *(Binding(str(n), f"choose({n})", "key.spc_switch", show=False) for n in range(1, 10)),
        Binding("f5", "reload", "key.refresh", key_display="F5"),
        Binding("f10", "back", "key.back", key_display="F10"),
        Binding("escape", "back", "key.back", show=False),
    ]
    DEFAULT_CSS = """
    SpcChartScreen #spc-charts { height: 1fr; }
    SpcChartScreen.-short #spc-range { display: none; }
    """

    @dataclass
    class Loaded(Message):
        view: SpcView

    @dataclass
    class RefusedMessage(Message):
        characteristic: str
        reason: str

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        qc: QcService,
        item_code: str,
        characteristics: Sequence[CharacteristicView],
        plan_code: str | None = None,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._qc = qc
        self._item_code = item_code
        self._plan_code = plan_code  # None: every plan's inspections of the item
        self.characteristics = tuple(
            c for c in characteristics if c.kind is CharacteristicKind.VARIABLE
        )
        self.chosen = 0
        self.view: SpcView | None = None

    def compose(self) -> ComposeResult:
        yield self.header()
        with Vertical(id="spc-charts"):
            yield SpcPlot(id="spc-main")
            yield SpcPlot(id="spc-range")
        yield SpcFigures(self.tr, id="spc-figures")
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self.action_reload()

    def on_resize(self) -> None:
        self.set_class(self.size.height < TWO_CHARTS_FROM, "-short")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step" and len(self.characteristics) < 2:
            return None  # shown dimmed: nothing to switch to
        if action == "choose":
            (number,) = parameters
            return isinstance(number, int) and number <= len(self.characteristics)
        return True

    # The worker: the blocking read answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="load", name="spc-chart")
    def _load(self, characteristic: str) -> None:
        try:
            view = self._qc.spc(
                self._item_code, characteristic, self.tr.language, plan_code=self._plan_code
            )
        except Refused as refused:
            self.post_message(self.RefusedMessage(characteristic, refused.reason.value))
            return
        self.post_message(self.Loaded(view))

    def on_spc_chart_screen_loaded(self, message: Loaded) -> None:
        view = message.view
        if view.characteristic != self._current().code:
            return  # switched away while it was read
        self.view = view
        self.query_one("#spc-main", SpcPlot).show(self._main_chart(view))
        self.query_one("#spc-range", SpcPlot).show(self._range_chart(view))
        self.query_one(SpcFigures).show(view)

    def on_spc_chart_screen_refused_message(self, message: RefusedMessage) -> None:
        if message.characteristic != self._current().code:
            return
        self.app.bell()
        self.query_one(SpcFigures).say(self.tr(f"refusal.{message.reason}"), error=True)

    # Actions.

    def action_step(self, by: int) -> None:
        self._switch((self.chosen + by) % len(self.characteristics))

    def action_choose(self, number: int) -> None:
        self._switch(number - 1)

    def action_reload(self) -> None:
        if not self.characteristics:
            self.query_one(SpcFigures).say(self.tr("qc.spc.none"))
            return
        char = self._current()
        self.view = None
        self.query_one("#spc-main", SpcPlot).show(ControlChart(self._title(char), ()))
        self.query_one("#spc-range", SpcPlot).show(None)
        self.query_one(SpcFigures).say(self.tr("qc.spc.loading"))
        self._load(char.code)

    def action_back(self) -> None:
        self.dismiss()

    # Helpers.

    def _switch(self, index: int) -> None:
        if index != self.chosen:
            self.chosen = index
            self.action_reload()

    def _current(self) -> CharacteristicView:
        return self.characteristics[self.chosen]

    def _title(self, char: CharacteristicView, chart: ChartKind | None = None) -> str:
        """Name and unit; then the chart's kind once known, and which of how many."""
        parts = [self._with_unit(char.name, char.unit)]
        if chart is not None:
            parts.append(chart.value)
        if len(self.characteristics) > 1:
            parts.append(f"{self.chosen + 1}/{len(self.characteristics)}")
        return " · ".join(parts)

    def _with_unit(self, name: str, unit: str) -> str:
        return self.tr("qc.spc.with_unit", name=name, unit=unit) if unit else name

    def _main_chart(self, view: SpcView) -> ControlChart:
        title = self._title(self._current(), view.chart)
        if view.no_limits:
            return ControlChart(title, view.points)
        flagged: dict[int, int] = {}
        for violation in sorted(view.violations, key=lambda v: v.rule):
            flagged.setdefault(violation.index, violation.rule)  # the lowest of several
        return ControlChart(
            title=title,
            points=view.points,
            center=view.center,
            lower=view.lower,
            upper=view.upper,
            lsl=view.lsl,
            usl=view.usl,
            flagged=tuple(sorted(flagged.items())),
            decimals=view.decimals + 1,  # limits a decimal finer than the values, as the figures
        )

    def _range_chart(self, view: SpcView) -> ControlChart | None:
        """I-MR: the moving ranges, from the second point on; X̄-R: the subgroups' ranges;
        each against their own limits."""
        if view.chart is ChartKind.XBAR_R:
            return self._subgroup_ranges(view)
        ranges = tuple(abs(b - a) for a, b in pairwise(view.points))
        title = self._with_unit(self.tr("qc.spc.moving_range"), view.unit)
        if view.no_limits:
            return ControlChart(title, ranges, first=2)
        limits = imr_limits(view.points).moving_range
        return ControlChart(
            title,
            ranges,
            first=2,
            center=limits.center,
            lower=limits.lower,
            upper=limits.upper,
            decimals=view.decimals + 1,  # limits a decimal finer than the values, as the figures
        )

    def _subgroup_ranges(self, view: SpcView) -> ControlChart:
        title = self._with_unit(self.tr("qc.spc.range"), view.unit)
        if view.no_limits or not view.ranges:
            return ControlChart(title, view.ranges)
        r_bar = fmean(view.ranges)
        factors = CONSTANTS[view.subgroup_size]
        return ControlChart(
            title,
            view.ranges,
            center=r_bar,
            lower=factors.d3 * r_bar,
            upper=factors.d4 * r_bar,
            decimals=view.decimals + 1,
        )
