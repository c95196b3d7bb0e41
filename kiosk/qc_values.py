"""The values quality inspection (QC) is shown and recorded with: plain data, no storage, so
the screens can use them without loading the database layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum


class InspectionKind(StrEnum):
    FIRST_ARTICLE = "first_article"  # after an operation starts: its reports wait for it
    PATROL = "patrol"  # every so many units or minutes of running
    FINAL = "final"  # the operation's lot, sampled by ISO 2859-1


class InspectionStatus(StrEnum):
    OPEN = "open"
    PASSED = "passed"
    FAILED = "failed"


class Decision(StrEnum):
    """What is done with what a failed inspection held."""

    SCRAP = "scrap"
    REWORK = "rework"
    CONCESSION = "concession"  # used as it is


class CharacteristicKind(StrEnum):
    VARIABLE = "variable"  # a value measured against its limits
    ATTRIBUTE = "attribute"  # pass or fail, with the defect found


class ChartKind(StrEnum):
    IMR = "I-MR"  # individual values, one unit an inspection
    XBAR_R = "X̄-R"  # each inspection's units a subgroup of 2 to 10


# What one characteristic of a unit is entered as: a variable's value, or an attribute's
# (passed, defect code) with "" for no defect. None: a measured value left out.
Entry = float | tuple[bool, str] | None


@dataclass(frozen=True)
class DefectChoice:
    code: str
    name: str  # in the reader's language


@dataclass(frozen=True)
class CharacteristicView:
    code: str
    name: str  # in the reader's language
    kind: CharacteristicKind
    nominal: float | None
    lsl: float | None
    usl: float | None
    unit: str
    decimals: int  # how a value is entered and shown
    gauge: str
    defects: tuple[DefectChoice, ...]  # attribute: what a failed unit may be marked with


def as_read(value: float, decimals: int) -> Decimal:
    """A finite measured value as it is entered, shown and recorded: rounded to `decimals`
    places by ASTM E29's rounding method, half to even on the decimal value the reader sees
    (2.675 reads 2.68, where float rounding of its binary value gives 2.67)."""
    exact = Decimal(str(value))
    # Precision for every digit up to the last place kept, however large the value.
    digits = Context(prec=max(28, exact.adjusted() + decimals + 2))
    return exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_EVEN, digits)


def judge_value(char: CharacteristicView, value: float) -> bool:
    """A finite measured value is within its limits, both inclusive, as it reads at the
    characteristic's decimals (`as_read`): a value that reads as the limit is within it, on
    the screen and in the record alike."""
    shown = as_read(value, char.decimals)
    return (char.lsl is None or shown >= Decimal(str(char.lsl))) and (
        char.usl is None or shown <= Decimal(str(char.usl))
    )


@dataclass(frozen=True)
class ResultView:
    """One characteristic of one unit as recorded."""

    characteristic: str
    value: float | None  # variable characteristics
    passed: bool
    defect: str  # attribute: the defect code found, "" if none


@dataclass(frozen=True)
class SampleView:
    sample_no: int
    results: tuple[ResultView, ...]

    @property
    def conforming(self) -> bool:
        return all(result.passed for result in self.results)


@dataclass(frozen=True)
class InspectionSummary:
    """An inspection as a list shows it."""

    inspection_id: str
    number: str  # "QC-261125-7K2MQ", read out on the floor
    plan_code: str  # the plan it follows: its chart holds its own inspections
    kind: InspectionKind
    item_code: str
    operation: str  # "WO-2611-0032 20 Reflow & AOI", "" without an operation
    work_center: str
    trigger: str  # start, units, minutes, final_report, disposition
    checks: str  # the characteristics' names, in the reader's language
    sample_size: int
    samples_done: int
    status: InspectionStatus
    raised_at: datetime


@dataclass(frozen=True)
class DispositionView:
    """A signed disposition; `reinspection` is the first-article inspection it raised."""

    inspection_id: str
    number: str
    decision: Decision
    note: str
    signer_name: str
    signed_at: datetime
    meaning: str  # the sentence the signer signed
    reinspection: InspectionSummary | None = None


@dataclass(frozen=True)
class InspectionDetail:
    summary: InspectionSummary
    characteristics: tuple[CharacteristicView, ...]
    samples: tuple[SampleView, ...]  # entered so far, by sample number
    accept: int  # at most this many nonconforming units: passed
    reject: int  # at least this many: failed
    lot_size: int | None  # final inspections
    code_letter: str
    severity: str  # normal, tightened or reduced inspection (final)
    nonconforming: int | None  # once judged
    disposition: DispositionView | None

    @property
    def verdict(self) -> InspectionStatus:
        return self.summary.status


@dataclass(frozen=True)
class SpcSignalView:
    """A Nelson rule the newest point fired, and the quality exception raised for it."""

    characteristic: str
    rule: int
    exception_id: str


@dataclass(frozen=True)
class SampleOutcome:
    """What recording one unit's results did."""

    inspection_id: str
    sample_no: int
    results: tuple[ResultView, ...]
    judged: bool  # this was the last unit: the inspection is judged
    verdict: InspectionStatus  # OPEN until judged
    nonconforming: int | None
    signals: tuple[SpcSignalView, ...]


@dataclass(frozen=True)
class SpcViolationView:
    rule: int
    index: int  # of the point in `SpcView.points` at which the rule fires


@dataclass(frozen=True)
class SpcView:
    """A variable characteristic of an item on its control chart: the newest points (values
    for I-MR, subgroup means for X̄-R) against limits from those same points. `violations`
    are each point's as it was judged when entered: against limits from the points before
    it, once there are 20 of them."""

    item_code: str
    characteristic: str
    name: str  # in the reader's language
    chart: ChartKind
    points: tuple[float, ...]  # oldest first
    center: float | None  # None: no limits (see `no_limits`)
    lower: float | None
    upper: float | None
    cp: float | None  # None without limits, or with a one-sided specification
    cpk: float | None
    provisional: bool  # limits from fewer than 20 points
    violations: tuple[SpcViolationView, ...]
    lsl: float | None
    usl: float | None
    unit: str
    decimals: int
    no_limits: str = ""  # why there are none: "too_few_points" or "no_variation"
    ranges: tuple[float, ...] = ()  # X̄-R: each subgroup's range, as `points`
    subgroup_size: int = 1
