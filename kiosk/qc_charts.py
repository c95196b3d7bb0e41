"""Control charts of inspection results, read inside a caller's session. No Textual.

A series is one variable characteristic of an item over its judged inspections of one sample
size n, in the order they were judged (by the judged event's sequence, which no clock change
can reorder). n = 1 gives individual values (I-MR); 2 ≤ n ≤ 10 makes each inspection's units
a subgroup (X̄-R); larger samples, a final lot's, are not charted.

The window is the newest 100 values or 25 subgroups: enough for firm limits (kiosk.spc asks
for 20), recent enough to follow a process that was deliberately changed. The newest point
is judged by Nelson rules 1–4 against limits from the points before it in the window, so an
outlier does not widen the limits it is judged by; with fewer than `FIRM_LIMITS_COUNT` (20)
points before it, or no variation among them, it is not judged: provisional limits from a
handful of points would raise quality exceptions on a process that is in control. The chart
shows each point's violations as they were judged: against the points before it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import and_
from sqlmodel import Session, col, select

from kiosk.qc_values import CharacteristicView, ChartKind, SpcView, SpcViolationView
from kiosk.spc import (
    CONSTANTS,
    FIRM_LIMITS_COUNT,
    ChartLimits,
    NoVariationError,
    SpcError,
    TooFewPointsError,
    Violation,
    capability,
    imr_limits,
    last_point_violations,
    xbar_r_limits,
)
from kiosk.store.models import Event, Inspection, InspectionResult

JUDGED = "qc.inspection_judged"
WINDOW_VALUES = 100
WINDOW_SUBGROUPS = 25
LARGEST_SUBGROUP = max(CONSTANTS)

Subgroup = tuple[float, ...]


def charted(sample_size: int) -> bool:
    return sample_size <= LARGEST_SUBGROUP


def series(
    session: Session,
    item_code: str,
    characteristic: str,
    sample_size: int,
    plan_code: str | None = None,
) -> list[Subgroup]:
    """The window of the characteristic's series for inspections of `sample_size` units (of
    one plan's, when `plan_code` is given), oldest first; an inspection missing a value of it
    is left out."""
    window = WINDOW_VALUES if sample_size == 1 else WINDOW_SUBGROUPS
    query = (
        select(InspectionResult.inspection_id, InspectionResult.value)
        .join(Inspection, col(Inspection.id) == col(InspectionResult.inspection_id))
        .join(Event, and_(col(Event.subject_id) == col(Inspection.id), col(Event.type) == JUDGED))
        .where(
            Inspection.item_code == item_code,
            Inspection.sample_size == sample_size,
            InspectionResult.characteristic == characteristic,
            col(InspectionResult.value).is_not(None),
        )
    )
    if plan_code is not None:
        query = query.where(Inspection.plan_code == plan_code)
    rows = session.exec(
        query.order_by(col(Event.seq).desc(), col(InspectionResult.sample_no)).limit(
            window * sample_size
        )
    ).all()
    groups: dict[str, list[float]] = {}  # newest first
    for inspection_id, value in rows:
        assert value is not None  # guaranteed by the query
        groups.setdefault(inspection_id, []).append(value)
    return [tuple(g) for g in reversed(groups.values()) if len(g) == sample_size]


def newest_rules(subgroups: Sequence[Subgroup]) -> list[int]:
    """The Nelson rules the newest subgroup (or value) fires against limits from the ones
    before it; none when those are too few for firm limits or cannot give limits."""
    points = _points(subgroups)
    return [int(v.rule) for v in _judged(subgroups, points, len(subgroups) - 1)]


def _judged(subgroups: Sequence[Subgroup], points: Sequence[float], at: int) -> list[Violation]:
    """The violations of point `at` against limits from the points before it: none with
    fewer than FIRM_LIMITS_COUNT of them, or without variation among them."""
    if at < FIRM_LIMITS_COUNT:
        return []
    try:
        chart = _Chart.of(subgroups[:at])
    except SpcError:
        return []
    return last_point_violations(points[: at + 1], chart.center, chart.sigma)


def chart_view(
    session: Session,
    item_code: str,
    char: CharacteristicView,
    sample_size: int,
    plan_code: str | None = None,
) -> SpcView:
    """The characteristic's window (of one plan's inspections, when `plan_code` is given)
    against limits from that same window; each point's violations as it was judged when it
    was entered, against limits from the points before it."""
    subgroups = series(session, item_code, char.code, sample_size, plan_code)
    points = tuple(_points(subgroups))
    kind = ChartKind.IMR if sample_size == 1 else ChartKind.XBAR_R
    blank = SpcView(
        item_code=item_code,
        characteristic=char.code,
        name=char.name,
        chart=kind,
        points=points,
        center=None,
        lower=None,
        upper=None,
        cp=None,
        cpk=None,
        provisional=True,
        violations=(),
        lsl=char.lsl,
        usl=char.usl,
        unit=char.unit,
        decimals=char.decimals,
        ranges=() if sample_size == 1 else tuple(max(g) - min(g) for g in subgroups),
        subgroup_size=sample_size,
    )
    try:
        chart = _Chart.of(subgroups)
    except NoVariationError:
        return replace(blank, no_limits="no_variation")
    except TooFewPointsError:
        return replace(blank, no_limits="too_few_points")
    if char.lsl is None and char.usl is None:
        fit = None  # nothing to be capable of: the importer refuses it, older data may not
    else:
        fit = capability(chart.center, chart.within, char.lsl, char.usl)
    violations = [v for at in range(len(points)) for v in _judged(subgroups, points, at)]
    return replace(
        blank,
        center=chart.center,
        lower=chart.limits.lower,
        upper=chart.limits.upper,
        cp=fit.cp if fit else None,
        cpk=fit.cpk if fit else None,
        provisional=chart.provisional,
        violations=tuple(SpcViolationView(int(v.rule), v.index) for v in violations),
    )


def _points(subgroups: Sequence[Subgroup]) -> list[float]:
    return [statistics.fmean(subgroup) for subgroup in subgroups]


@dataclass(frozen=True)
class _Chart:
    limits: ChartLimits  # of the plotted points: values or subgroup means
    within: float  # σ̂ within subgroups, for capability
    provisional: bool

    @property
    def center(self) -> float:
        return self.limits.center

    @property
    def sigma(self) -> float:
        return self.limits.sigma

    @classmethod
    def of(cls, subgroups: Sequence[Subgroup]) -> _Chart:
        """Limits for the subgroups, by their size; SpcError when there are none."""
        if not subgroups:
            raise TooFewPointsError("no points yet")
        if len(subgroups[0]) == 1:
            imr = imr_limits([value for (value,) in subgroups])
            return cls(imr.individuals, imr.sigma, imr.provisional)
        xbar = xbar_r_limits(subgroups)
        return cls(xbar.means, xbar.sigma, xbar.provisional)
