"""SPC: control limits worked by hand, capability, and Nelson rules against their definitions."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.spc import (
    CONSTANTS,
    NelsonRule,
    NoVariationError,
    SpcError,
    SubgroupSizeError,
    TooFewPointsError,
    Violation,
    capability,
    imr_limits,
    last_point_violations,
    nelson_violations,
    xbar_r_limits,
)

BEYOND, SIDE, TREND, ALTERNATING = NelsonRule


def run(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


# Control limits


def test_imr_limits_worked_by_hand() -> None:
    limits = imr_limits([5.0, 7.0, 6.0, 9.0, 8.0])
    # mean = 35 / 5 = 7; moving ranges |7-5|, |6-7|, |9-6|, |8-9| = 2, 1, 3, 1, so MR̄ = 7/4.
    sigma = 1.75 / 1.128  # σ̂ = MR̄ / d2 ≈ 1.5514
    assert limits.sigma == pytest.approx(sigma)
    assert limits.individuals.center == pytest.approx(7.0)
    assert limits.individuals.upper == pytest.approx(7.0 + 3 * sigma)  # ≈ 11.654
    assert limits.individuals.lower == pytest.approx(7.0 - 3 * sigma)  # ≈ 2.346
    # The tables' shortcut, mean ± 2.66·MR̄ = 7 ± 4.655, agrees to its rounding.
    assert limits.individuals.upper == pytest.approx(7.0 + 2.66 * 1.75, abs=0.01)
    assert limits.moving_range.center == pytest.approx(1.75)
    assert limits.moving_range.upper == pytest.approx(3.267 * 1.75)  # D4·MR̄ = 5.717
    assert limits.moving_range.lower == 0.0
    assert limits.individuals.sigma == pytest.approx(sigma)
    assert limits.provisional  # 5 values, well short of 20


def test_xbar_r_limits_worked_by_hand() -> None:
    subgroups = [
        [10.0, 12.0, 11.0, 9.0, 13.0],  # mean 55/5 = 11, range 13-9 = 4
        [11.0, 11.0, 12.0, 10.0, 11.0],  # mean 11, range 2
        [12.0, 14.0, 13.0, 12.0, 14.0],  # mean 13, range 2
        [9.0, 10.0, 11.0, 8.0, 12.0],  # mean 10, range 4
        [10.0, 11.0, 12.0, 13.0, 14.0],  # mean 12, range 4
    ]
    limits = xbar_r_limits(subgroups)
    # X̿ = (11+11+13+10+12)/5 = 11.4; R̄ = (4+2+2+4+4)/5 = 3.2; n = 5: A2 0.577, D4 2.114.
    assert limits.means.center == pytest.approx(11.4)
    assert limits.means.upper == pytest.approx(13.2464)  # 11.4 + 0.577 × 3.2
    assert limits.means.lower == pytest.approx(9.5536)  # 11.4 - 0.577 × 3.2
    assert limits.ranges.center == pytest.approx(3.2)
    assert limits.ranges.upper == pytest.approx(6.7648)  # 2.114 × 3.2
    assert limits.ranges.lower == 0.0  # D3 = 0 below n = 7
    assert limits.sigma == pytest.approx(3.2 / 2.326)  # R̄/d2 ≈ 1.3758
    # Subgroup means scatter with σ̂/√n = 1.3758/2.236 ≈ 0.6153 (A2·R̄/3 to table rounding).
    assert limits.means.sigma == pytest.approx(3.2 / 2.326 / math.sqrt(5), rel=1e-3)
    assert limits.provisional


def test_range_chart_gets_a_lower_limit_from_n_7() -> None:
    limits = xbar_r_limits(
        [[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]]
    )
    # Means 3 and 4, ranges 6 and 6: X̿ = 3.5, R̄ = 6; n = 7: D3 0.076, D4 1.924, A2 0.419.
    assert limits.ranges.lower == pytest.approx(0.456)  # 0.076 × 6
    assert limits.ranges.upper == pytest.approx(11.544)  # 1.924 × 6
    assert limits.means.upper == pytest.approx(6.014)  # 3.5 + 0.419 × 6


def test_twenty_values_or_subgroups_make_firm_limits() -> None:
    values = [10.0 + (i % 3) for i in range(20)]
    assert not imr_limits(values).provisional
    assert imr_limits(values[:19]).provisional
    subgroups = [[1.0, 2.0]] * 20
    assert not xbar_r_limits(subgroups).provisional
    assert xbar_r_limits(subgroups[:19]).provisional


def test_constants_match_the_standard_table() -> None:
    five = CONSTANTS[5]
    assert (five.a2, five.d3, five.d4, five.d2) == (0.577, 0.0, 2.114, 2.326)
    assert (CONSTANTS[2].d2, CONSTANTS[2].d4) == (1.128, 3.267)  # the I-MR constants
    assert sorted(CONSTANTS) == list(range(2, 11))


@pytest.mark.parametrize("values", [[], [4.2]])
def test_imr_needs_two_values(values: list[float]) -> None:
    with pytest.raises(TooFewPointsError, match="at least 2 values"):
        imr_limits(values)


def test_xbar_r_needs_two_subgroups() -> None:
    with pytest.raises(TooFewPointsError, match="at least 2 subgroups"):
        xbar_r_limits([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize(
    ("subgroups", "message"),
    [
        ([[1.0, 2.0, 3.0], [1.0, 2.0]], r"same size, got sizes \[2, 3\]"),
        ([[1.0], [2.0]], "must be 2 to 10, got 1"),
        ([[float(i) for i in range(11)]] * 2, "must be 2 to 10, got 11"),
    ],
)
def test_subgroup_sizes_must_be_equal_and_in_the_table(
    subgroups: list[list[float]], message: str
) -> None:
    with pytest.raises(SubgroupSizeError, match=message):
        xbar_r_limits(subgroups)


def test_no_variation_gives_no_limits() -> None:
    with pytest.raises(NoVariationError, match="all 4 values are equal"):
        imr_limits([3.0, 3.0, 3.0, 3.0])
    # Subgroups that differ from each other but have no spread inside have σ̂ = R̄/d2 = 0 too.
    with pytest.raises(NoVariationError, match="every subgroup"):
        xbar_r_limits([[1.0, 1.0], [2.0, 2.0]])


def test_non_finite_values_are_refused() -> None:
    with pytest.raises(SpcError, match="finite"):
        imr_limits([1.0, math.nan, 2.0])
    with pytest.raises(SpcError, match="finite"):
        xbar_r_limits([[1.0, 2.0], [math.inf, 2.0]])
    with pytest.raises(SpcError, match="finite"):
        nelson_violations([1.0, math.nan], center=1.0, sigma=1.0)


def test_errors_are_value_errors() -> None:
    assert issubclass(SpcError, ValueError)
    for error in (TooFewPointsError, SubgroupSizeError, NoVariationError):
        assert issubclass(error, SpcError)


# Capability


def test_two_sided_capability() -> None:
    result = capability(mean=10.0, sigma=0.5, lsl=8.0, usl=13.0)
    # Cp = (13-8)/(6 × 0.5) = 5/3; CPU = (13-10)/1.5 = 2, CPL = (10-8)/1.5 = 4/3; Cpk = min.
    assert result.cp == pytest.approx(5 / 3)
    assert result.cpk == pytest.approx(4 / 3)


def test_a_mean_outside_the_specification_has_negative_cpk() -> None:
    result = capability(mean=14.0, sigma=0.5, lsl=8.0, usl=13.0)
    assert result.cpk == pytest.approx(-2 / 3)  # CPU = (13-14)/1.5


@pytest.mark.parametrize(
    ("lsl", "usl", "cpk"),
    [
        (None, 13.0, 2.0),  # CPU = (13-10)/(3 × 0.5)
        (8.0, None, 4 / 3),  # CPL = (10-8)/(3 × 0.5)
    ],
)
def test_one_sided_capability_has_no_cp(lsl: float | None, usl: float | None, cpk: float) -> None:
    result = capability(mean=10.0, sigma=0.5, lsl=lsl, usl=usl)
    assert result.cp is None
    assert result.cpk == pytest.approx(cpk)


def test_capability_with_no_variation_is_undefined() -> None:
    with pytest.raises(NoVariationError, match="σ is 0"):
        capability(mean=10.0, sigma=0.0, lsl=8.0, usl=13.0)


@pytest.mark.parametrize(
    ("sigma", "lsl", "usl", "message"),
    [
        (-0.5, 8.0, 13.0, "positive"),
        (0.5, None, None, "at least one specification limit"),
        (0.5, 13.0, 13.0, "must be below"),
    ],
)
def test_capability_refuses_nonsense(
    sigma: float, lsl: float | None, usl: float | None, message: str
) -> None:
    with pytest.raises(SpcError, match=message):
        capability(mean=10.0, sigma=sigma, lsl=lsl, usl=usl)


def test_capability_from_chart_limits() -> None:
    limits = imr_limits([5.0, 7.0, 6.0, 9.0, 8.0])  # mean 7, σ̂ = 1.75/1.128
    result = capability(limits.individuals.center, limits.sigma, lsl=1.0, usl=16.0)
    assert result.cp == pytest.approx(15 / (6 * 1.75 / 1.128))
    assert result.cpk == pytest.approx(6 / (3 * 1.75 / 1.128))  # CPL: mean is 6 from the LSL


# Nelson rules. Values in these series are exact in binary, so "on the line" is exact.


def test_rule_1_fires_at_each_point_beyond_3_sigma_but_not_on_it() -> None:
    # centre 10, σ 0.5: 3σ = 1.5. 11.5 is on the limit, 11.75 and 8.25 are beyond it.
    points = [10.0, 11.5, 11.75, 10.0, 8.25, 8.25]
    assert nelson_violations(points, center=10.0, sigma=0.5) == [
        Violation(BEYOND, 2, (2,)),
        Violation(BEYOND, 4, (4,)),
        Violation(BEYOND, 5, (5,)),
    ]


def test_rule_2_fires_at_the_ninth_point_on_one_side() -> None:
    points = [10.0, 9.0] + [11.0] * 9
    assert nelson_violations(points, center=10.0, sigma=1.0) == [Violation(SIDE, 10, run(2, 10))]


def test_rule_2_fires_once_for_a_long_run_and_again_after_a_break() -> None:
    # 12 above, one on the centre line (breaks the run), 9 above again, then 9 below.
    points = [11.0] * 12 + [10.0] + [11.0] * 9 + [9.0] * 9
    assert nelson_violations(points, center=10.0, sigma=1.0) == [
        Violation(SIDE, 8, run(0, 8)),
        Violation(SIDE, 21, run(13, 21)),
        Violation(SIDE, 30, run(22, 30)),  # crossing the line starts a new run at once
    ]


def test_rule_3_fires_at_the_sixth_point_of_a_trend_and_at_a_turn() -> None:
    points = [5.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0]
    # Rising 3..10 (indices 1-8) completes six points at index 6, then keeps rising silently;
    # the peak 10 (index 8) starts the fall 10..5, six points at index 13. Centre 6.5: at most
    # 7 points on one side; σ 2: every point within 3σ = 6; zigzags are at most 3 points.
    assert nelson_violations(points, center=6.5, sigma=2.0) == [
        Violation(TREND, 6, run(1, 6)),
        Violation(TREND, 13, run(8, 13)),
    ]


def test_rule_3_fires_once_for_a_long_trend() -> None:
    points = [float(i - 7) for i in range(16)]  # -7..8 rising; centre 0: 7 below, 8 above
    assert nelson_violations(points, center=0.0, sigma=10.0) == [Violation(TREND, 5, run(0, 5))]


def test_an_equal_value_breaks_a_trend_and_starts_the_next() -> None:
    points = [1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    # 1..5 is five rising points; the second 5 rises from nothing and begins 5..10, six points.
    assert nelson_violations(points, center=5.5, sigma=10.0) == [Violation(TREND, 10, run(5, 10))]


def test_rule_4_fires_at_the_fourteenth_alternating_point() -> None:
    points = [10.5, 9.5] * 7
    assert nelson_violations(points, center=10.0, sigma=1.0) == [
        Violation(ALTERNATING, 13, run(0, 13))
    ]


def test_rule_4_fires_once_for_a_long_zigzag_and_again_after_an_equal_value() -> None:
    # 30 alternating points, a repeated 9.5 (index 30, neither up nor down), then 13 more
    # alternating points: the repeat and those 13 make the next fourteen (indices 30-43).
    points = [10.5, 9.5] * 15 + [9.5] + [10.5, 9.5] * 6 + [10.5]
    assert nelson_violations(points, center=10.0, sigma=1.0) == [
        Violation(ALTERNATING, 13, run(0, 13)),
        Violation(ALTERNATING, 43, run(30, 43)),
    ]


def test_rules_firing_at_one_point_come_in_rule_order() -> None:
    points = [11.0] * 8 + [14.0]  # the ninth point above is also 4σ out
    assert nelson_violations(points, center=10.0, sigma=1.0) == [
        Violation(BEYOND, 8, (8,)),
        Violation(SIDE, 8, run(0, 8)),
    ]


IN_CONTROL = {
    # Centre 10, σ 0.1 (3σ = 0.3): every point within 0.2 of the centre, so no rule 1. Sides
    # per pattern: on, +, -, +, -, +, + then on again, so at most 2 on a side. Steps: up, down,
    # up, down, up, up, down (wrapping): at most 2 rising steps (3 points) in a row, and the
    # up-up breaks the zigzag every 7 points, leaving at most 8 alternating points.
    "repeating pattern": [10.0, 10.2, 9.9, 10.1, 9.8, 10.05, 10.15] * 4,
    # Eight above, eight below, one on the line, eight above: one short of rule 2 each time;
    # the equal values neither trend nor zigzag.
    "eight on a side": [10.1] * 8 + [9.9] * 8 + [10.0] + [10.1] * 8,
    # Five rising points, an equal value, five falling, an equal value: one short of rule 3.
    # Sides run at most 4 (10.1, 10.2, 10.2, 10.1); steps zigzag at most 2 points.
    "five in a trend": [9.8, 9.9, 10.0, 10.1, 10.2, 10.2, 10.1, 10.0, 9.9, 9.8] * 3,
    # Thirteen alternating points, then the same again after a repeated value: one short of
    # rule 4 each time. Sides alternate, apart from two points above at the repeat.
    "thirteen alternating": ([10.1, 9.9] * 6 + [10.1]) * 2,
    # Everything on the centre line: no side, no steps.
    "all on the centre line": [10.0] * 30,
}


@pytest.mark.parametrize("points", IN_CONTROL.values(), ids=IN_CONTROL.keys())
def test_in_control_series_fire_nothing(points: list[float]) -> None:
    assert nelson_violations(points, center=10.0, sigma=0.1) == []


def test_sigma_must_be_positive_for_the_rules() -> None:
    with pytest.raises(NoVariationError):
        nelson_violations([1.0, 2.0], center=1.5, sigma=0.0)


# Nelson rules against their definitions, on series built to contain long runs

# Points in a row each rule needs (Nelson 1984).
LENGTHS = {BEYOND: 1, SIDE: 9, TREND: 6, ALTERNATING: 14}


def holds(rule: NelsonRule, window: list[float], center: float, sigma: float) -> bool:
    """Whether consecutive points `window` satisfy `rule` as Nelson defines it."""
    pairs = list(pairwise(window))
    if rule == BEYOND:
        return all(abs(x - center) > 3 * sigma for x in window)
    if rule == SIDE:
        return all(x > center for x in window) or all(x < center for x in window)
    if rule == TREND:
        return all(a < b for a, b in pairs) or all(a > b for a, b in pairs)
    ups = [a < b for a, b in pairs]
    return all(a != b for a, b in pairs) and all(u != v for u, v in pairwise(ups))


@st.composite
def series(draw: st.DrawFn) -> list[float]:
    """Rising, falling, zigzag and flat stretches and jumps, so that every rule gets to fire,
    to run on and to fire again."""
    points = [float(draw(st.integers(-5, 5)))]
    for shape, length in draw(
        st.lists(
            st.tuples(
                st.sampled_from(["up", "down", "zigzag", "flat", "jump"]), st.integers(1, 16)
            ),
            max_size=8,
        )
    ):
        for k in range(length):
            if shape == "jump":
                points.append(float(draw(st.integers(-8, 8))))
            else:
                step = {"up": 1, "down": -1, "flat": 0, "zigzag": 2 if k % 2 else -2}[shape]
                points.append(points[-1] + step)
    return points


centers = st.one_of(st.integers(-3, 3).map(float), st.floats(-5, 5))
sigmas = st.sampled_from([0.5, 1.0, 3.0])


@given(series(), centers, sigmas)
def test_every_violation_satisfies_its_rule_over_its_run(
    points: list[float], center: float, sigma: float
) -> None:
    for violation in nelson_violations(points, center, sigma):
        assert violation.run == run(violation.index - LENGTHS[violation.rule] + 1, violation.index)
        assert violation.run[0] >= 0
        assert holds(violation.rule, [points[i] for i in violation.run], center, sigma)


@given(series(), centers, sigmas)
def test_rules_fire_exactly_where_a_run_first_reaches_its_length(
    points: list[float], center: float, sigma: float
) -> None:
    # A run rule fires at i when the last `length` points satisfy it and the last `length + 1`
    # do not (else the run was already complete at i - 1); rule 1 fires at every such point.
    def fires(rule: NelsonRule, i: int) -> bool:
        length = LENGTHS[rule]
        if i + 1 < length or not holds(rule, points[i + 1 - length : i + 1], center, sigma):
            return False
        return (
            rule == BEYOND
            or i < length
            or not holds(rule, points[i - length : i + 1], center, sigma)
        )

    expected = [(rule, i) for i in range(len(points)) for rule in NelsonRule if fires(rule, i)]
    found = [
        (violation.rule, violation.index) for violation in nelson_violations(points, center, sigma)
    ]
    assert found == expected


FIXED_SERIES = [
    [10.0, 9.0] + [11.0] * 12 + [10.0] + [11.0] * 9,
    [5.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 14.0],
    [10.5, 9.5] * 15 + [9.5] + [10.5, 9.5] * 6 + [10.5, 20.0],
]


@pytest.mark.parametrize("points", FIXED_SERIES)
def test_last_point_agrees_with_the_full_series_on_every_prefix(points: list[float]) -> None:
    everything = nelson_violations(points, center=10.0, sigma=1.0)
    assert everything  # each series fires something, so the comparison is not vacuous
    for end in range(1, len(points) + 1):
        expected = [violation for violation in everything if violation.index == end - 1]
        assert last_point_violations(points[:end], center=10.0, sigma=1.0) == expected


@given(series(), centers, sigmas)
def test_last_point_agrees_with_the_full_series_on_random_prefixes(
    points: list[float], center: float, sigma: float
) -> None:
    everything = nelson_violations(points, center, sigma)
    for end in range(1, len(points) + 1):
        expected = [violation for violation in everything if violation.index == end - 1]
        assert last_point_violations(points[:end], center, sigma) == expected


def test_last_point_of_an_empty_series_fires_nothing() -> None:
    assert last_point_violations([], center=10.0, sigma=1.0) == []
