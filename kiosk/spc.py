"""Statistical process control: control limits, process capability and Nelson rules 1–4.

Decisions the QC screens rely on:

- Limits need at least 2 values (I-MR) or 2 subgroups (X̄-R); fewer raise `TooFewPointsError`.
  Limits from fewer than `FIRM_LIMITS_COUNT` (20) values or subgroups are still returned but
  marked `provisional`: the usual guidance is 20–25 before limits are fixed.
- σ̂ = 0 (all values equal, or no spread inside any subgroup) raises `NoVariationError` instead
  of limits collapsed onto the centre line, which would flag every later value that differs;
  it usually means the gauge reads too coarsely. Capability with σ = 0 raises the same error.
- Individuals limits are mean ± 3σ̂ unrounded (the tables' 2.66·MR̄), so they agree with
  Nelson rule 1 on the same σ̂.
- A run rule fires once, at the point where its run first reaches the rule's length; the run
  growing longer fires nothing more, and only a new run, after a break, fires again. Rule 1
  fires at every point beyond 3σ: each such point is its own event.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from itertools import pairwise
from typing import Final


class SpcError(ValueError):
    """Data or parameters that SPC cannot work with."""


class TooFewPointsError(SpcError):
    """Too few values or subgroups to set limits from."""


class SubgroupSizeError(SpcError):
    """Subgroups of unequal size, or of a size outside the constants table."""


class NoVariationError(SpcError):
    """σ is 0: limits and capability are undefined."""


@dataclass(frozen=True)
class ChartConstants:
    a2: float
    d3: float
    d4: float
    d2: float


# Shewhart constants by subgroup size n; an I-MR chart uses n = 2 (moving ranges of 2).
CONSTANTS: Final[Mapping[int, ChartConstants]] = {
    2: ChartConstants(a2=1.880, d3=0.0, d4=3.267, d2=1.128),
    3: ChartConstants(a2=1.023, d3=0.0, d4=2.574, d2=1.693),
    4: ChartConstants(a2=0.729, d3=0.0, d4=2.282, d2=2.059),
    5: ChartConstants(a2=0.577, d3=0.0, d4=2.114, d2=2.326),
    6: ChartConstants(a2=0.483, d3=0.0, d4=2.004, d2=2.534),
    7: ChartConstants(a2=0.419, d3=0.076, d4=1.924, d2=2.704),
    8: ChartConstants(a2=0.373, d3=0.136, d4=1.864, d2=2.847),
    9: ChartConstants(a2=0.337, d3=0.184, d4=1.816, d2=2.970),
    10: ChartConstants(a2=0.308, d3=0.223, d4=1.777, d2=3.078),
}

FIRM_LIMITS_COUNT: Final = 20


@dataclass(frozen=True)
class ChartLimits:
    center: float
    lower: float
    upper: float

    @property
    def sigma(self) -> float:
        """σ of what this chart plots, a third of the way from centre to upper limit: what the
        Nelson rules measure against (σ̂ for individuals, σ̂/√n for subgroup means)."""
        return (self.upper - self.center) / 3


@dataclass(frozen=True)
class ImrLimits:
    individuals: ChartLimits
    moving_range: ChartLimits
    sigma: float  # σ̂ = MR̄/d2, the within estimate capability needs
    provisional: bool


@dataclass(frozen=True)
class XbarRLimits:
    means: ChartLimits
    ranges: ChartLimits
    sigma: float  # σ̂ = R̄/d2, the within-subgroup estimate capability needs
    provisional: bool


@dataclass(frozen=True)
class Capability:
    cp: float | None  # None for a one-sided specification
    cpk: float


def imr_limits(values: Sequence[float]) -> ImrLimits:
    """Individuals and moving-range limits for `values`, in the order they were measured."""
    _check_finite(values)
    if len(values) < 2:
        raise TooFewPointsError(f"an I-MR chart needs at least 2 values, got {len(values)}")
    mr_bar = statistics.fmean(abs(b - a) for a, b in pairwise(values))
    if mr_bar == 0:
        raise NoVariationError(
            f"all {len(values)} values are equal ({values[0]}): no variation to set limits "
            "from; does the gauge read too coarsely?"
        )
    pair = CONSTANTS[2]
    mean = statistics.fmean(values)
    sigma = mr_bar / pair.d2
    return ImrLimits(
        individuals=ChartLimits(mean, mean - 3 * sigma, mean + 3 * sigma),
        moving_range=ChartLimits(mr_bar, pair.d3 * mr_bar, pair.d4 * mr_bar),
        sigma=sigma,
        provisional=len(values) < FIRM_LIMITS_COUNT,
    )


def xbar_r_limits(subgroups: Sequence[Sequence[float]]) -> XbarRLimits:
    """Subgroup-mean and range limits for subgroups of one size n, 2 ≤ n ≤ 10."""
    if len(subgroups) < 2:
        raise TooFewPointsError(f"an X̄-R chart needs at least 2 subgroups, got {len(subgroups)}")
    sizes = sorted({len(subgroup) for subgroup in subgroups})
    if len(sizes) > 1:
        raise SubgroupSizeError(f"subgroups must all be the same size, got sizes {sizes}")
    n = sizes[0]
    if n not in CONSTANTS:
        raise SubgroupSizeError(
            f"subgroup size must be {min(CONSTANTS)} to {max(CONSTANTS)}, got {n}"
        )
    for subgroup in subgroups:
        _check_finite(subgroup)
    r_bar = statistics.fmean(max(subgroup) - min(subgroup) for subgroup in subgroups)
    if r_bar == 0:
        raise NoVariationError(
            "every subgroup's values are equal: no variation to set limits from; "
            "does the gauge read too coarsely?"
        )
    grand_mean = statistics.fmean(statistics.fmean(subgroup) for subgroup in subgroups)
    table = CONSTANTS[n]
    return XbarRLimits(
        means=ChartLimits(grand_mean, grand_mean - table.a2 * r_bar, grand_mean + table.a2 * r_bar),
        ranges=ChartLimits(r_bar, table.d3 * r_bar, table.d4 * r_bar),
        sigma=r_bar / table.d2,
        provisional=len(subgroups) < FIRM_LIMITS_COUNT,
    )


def capability(mean: float, sigma: float, lsl: float | None, usl: float | None) -> Capability:
    """Cp and Cpk for a process of `mean` and within σ against spec limits, either of which may
    be None: Cp is then None and Cpk is the one-sided index (CPU or CPL)."""
    if lsl is None and usl is None:
        raise SpcError("capability needs at least one specification limit")
    if lsl is not None and usl is not None and lsl >= usl:
        raise SpcError(f"the lower spec limit {lsl} must be below the upper {usl}")
    _check_finite([mean, *(limit for limit in (lsl, usl) if limit is not None)])
    _check_sigma(sigma)
    cpu = None if usl is None else (usl - mean) / (3 * sigma)
    cpl = None if lsl is None else (mean - lsl) / (3 * sigma)
    cp = None if lsl is None or usl is None else (usl - lsl) / (6 * sigma)
    return Capability(cp, min(index for index in (cpu, cpl) if index is not None))


class NelsonRule(IntEnum):
    BEYOND_3_SIGMA = 1
    SAME_SIDE = 2
    TREND = 3
    ALTERNATING = 4


# Points in a row each rule needs before it fires.
RUN_LENGTH: Final[Mapping[NelsonRule, int]] = {
    NelsonRule.BEYOND_3_SIGMA: 1,
    NelsonRule.SAME_SIDE: 9,
    NelsonRule.TREND: 6,
    NelsonRule.ALTERNATING: 14,
}


@dataclass(frozen=True)
class Violation:
    rule: NelsonRule
    index: int  # the point at which the rule fires, the last of `run`
    run: tuple[int, ...]  # indices of the points that complete the rule


def nelson_violations(points: Sequence[float], center: float, sigma: float) -> list[Violation]:
    """Nelson rules 1–4 over `points` against a centre line and the σ of the plotted points,
    ordered by index, then rule."""
    _check_finite([*points, center])
    _check_sigma(sigma)
    violations: list[Violation] = []
    side = trend = alternating = 0  # points in each rule's run that ends at the current point
    previous_side = previous_step = 0
    for i, x in enumerate(points):
        this_side = _sign(x - center)
        step = _sign(x - points[i - 1]) if i else 0
        # A point on the centre line is on neither side. A value equal to the one before is
        # neither up nor down: it ends a trend or zigzag and is the first point of the next.
        side = side + 1 if this_side and this_side == previous_side else abs(this_side)
        trend = trend + 1 if step and step == previous_step else (2 if step else 1)
        alternating = alternating + 1 if step and step == -previous_step else (2 if step else 1)
        runs = {
            NelsonRule.BEYOND_3_SIGMA: int(abs(x - center) > 3 * sigma),
            NelsonRule.SAME_SIDE: side,
            NelsonRule.TREND: trend,
            NelsonRule.ALTERNATING: alternating,
        }
        # A run reaches its rule's length exactly once, so a long run fires once.
        violations.extend(
            Violation(rule, i, tuple(range(i - length + 1, i + 1)))
            for rule, length in runs.items()
            if length == RUN_LENGTH[rule]
        )
        previous_side, previous_step = this_side, step
    return violations


def last_point_violations(points: Sequence[float], center: float, sigma: float) -> list[Violation]:
    """The rules the newest point fires, as an entry screen asks after each value; no rule
    looks ahead, so these are the full series' violations at that index."""
    last = len(points) - 1
    return [
        violation
        for violation in nelson_violations(points, center, sigma)
        if violation.index == last
    ]


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _check_finite(values: Iterable[float]) -> None:
    for value in values:
        if not math.isfinite(value):
            raise SpcError(f"values must be finite numbers, got {value}")


def _check_sigma(sigma: float) -> None:
    if sigma == 0:
        raise NoVariationError(
            "σ is 0: with no variation, capability and the 3σ rule are undefined"
        )
    if not (math.isfinite(sigma) and sigma > 0):
        raise SpcError(f"σ must be a positive finite number, got {sigma}")
