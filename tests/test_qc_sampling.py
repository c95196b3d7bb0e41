"""ISO 2859-1:1999 single sampling: Tables 1, 2-A, 2-B, 2-C and the switching rules."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from kiosk.qc_sampling import (
    _TABLES,
    AQLS,
    LETTERS,
    LEVELS,
    SamplingError,
    SamplingPlan,
    Severity,
    SwitchingState,
    code_letter_for,
    next_state,
    plan_for,
    plan_for_letter,
    tighter_accept,
)

# Table 1 read down its columns (the module holds it by rows): a letter per lot size range.
RANGES = [
    (2, 8),
    (9, 15),
    (16, 25),
    (26, 50),
    (51, 90),
    (91, 150),
    (151, 280),
    (281, 500),
    (501, 1200),
    (1201, 3200),
    (3201, 10000),
    (10001, 35000),
    (35001, 150000),
    (150001, 500000),
    (500001, 10**9),
]
COLUMNS = {
    "S-1": "AAAABBBBCCCCDDD",
    "S-2": "AAABBBCCCDDDEEE",
    "S-3": "AABBCCDDEEFFGGH",
    "S-4": "AABCCDEEFGGHJJK",
    "I": "AABCCDEFGHJKLMN",
    "II": "ABCDEFGHJKLMNPQ",
    "III": "BCDEFGHJKLMNPQR",
}


@pytest.mark.parametrize("level", LEVELS)
def test_table_1_at_every_range_boundary(level: str) -> None:
    for (low, high), letter in zip(RANGES, COLUMNS[level], strict=True):
        assert code_letter_for(low, level) == letter, (level, low)
        assert code_letter_for(high, level) == letter, (level, high)


def test_a_lot_of_one_is_the_smallest_row_and_inspected_whole() -> None:
    assert code_letter_for(1, "III") == "B"
    assert plan_for(1, "0.65", "III") == SamplingPlan("B", 1, 0, 1)


# (severity, code letter, AQL) -> (sample size, Ac, Re), as the standard's tables give them
# after following any arrow.
PUBLISHED = [
    # Table 2-A, normal inspection.
    (Severity.NORMAL, "J", "1.0", 80, 2, 3),
    (Severity.NORMAL, "J", "0.65", 80, 1, 2),
    (Severity.NORMAL, "J", "2.5", 80, 5, 6),
    (Severity.NORMAL, "J", "4.0", 80, 7, 8),
    (Severity.NORMAL, "J", "6.5", 80, 10, 11),
    (Severity.NORMAL, "J", "0.15", 80, 0, 1),
    (Severity.NORMAL, "J", "0.25", 50, 0, 1),  # ↑ to H
    (Severity.NORMAL, "J", "0.40", 125, 1, 2),  # ↓ to K
    (Severity.NORMAL, "J", "0.065", 200, 0, 1),  # ↓ ↓ to L
    (Severity.NORMAL, "K", "2.5", 125, 7, 8),
    (Severity.NORMAL, "L", "2.5", 200, 10, 11),
    (Severity.NORMAL, "H", "6.5", 50, 7, 8),
    (Severity.NORMAL, "F", "1.0", 13, 0, 1),  # ↑ to E
    (Severity.NORMAL, "F", "1.5", 32, 1, 2),  # ↓ to G
    (Severity.NORMAL, "F", "2.5", 20, 1, 2),
    (Severity.NORMAL, "G", "1.0", 50, 1, 2),  # ↓ to H
    (Severity.NORMAL, "A", "1.0", 13, 0, 1),  # ↓ down to E
    (Severity.NORMAL, "A", "0.010", 1250, 0, 1),  # ↓ down to Q
    (Severity.NORMAL, "A", "6.5", 2, 0, 1),
    (Severity.NORMAL, "A", "10", 5, 1, 2),  # no row above A: ↓ ↓ to C
    (Severity.NORMAL, "B", "6.5", 2, 0, 1),  # ↑ to A
    (Severity.NORMAL, "R", "0.010", 1250, 0, 1),  # ↑ to Q
    (Severity.NORMAL, "R", "0.015", 800, 0, 1),  # no row below R: ↑ ↑ to P
    (Severity.NORMAL, "R", "0.025", 2000, 1, 2),
    (Severity.NORMAL, "R", "0.65", 2000, 21, 22),
    (Severity.NORMAL, "R", "1.0", 1250, 21, 22),  # ↑ to Q
    (Severity.NORMAL, "M", "4.0", 315, 21, 22),
    (Severity.NORMAL, "N", "6.5", 200, 21, 22),  # ↑ ↑ to L
    (Severity.NORMAL, "K", "10", 125, 21, 22),
    (Severity.NORMAL, "L", "10", 125, 21, 22),  # ↑ to K
    (Severity.NORMAL, "A", "1000", 2, 30, 31),
    (Severity.NORMAL, "B", "1000", 3, 44, 45),
    (Severity.NORMAL, "C", "1000", 3, 44, 45),  # ↑ to B
    (Severity.NORMAL, "E", "250", 13, 44, 45),
    (Severity.NORMAL, "F", "150", 13, 30, 31),  # ↑ to E
    # Table 2-B, tightened inspection.
    (Severity.TIGHTENED, "J", "1.0", 80, 1, 2),
    (Severity.TIGHTENED, "J", "2.5", 80, 3, 4),
    (Severity.TIGHTENED, "J", "4.0", 80, 5, 6),
    (Severity.TIGHTENED, "J", "6.5", 80, 8, 9),
    (Severity.TIGHTENED, "J", "10", 80, 12, 13),
    (Severity.TIGHTENED, "J", "0.25", 80, 0, 1),
    (Severity.TIGHTENED, "J", "0.40", 200, 1, 2),  # ↓ ↓ to L
    (Severity.TIGHTENED, "J", "0.65", 125, 1, 2),  # ↓ to K
    (Severity.TIGHTENED, "K", "2.5", 125, 5, 6),
    (Severity.TIGHTENED, "A", "6.5", 3, 0, 1),  # ↓ to B
    (Severity.TIGHTENED, "A", "10", 8, 1, 2),  # ↓ down to D
    (Severity.TIGHTENED, "A", "40", 2, 1, 2),
    (Severity.TIGHTENED, "A", "1000", 2, 27, 28),
    (Severity.TIGHTENED, "B", "1000", 3, 41, 42),
    (Severity.TIGHTENED, "E", "250", 13, 41, 42),
    (Severity.TIGHTENED, "R", "0.010", 2000, 0, 1),
    (Severity.TIGHTENED, "R", "0.015", 1250, 0, 1),  # ↑ to Q
    (Severity.TIGHTENED, "R", "0.025", 3150, 1, 2),  # ↓ to the extra row S
    (Severity.TIGHTENED, "Q", "0.025", 3150, 1, 2),
    (Severity.TIGHTENED, "R", "0.65", 2000, 18, 19),
    # Table 2-C, reduced inspection (1999: Re = Ac + 1).
    (Severity.REDUCED, "J", "1.0", 32, 1, 2),
    (Severity.REDUCED, "K", "2.5", 50, 3, 4),
    (Severity.REDUCED, "K", "0.10", 50, 0, 1),
    (Severity.REDUCED, "K", "0.15", 32, 0, 1),  # ↑ to J
    (Severity.REDUCED, "K", "0.25", 80, 0, 1),  # ↓ to L
    (Severity.REDUCED, "K", "0.40", 50, 0, 1),
    (Severity.REDUCED, "K", "0.65", 50, 1, 2),
    (Severity.REDUCED, "K", "10", 50, 10, 11),
    (Severity.REDUCED, "K", "15", 32, 10, 11),  # ↑ to J
    (Severity.REDUCED, "R", "0.010", 500, 0, 1),  # ↑ to Q
    (Severity.REDUCED, "R", "0.025", 800, 0, 1),
    (Severity.REDUCED, "R", "0.65", 800, 10, 11),
    (Severity.REDUCED, "A", "0.010", 500, 0, 1),  # ↓ down to Q
    (Severity.REDUCED, "A", "25", 2, 1, 2),
    (Severity.REDUCED, "A", "1000", 2, 30, 31),
    (Severity.REDUCED, "C", "6.5", 3, 0, 1),  # ↓ to D
    (Severity.REDUCED, "D", "250", 3, 14, 15),
    (Severity.REDUCED, "D", "1000", 2, 30, 31),  # ↑
]


@pytest.mark.parametrize(("severity", "letter", "aql", "n", "ac", "re"), PUBLISHED)
def test_published_plans(
    severity: Severity, letter: str, aql: str, n: int, ac: int, re: int
) -> None:
    assert plan_for_letter(letter, aql, severity) == SamplingPlan(letter, n, ac, re)


def test_the_code_letter_is_table_1s_even_where_an_arrow_leads_elsewhere() -> None:
    plan = plan_for(5000, "0.15", "II")
    assert plan == SamplingPlan("L", 315, 1, 2)  # L at 0.15 points down to M


def test_aql_is_compared_as_a_number() -> None:
    expected = plan_for(1000, "1.0")
    assert plan_for(1000, "1") == plan_for(1000, Decimal("1.00")) == expected
    assert plan_for(1000, "0.1") == plan_for(1000, "0.10")


def test_level_is_read_case_blind() -> None:
    assert plan_for(1000, "1.0", "s-4") == plan_for(1000, "1.0", "S-4")


def test_a_sample_as_large_as_the_lot_is_the_whole_lot() -> None:
    # Lot 10, level II: code letter B; AQL 1.0 points down to E, 13 items, more than the lot.
    assert plan_for(10, "1.0") == SamplingPlan("B", 10, 0, 1)
    assert plan_for(13, "1.0") == SamplingPlan("B", 13, 0, 1)
    assert plan_for(16, "1.0") == SamplingPlan("C", 13, 0, 1)
    assert plan_for(2, "6.5", "I", Severity.TIGHTENED) == SamplingPlan("A", 2, 0, 1)


@pytest.mark.parametrize(
    ("lot_size", "aql", "level", "severity", "message"),
    [
        (0, "1.0", "II", "normal", "lot size must be at least 1, not 0"),
        (-5, "1.0", "II", "normal", "lot size must be at least 1"),
        (1000, "1.1", "II", "normal", "AQL 1.1 is not one of the preferred AQLs"),
        (1000, "abc", "II", "normal", "AQL abc is not one of the preferred AQLs"),
        (1000, "NaN", "II", "normal", "AQL NaN is not one of the preferred AQLs"),
        (1000, "sNaN", "II", "normal", "AQL sNaN is not one of the preferred AQLs"),
        (1000, "1.0", "IV", "normal", "unknown inspection level 'IV'"),
        (1000, "1.0", "II", "loose", "unknown severity 'loose'"),
    ],
)
def test_input_without_a_plan_is_refused_in_words(
    lot_size: int, aql: str, level: str, severity: str, message: str
) -> None:
    with pytest.raises(SamplingError, match=message):
        plan_for(lot_size, aql, level, severity)


@pytest.mark.parametrize("letter", ["I", "O", "S", "", "AB", "a"])
def test_only_table_1_letters_have_plans(letter: str) -> None:
    with pytest.raises(SamplingError, match="unknown code letter"):
        plan_for_letter(letter, "1.0")


@pytest.mark.parametrize("severity", list(Severity))
def test_every_cell_leads_to_a_plan_that_rejects_one_above_acceptance(severity: Severity) -> None:
    for letter in LETTERS:
        for aql in AQLS:
            plan = plan_for_letter(letter, aql, severity)
            assert plan.reject == plan.accept + 1
            assert plan.accepts(plan.accept) and not plan.accepts(plan.reject)


def test_sample_sizes_of_the_three_tables() -> None:
    normal = (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000)
    assert _TABLES[Severity.NORMAL].sample_sizes == normal
    assert _TABLES[Severity.TIGHTENED].sample_sizes == (*normal, 3150)
    assert _TABLES[Severity.REDUCED].sample_sizes == (2, 2, *normal[:-2])


def test_normal_table_is_constant_along_its_diagonals() -> None:
    # One code letter down and one AQL step tighter gives the same plan, wherever both
    # cells hold one: the sample grows by the factor the AQL shrinks.
    cells = _TABLES[Severity.NORMAL].cells
    compared = 0
    for row in range(len(LETTERS) - 1):
        for column in range(1, len(AQLS)):
            here, diagonal = cells[row][column], cells[row + 1][column - 1]
            if isinstance(here, int) and isinstance(diagonal, int):
                assert here == diagonal, (LETTERS[row], AQLS[column])
                compared += 1
    assert compared == 141  # 14 on the Ac 0 diagonal, 15 on each of Ac 1 to 21, 4 + 3 above


def diagonal_cell(
    row: int, column: int, plans: dict[int, int], arrows: dict[int, str]
) -> int | str:
    """What the standard's diagonal layout puts at a cell, away from its corners."""
    step = row + column
    if step in plans and (step < 25 or row <= LETTERS.index("E")):
        return plans[step]
    return arrows.get(step, "↓" if step < min(plans) else "↑")


def test_normal_table_follows_the_diagonal_layout() -> None:
    plans = {14: 0, 17: 1, 18: 2, 19: 3, 20: 5, 21: 7, 22: 10, 23: 14, 24: 21, 25: 30, 26: 44}
    corners = {("A", "10"): "↓", ("R", "0.015"): "↑"}  # no row above A or below R
    for row, letter in enumerate(LETTERS):
        for column, aql in enumerate(AQLS):
            expected = corners.get((letter, str(aql)), diagonal_cell(row, column, plans, {16: "↓"}))
            assert _TABLES[Severity.NORMAL].cells[row][column] == expected, (letter, aql)


def test_tightened_table_follows_the_diagonal_layout() -> None:
    plans = {15: 0, 18: 1, 19: 2, 20: 3, 21: 5, 22: 8, 23: 12, 24: 18, 25: 27, 26: 41}
    # Row A has no Ac 0 plan; R at 0.015 points up, at 0.025 down to row S (3150, Ac 1).
    corners = {("A", "10"): "↓", ("R", "0.015"): "↑"}
    table = _TABLES[Severity.TIGHTENED]
    for row, letter in enumerate(LETTERS):
        for column, aql in enumerate(AQLS):
            expected = corners.get(
                (letter, str(aql)), diagonal_cell(row, column, plans, {16: "↓", 17: "↓"})
            )
            assert table.cells[row][column] == expected, (letter, aql)
    assert [cell for cell in table.cells[-1] if cell != "·"] == [1]
    assert table.cells[-1][AQLS.index(Decimal("0.025"))] == 1


def test_reduced_table_follows_the_diagonal_layout_below_its_three_rows_of_two() -> None:
    # Rows A, B and C all sample 2 items and do not keep to the diagonals.
    plans = {14: 0, 17: 0, 18: 1, 19: 1, 20: 2, 21: 3, 22: 5, 23: 7, 24: 10, 25: 14, 26: 21}
    for row in range(LETTERS.index("D"), len(LETTERS)):
        for column, aql in enumerate(AQLS):
            expected = diagonal_cell(row, column, plans, {15: "↑", 16: "↓"})
            if (LETTERS[row], str(aql)) == ("R", "0.015"):
                expected = "↑"  # no row below R
            assert _TABLES[Severity.REDUCED].cells[row][column] == expected, (row, aql)


def judged(
    state: SwitchingState,
    nonconforming: int,
    letter: str = "J",
    aql: str = "1.0",
    **conditions: bool,
) -> SwitchingState:
    """The state after a lot inspected by the plan `state` gives for `letter` and `aql`."""
    accept = plan_for_letter(letter, aql, state.severity).accept
    return next_state(state, accept, nonconforming, **conditions)


def run(
    state: SwitchingState, found: list[int], letter: str = "J", aql: str = "1.0", **conditions: bool
) -> list[SwitchingState]:
    """The states after each lot of a sequence, `found` giving each lot's nonconforming count."""
    states = []
    for nonconforming in found:
        state = judged(state, nonconforming, letter, aql, **conditions)
        states.append(state)
    return states


# Code letter J at AQL 1.0: normal 80 items, Ac 2 (Ac 1 one step tighter, at 0.65);
# tightened 80 items, Ac 1; reduced 32 items, Ac 1.


def test_two_lots_not_accepted_in_five_switch_to_tightened() -> None:
    states = run(SwitchingState(), [3, 0, 0, 0, 3])
    assert [s.severity for s in states[:4]] == [Severity.NORMAL] * 4
    assert states[-1] == SwitchingState(Severity.TIGHTENED)


def test_two_lots_not_accepted_six_lots_apart_stay_normal() -> None:
    states = run(SwitchingState(), [3, 0, 0, 0, 0, 3])
    assert states[4].recent == (True, True, True, True)
    assert states[-1].severity is Severity.NORMAL
    assert judged(states[-1], 3).severity is Severity.TIGHTENED


def test_five_accepted_lots_in_a_row_end_tightened_inspection() -> None:
    states = run(SwitchingState(Severity.TIGHTENED), [0, 1, 0, 0, 2, 0, 0, 0, 0, 1])
    assert [s.severity for s in states[:9]] == [Severity.TIGHTENED] * 9
    assert states[8].accepted_run == 4 and states[8].not_accepted == 1
    assert states[-1] == SwitchingState()


def test_a_switching_score_of_30_with_approval_switches_to_reduced() -> None:
    # Ac 2: each lot within the tighter plan's Ac 1 adds 3.
    states = run(SwitchingState(), [1, 0] * 5, reduced_approved=True)
    assert [s.score for s in states[:9]] == [3, 6, 9, 12, 15, 18, 21, 24, 27]
    assert states[-1] == SwitchingState(Severity.REDUCED)


def test_without_approval_or_steady_production_the_score_just_grows() -> None:
    assert run(SwitchingState(), [0] * 11)[-1] == SwitchingState(score=33, recent=(True,) * 4)
    unsteady = run(SwitchingState(), [0] * 10, reduced_approved=True, production_steady=False)
    assert unsteady[-1].severity is Severity.NORMAL and unsteady[-1].score == 30
    approved_later = judged(unsteady[-1], 0, reduced_approved=True)
    assert approved_later.severity is Severity.REDUCED


def test_the_lot_counts_by_its_own_acceptance_number() -> None:
    # Whatever table the state's severity names, the lot's own plan judged it.
    assert next_state(SwitchingState(), 1, 1).recent == (True,)
    assert next_state(SwitchingState(), 0, 1).recent == (False,)
    tightened = SwitchingState(Severity.TIGHTENED)
    assert next_state(tightened, 3, 3).accepted_run == 1


def test_one_aql_step_tighter_is_the_cell_to_the_left_in_table_2a() -> None:
    normal = _TABLES[Severity.NORMAL]
    checked = 0
    for row in normal.cells:
        for left, cell in pairwise(row):
            if isinstance(cell, int) and cell >= 2:
                assert tighter_accept(cell) == left, (row, cell)
                checked += 1
    assert checked > 100
    for not_in_2a in (0, 1, 4, 8):
        with pytest.raises(SamplingError):
            tighter_accept(not_in_2a)


def test_a_lot_accepted_only_at_the_aql_itself_resets_the_score() -> None:
    states = run(SwitchingState(), [0, 0, 0, 2, 0])
    assert [s.score for s in states] == [3, 6, 9, 0, 3]
    assert all(s.severity is Severity.NORMAL for s in states)


def test_with_ac_below_2_each_accepted_lot_adds_2() -> None:
    # J at 0.65: 80 items, Ac 1.
    states = run(SwitchingState(), [1, 0] * 7 + [2, 0], aql="0.65")
    assert states[13].score == 28 and states[14].score == 0 and states[15].score == 2
    reduced = run(SwitchingState(), [0] * 15, aql="0.65", reduced_approved=True)
    assert reduced[13].score == 28 and reduced[-1].severity is Severity.REDUCED


def test_a_lot_not_accepted_on_reduced_inspection_reinstates_normal() -> None:
    reduced = SwitchingState(Severity.REDUCED)
    assert run(reduced, [1, 0, 1]) == [reduced] * 3
    assert judged(reduced, 2) == SwitchingState()


def test_irregular_production_or_other_conditions_reinstate_normal() -> None:
    reduced = SwitchingState(Severity.REDUCED)
    assert judged(reduced, 0, production_steady=False) == SwitchingState()
    assert judged(reduced, 0, normal_warranted=True) == SwitchingState()


def test_five_lots_not_accepted_on_tightened_inspection_discontinue_it() -> None:
    # Not accepted lots count on while tightened inspection lasts, in a row or not.
    states = run(SwitchingState(), [3, 3, 2, 0, 2, 0, 0, 0, 2, 2])
    assert states[1].severity is Severity.TIGHTENED
    assert [s.not_accepted for s in states[2:]] == [1, 1, 2, 2, 2, 2, 3, 4]
    assert not states[-1].discontinued
    stopped = judged(states[-1], 5)
    assert stopped.discontinued and stopped.not_accepted == 5
    with pytest.raises(SamplingError, match="discontinued"):
        judged(stopped, 0)


def test_lot_sequence_through_every_severity() -> None:
    states = run(SwitchingState(), [3, 3] + [0] * 5 + [0] * 10 + [2], reduced_approved=True)
    severities = [s.severity for s in states]
    assert severities == (
        [Severity.NORMAL, Severity.TIGHTENED]
        + [Severity.TIGHTENED] * 4
        + [Severity.NORMAL] * 10
        + [Severity.REDUCED, Severity.NORMAL]
    )
