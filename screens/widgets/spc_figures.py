"""The figures under a control chart: how many points, the centre line and control limits, Cp
and Cpk, whether the limits are provisional, and the Nelson rules that fired, or why there are
no limits.

Each figure is a whole phrase, never broken across lines. On a narrow screen the phrases are
short and run on in at most two lines; on a wide one the rules get their own line. Rules that
do not fit give way, the oldest first, to a count of them: the chart still marks each one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.content import Content
from textual.widgets import Static

from kiosk.i18n import Translator
from kiosk.qc_values import SpcView
from kiosk.spc import FIRM_LIMITS_COUNT

WIDE_FROM = 60  # columns
_NARROW_LINES = 2
_WIDE_LINES = 3
_RULE_STYLE = "$text-error bold"


class SpcFigures(Static):
    DEFAULT_CSS = """
    SpcFigures { width: 100%; height: auto; padding: 0 1; }
    SpcFigures.-error { color: $text-error; text-style: bold; }
    """

    def __init__(self, tr: Translator, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._tr = tr
        self.view: SpcView | None = None

    def show(self, view: SpcView) -> None:
        self.view = view
        self.remove_class("-error")
        self._lay_out()

    def say(self, text: str, error: bool = False) -> None:
        """A sentence instead of figures: loading, or why there is no chart."""
        self.view = None
        self.set_class(error, "-error")
        self.update(Content(text))

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        width = self.content_size.width
        if self.view is None or width <= 0:  # not laid out yet: on_resize comes
            return
        narrow = self.size.width < WIDE_FROM
        facts = _facts(self._tr, self.view, narrow)
        rule_key = "qc.spc.rule_at_short" if narrow else "qc.spc.rule_at"
        rules = [
            Content.styled(self._tr(rule_key, rule=v.rule, point=v.index + 1), _RULE_STYLE)
            for v in self.view.violations
        ]
        more_key = "qc.spc.more_rules_short" if narrow else "qc.spc.more_rules"

        def more(count: int) -> Content:
            return Content.styled(self._tr(more_key, count=count), _RULE_STYLE)

        if self.view.no_limits:
            lines = _wrap(facts, width)
        elif narrow:
            lines = _fit(rules, more, _NARROW_LINES, lambda shown: _wrap(facts + shown, width))
        elif not rules:
            lines = [*_wrap(facts, width), Content(self._tr("qc.spc.no_rule"))]
        else:
            lines = _fit(
                rules, more, _WIDE_LINES, lambda shown: _wrap(facts, width) + _wrap(shown, width)
            )
        self.update(Content("\n").join(lines))


def _limit(value: float, decimals: int) -> str:
    """A centre line or limit: one decimal more than the values are measured to."""
    return f"{value:.{decimals + 1}f}"


def _facts(tr: Translator, view: SpcView, narrow: bool) -> list[Content]:
    facts = [tr("qc.spc.points", count=len(view.points))]
    if view.no_limits:
        facts.append(tr(f"qc.spc.no_limits.{view.no_limits}"))
        return [Content(fact) for fact in facts]
    for name, value in (("CL", view.center), ("LCL", view.lower), ("UCL", view.upper)):
        if value is not None:
            facts.append(f"{name} {_limit(value, view.decimals)}")
    for name, index in (("Cp", view.cp), ("Cpk", view.cpk)):
        if index is not None:
            facts.append(f"{name} {index:.2f}")
    if view.provisional:
        key = "qc.spc.provisional_short" if narrow else "qc.spc.provisional"
        facts.append(tr(key, count=FIRM_LIMITS_COUNT))
    return [Content(fact) for fact in facts]


def _fit(
    rules: Sequence[Content],
    more: Callable[[int], Content],
    most_lines: int,
    wrap: Callable[[list[Content]], list[Content]],
) -> list[Content]:
    """The lines with as many of the newest rules as fit in `most_lines`, the others counted."""
    lines = wrap(list(rules))
    for hidden in range(1, len(rules) + 1):
        if len(lines) <= most_lines:
            break
        lines = wrap([more(hidden), *rules[hidden:]])
    return lines


def _wrap(phrases: Sequence[Content], width: int, gap: str = "  ") -> list[Content]:
    """Whole phrases in lines of at most `width` cells; a longer phrase gets a line alone."""
    lines: list[list[Content]] = []
    used = 0
    for phrase in phrases:
        if lines and used + len(gap) + phrase.cell_length <= width:
            lines[-1].append(phrase)
            used += len(gap) + phrase.cell_length
        else:
            lines.append([phrase])
            used = phrase.cell_length
    return [Content(gap).join(line) for line in lines]
