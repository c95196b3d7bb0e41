"""One control chart drawn with plotext: the points joined, the centre line, the control limits
dashed, the specification limits heavy, and each point where a Nelson rule fires drawn as the
rule's number in the error colour. Its title is a label above it, cut with an ellipsis where
plotext would drop a title too long for the width."""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.widgets import Label
from textual_plotext import PlotextPlot

# Where tick labels of the limits also give their values; below it, names only.
_VALUES_FROM = 60  # columns
# Contrast against the plot's background (WCAG): 3:1 for lines, 4.5:1 for what is read.
_LINE_CONTRAST = 3.0
_TEXT_CONTRAST = 4.5
_TICK_EVERY = 6  # columns at least between the point numbers under the chart
_NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)

Rgb = tuple[int, int, int]


@dataclass(frozen=True)
class ControlChart:
    """What one chart draws. Points are numbered from `first` along the bottom."""

    title: str
    points: tuple[float, ...]
    first: int = 1
    center: float | None = None
    lower: float | None = None
    upper: float | None = None
    lsl: float | None = None
    usl: float | None = None
    flagged: tuple[tuple[int, int], ...] = ()  # (index in points, the rule drawn there)
    decimals: int = 2  # of the limits' values in the tick labels


class SpcPlot(Vertical):
    DEFAULT_CSS = """
    SpcPlot { height: 1fr; }
    SpcPlot > Label {
        width: 100%; height: 1; padding: 0 1; text-style: bold;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    SpcPlot > PlotextPlot { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart: ControlChart | None = None

    def compose(self) -> ComposeResult:
        yield Label("", markup=False)
        yield PlotextPlot()

    def on_mount(self) -> None:
        # Series colours come from the theme: draw again when it changes.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())

    def on_resize(self) -> None:
        self._draw()

    def show(self, chart: ControlChart | None) -> None:
        """Draw `chart`; None leaves the chart empty."""
        self.chart = chart
        self.query_one(Label).update(chart.title if chart is not None else "")
        self._draw()

    def _draw(self) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        chart = self.chart
        if chart is not None and chart.points:
            colours = _Palette.of(self.app.theme_variables)
            xs = list(range(chart.first, chart.first + len(chart.points)))
            wide = self.size.width >= _VALUES_FROM
            ticks: list[tuple[float, str]] = []
            ends = [xs[0], xs[-1]]
            for value, name, marker, colour in (
                (chart.lsl, "LSL", "━", colours.spec),
                (chart.usl, "USL", "━", colours.spec),
                (chart.lower, "LCL", "╌", colours.limit),
                (chart.upper, "UCL", "╌", colours.limit),
                (chart.center, "CL", "─", colours.center),
            ):
                if value is not None:
                    plt.plot(ends, [value, value], marker=marker, color=colour)
                    ticks.append((value, f"{name} {value:.{chart.decimals}f}" if wide else name))
            plt.plot(xs, list(chart.points), marker="hd", color=colours.points)
            plt.scatter(xs, list(chart.points), marker="•", color=colours.points)
            for index, rule in chart.flagged:
                plt.scatter(
                    [xs[index]],
                    [chart.points[index]],
                    marker=str(rule),
                    color=colours.flagged,
                )
            if ticks:
                plt.yticks([value for value, _ in ticks], [label for _, label in ticks])
            numbers = _point_numbers(xs, self.size.width)
            plt.xticks([float(x) for x in numbers], [str(x) for x in numbers])
        plot.refresh()


def _point_numbers(xs: list[int], width: int) -> list[int]:
    """Point numbers along the bottom, a round step apart and never crowded."""
    room = max(2, width // _TICK_EVERY)
    step = next((s for s in _NICE_STEPS if math.ceil(len(xs) / s) <= room), _NICE_STEPS[-1])
    return xs[::step]


@dataclass(frozen=True)
class _Palette:
    """The theme's colours, each moved towards the foreground until it stands out enough from
    the plot's background: the theme's own warning colour is pale on a light background."""

    points: Rgb
    center: Rgb
    limit: Rgb
    spec: Rgb
    flagged: Rgb

    @classmethod
    def of(cls, variables: dict[str, str]) -> _Palette:
        background = Color.parse(variables["surface"])
        foreground = Color.parse(variables["foreground"])

        def legible(name: str, ratio: float) -> Rgb:
            colour = Color.parse(variables[name])
            for step in range(10):
                moved = colour.blend(foreground, step / 10)
                if _contrast(moved, background) >= ratio:
                    return moved.rgb
            return foreground.rgb

        return cls(
            points=legible("primary", _TEXT_CONTRAST),
            center=legible("success", _LINE_CONTRAST),
            limit=legible("warning", _LINE_CONTRAST),
            spec=legible("error", _LINE_CONTRAST),
            flagged=legible("error", _TEXT_CONTRAST),
        )


def _contrast(one: Color, other: Color) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
