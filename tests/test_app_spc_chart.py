"""The control chart screen through the real app: the English QC inspector opens the charts of
the MC-200's measured characteristics, recorded unit by unit through the real QcService, on a
40×16 handheld and a 120×40 station."""

from __future__ import annotations

import statistics
from dataclasses import replace
from itertools import pairwise
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Label
from textual_plotext import PlotextPlot

from kiosk.app import KioskApp
from kiosk.config import Language, StationConfig
from kiosk.i18n import Translator
from kiosk.qc_values import (
    CharacteristicView,
    ChartKind,
    Entry,
    InspectionKind,
    SpcView,
    SpcViolationView,
)
from kiosk.services import Services
from kiosk.spc import capability, imr_limits, nelson_violations, xbar_r_limits
from screens.spc_chart import SpcChartScreen
from screens.widgets.key_bar import KeyBar
from screens.widgets.spc_figures import SpcFigures
from screens.widgets.spc_plot import SpcPlot
from sync.reference import CharacteristicRecord
from tests.fakes import FakeClock
from tests.test_app import type_and_enter, wait_for
from tests.test_materials import signed_in
from tests.test_qc import HISTORY, SOLDER, THICK, keep_plan, reflow, report, the_open

EN = Translator(Language.EN)
WARP = CharacteristicRecord(
    code="WARP",
    name_zh="翘曲",
    name_en="Warpage",
    kind="variable",
    usl=0.10,  # one-sided: Cpk without Cp
    unit="mm",
    decimals=2,
    gauge="Feeler gauge",
)
# Six rising after 20 in-control values (firm limits): Nelson rule 3 fires. 28 points in all.
THICK_VALUES = [*HISTORY, 1.58, 1.59, 1.60, 1.61, 1.62, 1.63, 1.61, 1.60]
_WARP = [0.04, 0.05, 0.03, 0.06, 0.04, 0.05, 0.05, 0.03, 0.04, 0.06, 0.05, 0.04]
WARP_VALUES = (_WARP * 3)[: len(THICK_VALUES)]
SIZES = [(40, 16), (120, 40)]


@pytest.fixture
def app(config: StationConfig, clock: FakeClock, services: Services) -> KioskApp:
    return KioskApp(config, clock, lambda: services, tick_seconds=0.05)


def patrols(services: Services, sample_size: int = 1) -> str:
    """The MC-200's reflow started, with a patrol of `sample_size` units after every good unit;
    answers the operation."""
    keep_plan(
        services,
        "PT-SPC",
        "patrol",
        THICK,
        WARP,
        SOLDER,
        every_units=1,
        sample_size=sample_size,
    )
    return reflow(services, signed_in(services, "E1003"))


def inspect(
    services: Services, operation: str, units: list[dict[str, Entry]], sample_size: int = 1
) -> list[CharacteristicView]:
    """A good unit reported, then its patrol's units measured by the QC inspector, as often as
    `units` lasts; answers the characteristics as the inspection shows them."""
    operator, inspector = signed_in(services, "E1003"), signed_in(services, "E1014")
    for start in range(0, len(units), sample_size):
        report(services, operation, operator, 1)
        patrol = the_open(services, InspectionKind.PATROL)
        for sample_no, unit in enumerate(units[start : start + sample_size], start=1):
            services.qc.record_sample(patrol.inspection_id, sample_no, unit, inspector)
    return list(services.qc.detail(patrol.inspection_id, "en").characteristics)


def units_of(thick: list[float], warp: list[float]) -> list[dict[str, Entry]]:
    return [{"THICK": t, "WARP": w, "SOLDER": (True, "")} for t, w in zip(thick, warp, strict=True)]


async def sign_in_inspector(pilot: Pilot[None], app: KioskApp) -> None:
    """Grace Lin badges in (QC needs no PIN here); whichever home the app gives her is fine."""
    await wait_for(pilot, lambda: app.services is not None)
    await type_and_enter(pilot, "E1014")
    await wait_for(pilot, lambda: app.user is not None and app.screen is not app.login)


async def open_chart(
    pilot: Pilot[None], app: KioskApp, characteristics: list[CharacteristicView]
) -> SpcChartScreen:
    """The inspector signs in; the chart is pushed as the inspection would, on the first."""
    await sign_in_inspector(pilot, app)
    assert app.user is not None and app.services is not None
    screen = SpcChartScreen(
        Translator(app.user.language),
        "ST-ASM-01 Test station",
        app.clock,
        app.user,
        app.services.qc,
        "FG-MC200",
        characteristics,
    )
    await app.push_screen(screen)
    await shown(pilot, screen, "THICK")
    return screen


async def shown(pilot: Pilot[None], screen: SpcChartScreen, code: str) -> None:
    await wait_for(pilot, lambda: screen.view is not None and screen.view.characteristic == code)
    await pilot.pause(0.1)  # the figures are laid out at their width, then drawn


def glass(screen: SpcChartScreen, widget: Widget) -> list[str]:
    """The lines of a widget as drawn on the screen, trailing blanks dropped."""
    strips = screen.app.screen._compositor.render_strips()
    box = widget.region
    return [strips[y].crop(box.x, box.right).text.rstrip() for y in range(box.y, box.bottom)]


def figures(screen: SpcChartScreen) -> list[str]:
    return [line.strip() for line in glass(screen, screen.query_one(SpcFigures))]


def phrases(screen: SpcChartScreen) -> list[str]:
    """The figures' phrases: each is whole on one line, two spaces apart."""
    return [phrase for line in figures(screen) for phrase in line.split("  ") if phrase]


def monitor(screen: SpcChartScreen, chart: str) -> Any:
    """What plotext was given to draw: its series' x, y, markers and colours (a list each)."""
    plt = screen.query_one(f"#{chart}", SpcPlot).query_one(PlotextPlot).plt
    return plt.monitor  # type: ignore[attr-defined]  # the stub leaves the figure's monitor out


def title(screen: SpcChartScreen, chart: str = "spc-main") -> str:
    return str(screen.query_one(f"#{chart}", SpcPlot).query_one(Label).render())


def limit(value: float) -> str:
    """Centre line and limits as the screen gives them: a decimal more than the 2 measured."""
    return f"{value:.3f}"


def within_screen(screen: SpcChartScreen) -> bool:
    shown_widgets = [w for w in screen.query("*") if w.display and w.region.area]
    return bool(shown_widgets) and all(
        screen.region.contains_region(w.region) for w in shown_widgets
    )


def contrast(one: Color, other: Color) -> float:
    def luminance(colour: Color) -> float:
        channels = [c / 255 for c in colour.rgb]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("size", SIZES)
async def test_the_inspector_reads_the_chart_its_figures_and_the_rule_that_fired(
    app: KioskApp, services: Services, size: tuple[int, int]
) -> None:
    characteristics = inspect(services, patrols(services), units_of(THICK_VALUES, WARP_VALUES))
    thick = imr_limits(THICK_VALUES)
    thick_fit = capability(thick.individuals.center, thick.sigma, THICK.lsl, THICK.usl)
    fired = nelson_violations(THICK_VALUES, thick.individuals.center, thick.individuals.sigma)
    assert [(int(v.rule), v.index) for v in fired] == [(3, 25)]  # the six rising
    narrow = size[0] < 60

    async with app.run_test(size=size) as pilot:
        screen = await open_chart(pilot, app, characteristics)
        assert [c.code for c in screen.characteristics] == ["THICK", "WARP"]  # no attribute
        assert title(screen) == "Board thickness (mm) · I-MR · 1/2"

        # The figures, whole and in at most two lines on the handheld.
        expected = [
            "n=28",
            f"CL {limit(thick.individuals.center)}",
            f"LCL {limit(thick.individuals.lower)}",
            f"UCL {limit(thick.individuals.upper)}",
            f"Cp {thick_fit.cp:.2f}",
            f"Cpk {thick_fit.cpk:.2f}",
            "R3@26" if narrow else "Rule 3 at point 26",
        ]
        assert phrases(screen) == expected
        assert len(figures(screen)) == 2
        assert all(len(line) <= size[0] - 2 for line in figures(screen))

        # Plotext was given the points, the limits and the point that fired, drawn as its rule.
        main = monitor(screen, "spc-main")
        assert list(THICK_VALUES) in main.y
        flagged = main.marker.index(["3"])
        assert (main.x[flagged], main.y[flagged]) == ([26], [THICK_VALUES[25]])
        for value in (thick.individuals.lower, thick.individuals.upper, THICK.lsl, THICK.usl):
            assert [value, value] in main.y

        # The moving ranges below, only where there is room for a second chart.
        moving = screen.query_one("#spc-range", SpcPlot)
        if narrow:
            assert moving.region.area == 0
        else:
            assert moving.region.height >= 10
            assert title(screen, "spc-range") == "Moving range (mm)"
            ranges = monitor(screen, "spc-range")
            assert [abs(b - a) for a, b in pairwise(THICK_VALUES)] in ranges.y
            upper = thick.moving_range.upper
            assert [upper, upper] in ranges.y
        assert screen.query_one("#spc-main", SpcPlot).region.height >= 10
        assert within_screen(screen)
        assert len(glass(screen, screen.query_one(KeyBar))) == 1

        # → the one-sided warpage: Cpk, no Cp; ← wraps round; 1 goes back to the first.
        await pilot.press("right")
        await shown(pilot, screen, "WARP")
        warp = imr_limits(WARP_VALUES)
        warp_fit = capability(warp.individuals.center, warp.sigma, None, WARP.usl)
        assert title(screen) == "Warpage (mm) · I-MR · 2/2"
        assert f"Cpk {warp_fit.cpk:.2f}" in phrases(screen)
        assert f"CL {limit(warp.individuals.center)}" in phrases(screen)
        assert not any(phrase.startswith("Cp ") for phrase in phrases(screen))
        assert list(WARP_VALUES) in monitor(screen, "spc-main").y
        assert within_screen(screen)
        await pilot.press("right")
        await shown(pilot, screen, "THICK")
        await pilot.press("left")
        await shown(pilot, screen, "WARP")
        await pilot.press("1")
        await shown(pilot, screen, "THICK")
        assert phrases(screen) == expected

        # The chart is drawn again in a light theme's colours, which stand out as the dark's do.
        drawn = []
        for theme in ("textual-light", "textual-dark"):
            app.theme = theme
            await pilot.pause(0.1)
            surface = Color.parse(app.theme_variables["surface"])
            colours = [series[0] for series in monitor(screen, "spc-main").color]
            assert all(contrast(Color(*rgb), surface) >= 3 for rgb in colours)
            drawn.append(colours)
        assert drawn[0] != drawn[1]

        await pilot.press("f10")
        await wait_for(pilot, lambda: not isinstance(app.screen, SpcChartScreen))


@pytest.mark.parametrize("size", SIZES)
async def test_without_limits_the_points_are_drawn_alone_and_the_screen_says_why(
    app: KioskApp, services: Services, size: tuple[int, int]
) -> None:
    # Two units measured: enough thickness values for limits, but every warpage the same.
    characteristics = inspect(services, patrols(services), units_of([1.60, 1.62], [0.05, 0.05]))

    async with app.run_test(size=size) as pilot:
        screen = await open_chart(pilot, app, characteristics)
        assert "CL" in " ".join(phrases(screen))
        await pilot.press("2")
        await shown(pilot, screen, "WARP")
        assert phrases(screen) == ["n=2", EN("qc.spc.no_limits.no_variation")]
        # The points alone, joined and marked: no limit, not even the specification's.
        assert monitor(screen, "spc-main").y == [[0.05, 0.05], [0.05, 0.05]]
        assert within_screen(screen)


@pytest.mark.parametrize("size", SIZES)
async def test_a_single_value_is_too_few_for_limits_until_the_next_is_measured_and_f5(
    app: KioskApp, services: Services, size: tuple[int, int]
) -> None:
    operation = patrols(services)
    characteristics = inspect(services, operation, units_of([1.61], [0.05]))

    async with app.run_test(size=size) as pilot:
        screen = await open_chart(pilot, app, characteristics)
        assert phrases(screen) == ["n=1", EN("qc.spc.no_limits.too_few_points")]
        assert monitor(screen, "spc-main").y == [[1.61], [1.61]]
        assert within_screen(screen)

        inspect(services, operation, units_of([1.63], [0.06]))  # meanwhile, the next patrol
        await pilot.press("f5")
        await wait_for(pilot, lambda: screen.view is not None and len(screen.view.points) == 2)
        await pilot.pause(0.1)
        limits = imr_limits([1.61, 1.63]).individuals
        assert phrases(screen)[:4] == [
            "n=2",
            f"CL {limit(limits.center)}",
            f"LCL {limit(limits.lower)}",
            f"UCL {limit(limits.upper)}",
        ]
        assert [1.61, 1.63] in monitor(screen, "spc-main").y


async def test_a_characteristic_no_plan_charts_is_refused_with_the_reason(
    app: KioskApp, services: Services
) -> None:
    characteristics = inspect(services, patrols(services), units_of([1.61], [0.05]))
    unplanned = replace(characteristics[0], code="LENGTH", name="Length")
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]

    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_chart(pilot, app, [*characteristics, unplanned])
        await pilot.press("3")
        reason = EN("refusal.unknown_characteristic")
        await wait_for(pilot, lambda: " ".join(figures(screen)) == reason)
        assert screen.query_one(SpcFigures).has_class("-error") and bells == [None]
        assert title(screen) == "Length (mm) · 3/3"
        assert monitor(screen, "spc-main").y == []  # nothing of the one before is left
        assert within_screen(screen)


async def test_an_inspection_measuring_nothing_has_nothing_to_chart(
    app: KioskApp, services: Services
) -> None:
    characteristics = inspect(services, patrols(services), units_of([1.61], [0.05]))
    attributes = [c for c in characteristics if c.code == "SOLDER"]

    async with app.run_test(size=(40, 16)) as pilot:
        await sign_in_inspector(pilot, app)
        assert app.user is not None and app.services is not None
        screen = SpcChartScreen(
            EN, "ST-ASM-01", app.clock, app.user, app.services.qc, "FG-MC200", attributes
        )
        await app.push_screen(screen)
        await wait_for(pilot, lambda: figures(screen) == [EN("qc.spc.none")])
        assert monitor(screen, "spc-main").y == []
        assert not [w for w in app.workers if w.node is screen]  # nothing to read
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not screen)


async def test_subgroups_are_charted_by_their_means_and_ranges(
    app: KioskApp, services: Services
) -> None:
    subgroups = [
        (1.60, 1.62, 1.61),
        (1.59, 1.61, 1.60),
        (1.61, 1.62, 1.60),
        (1.60, 1.61, 1.59),
        (1.62, 1.60, 1.61),
    ]
    values = [value for subgroup in subgroups for value in subgroup]
    warp = [0.04, 0.05, 0.06] * len(subgroups)
    characteristics = inspect(services, patrols(services, 3), units_of(values, warp), 3)
    means = xbar_r_limits(subgroups).means

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_chart(pilot, app, characteristics)
        assert screen.view is not None and screen.view.chart is ChartKind.XBAR_R
        assert title(screen) == "Board thickness (mm) · X̄-R · 1/2"
        assert phrases(screen)[1:4] == [
            f"CL {limit(means.center)}",
            f"LCL {limit(means.lower)}",
            f"UCL {limit(means.upper)}",
        ]
        plotted = monitor(screen, "spc-main").y[-1]
        assert plotted == pytest.approx([statistics.fmean(s) for s in subgroups])
        # Below, each subgroup's range against the R chart's own limits.
        assert screen.query_one("#spc-range", SpcPlot).region.area > 0
        drawn = monitor(screen, "spc-range").y
        assert pytest.approx([max(s) - min(s) for s in subgroups]) in drawn
        ranges = xbar_r_limits(subgroups).ranges
        assert pytest.approx([ranges.center] * 2) in drawn
        assert pytest.approx([ranges.upper] * 2) in drawn
        assert within_screen(screen)


class _FiguresAlone(App[None]):
    def compose(self) -> ComposeResult:
        yield SpcFigures(EN)


@pytest.mark.parametrize(("size", "most_lines"), [((40, 16), 2), ((120, 40), 3)])
async def test_rules_that_do_not_fit_give_way_to_a_count_the_oldest_first(
    size: tuple[int, int], most_lines: int
) -> None:
    # Rule 1 at each of 40 points: more than the lines hold at either width.
    violations = tuple(SpcViolationView(1, index) for index in range(40))
    view = SpcView(
        item_code="FG-MC200",
        characteristic="THICK",
        name="Board thickness",
        chart=ChartKind.IMR,
        points=(1.60, 1.70) * 20,
        center=1.65,
        lower=1.62,
        upper=1.68,
        cp=0.40,
        cpk=0.35,
        provisional=False,
        violations=violations,
        lsl=1.50,
        usl=1.70,
        unit="mm",
        decimals=2,
    )
    narrow = size[0] < 60
    app = _FiguresAlone()
    async with app.run_test(size=size) as pilot:
        figures = app.query_one(SpcFigures)
        figures.show(view)
        await pilot.pause(0.1)
        strips = app.screen._compositor.render_strips()
        box = figures.region
        lines = [strips[y].crop(box.x, box.right).text.strip() for y in range(box.y, box.bottom)]

    assert 1 < len(lines) <= most_lines and all(len(line) <= size[0] - 2 for line in lines)
    said = [phrase for line in lines for phrase in line.split("  ") if phrase]
    rule_key = "qc.spc.rule_at_short" if narrow else "qc.spc.rule_at"
    every_rule = [EN(rule_key, rule=1, point=v.index + 1) for v in violations]
    shown_rules = [phrase for phrase in said if phrase in every_rule]
    hidden = len(violations) - len(shown_rules)
    assert 0 < hidden < len(violations)
    assert shown_rules == every_rule[hidden:]  # the newest stay
    more_key = "qc.spc.more_rules_short" if narrow else "qc.spc.more_rules"
    assert EN(more_key, count=hidden) in said
    assert said[:6] == ["n=40", "CL 1.650", "LCL 1.620", "UCL 1.680", "Cp 0.40", "Cpk 0.35"]
