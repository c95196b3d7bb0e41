"""Acceptance sampling by attributes: ISO 2859-1:1999 single sampling and its switching rules.

ISO 2859-1 (ANSI/ASQ Z1.4 and the former MIL-STD-105E are equivalent) finds a plan in two steps.
Table 1 turns the lot size and the inspection level into a sample size code letter; Tables 2-A
(normal), 2-B (tightened) and 2-C (reduced inspection) give, for that letter and the AQL, an
acceptance number Ac or an arrow: use the first plan below (↓) or above (↑) the arrow, with
that plan's sample size. Every plan in the three tables rejects on Re = Ac + 1. For the reduced
table that is new in the 1999 edition, which removed the gap between Ac and Re that the reduced
tables of ISO 2859-1:1989 and ANSI/ASQ Z1.4 keep (and with it their "accept the lot but
reinstate normal inspection" rule); its acceptance numbers and arrows here are those tables'.

Table 1 starts at lots of 2. A lot of one item is taken as its smallest row: every plan there
covers the whole lot, so the item is simply inspected.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class SamplingError(ValueError):
    """Input that ISO 2859-1 has no plan for; the message is meant for the operator."""


class Severity(StrEnum):
    NORMAL = "normal"
    TIGHTENED = "tightened"
    REDUCED = "reduced"


LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
AQLS = tuple(
    Decimal(value)
    for line in (
        "0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5",
        "4.0 6.5 10 15 25 40 65 100 150 250 400 650 1000",
    )
    for value in line.split()
)
LETTERS = tuple("ABCDEFGHJKLMNPQR")

# Table 1: the smallest lot of each row, then its letters for the levels in LEVELS order.
_TABLE_1 = (
    (2, "AAAAAAB"),
    (9, "AAAAABC"),
    (16, "AABBBCD"),
    (26, "ABBCCDE"),
    (51, "BBCCCEF"),
    (91, "BBCDDFG"),
    (151, "BCDEEGH"),
    (281, "BCDEFHJ"),
    (501, "CCEFGJK"),
    (1201, "CDEGHKL"),
    (3201, "CDFGJLM"),
    (10001, "CDFHKMN"),
    (35001, "DEGJLNP"),
    (150001, "DEGJMPQ"),
    (500001, "DEHKNQR"),
)

# Tables 2-A, 2-B and 2-C: per code letter its sample size, then for each AQL column the
# acceptance number Ac or an arrow. 2-B has a row S that only its arrows reach; · is no entry.
#    0.010           0.10            1.0             10            100           1000
_NORMAL = """
A    2   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  7 10 14 21 30
B    3   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21 30 44
C    5   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21 30 44  ↑
D    8   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21 30 44  ↑  ↑
E   13   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21 30 44  ↑  ↑  ↑
F   20   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑
G   32   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑
H   50   ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
J   80   ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
K  125   ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
L  200   ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
M  315   ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
N  500   ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
P  800   ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
Q 1250   0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
R 2000   ↑  ↑  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
"""
#    0.010           0.10            1.0             10            100           1000
_TIGHTENED = """
A    2   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  1  2  3  5  8 12 18 27
B    3   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27 41
C    5   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27 41  ↑
D    8   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27 41  ↑  ↑
E   13   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27 41  ↑  ↑  ↑
F   20   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑
G   32   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑
H   50   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
J   80   ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
K  125   ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
L  200   ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
M  315   ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
N  500   ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
P  800   ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
Q 1250   ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
R 2000   0  ↑  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
S 3150   ·  ·  1  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·
"""
#    0.010           0.10            1.0             10            100           1000
_REDUCED = """
A    2   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  0  0  0  0  1  2  3  5  7 10 14 21 30
B    2   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  0  0  0  0  1  2  3  5  7 10 14 21 30
C    2   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  0  ↓  0  1  1  2  3  5  7 10 14 21 30
D    3   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10 14 21  ↑  ↑
E    5   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10 14 21  ↑  ↑  ↑
F    8   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑
G   13   ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑
H   20   ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
J   32   ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
K   50   ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
L   80   ↓  ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
M  125   ↓  ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
N  200   ↓  ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
P  315   ↓  0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
Q  500   0  ↑  ↓  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
R  800   ↑  ↑  0  1  1  2  3  5  7 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑
"""

_STEP = {"↓": 1, "↑": -1}


@dataclass(frozen=True)
class _Table:
    sample_sizes: tuple[int, ...]
    cells: tuple[tuple[int | str, ...], ...]


def _table(text: str) -> _Table:
    rows = [line.split() for line in text.strip().splitlines()]
    return _Table(
        tuple(int(row[1]) for row in rows),
        tuple(tuple(int(cell) if cell.isdigit() else cell for cell in row[2:]) for row in rows),
    )


_TABLES = {
    Severity.NORMAL: _table(_NORMAL),
    Severity.TIGHTENED: _table(_TIGHTENED),
    Severity.REDUCED: _table(_REDUCED),
}


@dataclass(frozen=True)
class SamplingPlan:
    """Inspect `sample_size` items; accept the lot with at most `accept` nonconforming among
    them, reject it with `reject` or more. `code_letter` is the one Table 1 gave, even where an
    arrow led to the plan of another letter."""

    code_letter: str
    sample_size: int
    accept: int
    reject: int

    def accepts(self, nonconforming: int) -> bool:
        return nonconforming <= self.accept


def code_letter_for(lot_size: int, level: str = "II") -> str:
    """Table 1: the sample size code letter for a lot of `lot_size` items."""
    if lot_size < 1:
        raise SamplingError(f"lot size must be at least 1, not {lot_size}")
    try:
        column = LEVELS.index(level.strip().upper())
    except ValueError:
        raise SamplingError(
            f"unknown inspection level {level!r}: use one of {', '.join(LEVELS)}"
        ) from None
    row = bisect.bisect_right(_TABLE_1, lot_size, key=lambda entry: entry[0])
    return _TABLE_1[max(row - 1, 0)][1][column]


def plan_for_letter(
    code_letter: str, aql: Decimal | str, severity: Severity | str = Severity.NORMAL
) -> SamplingPlan:
    """Tables 2-A, 2-B, 2-C: the single sampling plan for a code letter and an AQL."""
    table = _TABLES[_severity(severity)]
    row, accept = _resolve(table, _letter_row(code_letter), _aql_column(aql))
    return SamplingPlan(code_letter, table.sample_sizes[row], accept, accept + 1)


def plan_for(
    lot_size: int,
    aql: Decimal | str,
    level: str = "II",
    severity: Severity | str = Severity.NORMAL,
) -> SamplingPlan:
    """The single sampling plan for a lot; a sample as large as the lot is the whole lot
    (100 % inspection), judged by the plan's own Ac and Re."""
    plan = plan_for_letter(code_letter_for(lot_size, level), aql, severity)
    return replace(plan, sample_size=min(plan.sample_size, lot_size))


@dataclass(frozen=True)
class SwitchingState:
    """Where a stream of lots of one product and class of nonconformity stands in the
    switching rules of ISO 2859-1:1999, clause 9. Start with `SwitchingState()`; after a
    discontinuation (9.4) and the supplier's corrective action, resume with
    `SwitchingState(Severity.TIGHTENED)`."""

    severity: Severity = Severity.NORMAL
    discontinued: bool = False
    # Normal inspection: the switching score (9.3.3.2), and whether each of the last lots since
    # it began, up to four, was accepted: with the current lot the "five or fewer" of 9.3.1.
    score: int = 0
    recent: tuple[bool, ...] = ()
    # Tightened inspection: the current run of accepted lots, and all lots not accepted (9.4).
    accepted_run: int = 0
    not_accepted: int = 0


def next_state(
    state: SwitchingState,
    accept: int,
    nonconforming: int,
    *,
    production_steady: bool = True,
    reduced_approved: bool = False,
    normal_warranted: bool = False,
) -> SwitchingState:
    """The state after a lot's original inspection (resubmitted lots do not count).

    The lot was inspected at `state.severity` by a plan accepting at most `accept`
    nonconforming items, and `nonconforming` were found. Reduced inspection starts only when
    the responsible authority approves it (`reduced_approved`) and production is at a steady
    rate (9.3.3.1); it ends on a lot not accepted, on irregular or delayed production, or when
    other conditions warrant normal inspection (`normal_warranted`, 9.3.4).
    """
    if state.discontinued:
        raise SamplingError(
            "acceptance sampling is discontinued until the supplier's corrective action is agreed"
        )
    accepted = nonconforming <= accept
    if state.severity is Severity.REDUCED:
        return (
            state if accepted and production_steady and not normal_warranted else SwitchingState()
        )
    if state.severity is Severity.TIGHTENED:
        run = state.accepted_run + 1 if accepted else 0
        not_accepted = state.not_accepted + (0 if accepted else 1)
        if not_accepted >= 5:
            return replace(state, discontinued=True, accepted_run=run, not_accepted=not_accepted)
        if run >= 5:
            return SwitchingState()
        return replace(state, accepted_run=run, not_accepted=not_accepted)
    if not accepted and False in state.recent:
        return SwitchingState(Severity.TIGHTENED)
    if accept >= 2:
        score = state.score + 3 if nonconforming <= tighter_accept(accept) else 0
    else:
        score = state.score + 2 if accepted else 0
    if score >= 30 and production_steady and reduced_approved:
        return SwitchingState(Severity.REDUCED)
    return replace(state, score=score, recent=(*state.recent, accepted)[-4:])


# Along every row of Table 2-A the acceptance numbers run in this order, left to right.
_NORMAL_ACCEPTS = (0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 44)


def tighter_accept(accept: int) -> int:
    """9.3.3.2: the acceptance number "had the AQL been one step tighter", with the same
    sample, for a normal plan (Table 2-A) accepting `accept` >= 2: the plan one column to the
    left in its row, never an arrow there."""
    if accept < 2 or accept not in _NORMAL_ACCEPTS:
        raise SamplingError(f"{accept} is not an acceptance number of 2 or more in Table 2-A")
    return _NORMAL_ACCEPTS[_NORMAL_ACCEPTS.index(accept) - 1]


def _resolve(table: _Table, row: int, column: int) -> tuple[int, int]:
    """Follow the arrows from a cell to the plan they lead to: that plan's row and Ac."""
    cell = table.cells[row][column]
    while not isinstance(cell, int):
        row += _STEP[cell]
        cell = table.cells[row][column]
    return row, cell


def _letter_row(code_letter: str) -> int:
    try:
        return LETTERS.index(code_letter)
    except ValueError:
        raise SamplingError(
            f"unknown code letter {code_letter!r}: use one of {''.join(LETTERS)}"
        ) from None


def _aql_column(aql: Decimal | str) -> int:
    try:
        return AQLS.index(Decimal(aql))
    except (InvalidOperation, ValueError):
        raise SamplingError(
            f"AQL {aql} is not one of the preferred AQLs of ISO 2859-1: "
            + ", ".join(map(str, AQLS))
        ) from None


def _severity(severity: Severity | str) -> Severity:
    try:
        return Severity(severity)
    except ValueError:
        raise SamplingError(
            f"unknown severity {severity!r}: use one of {', '.join(Severity)}"
        ) from None
