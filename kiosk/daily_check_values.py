"""The vocabulary of the daily equipment check (点检): items, answers, where a machine
stands this shift. Plain values, no storage."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CheckKind(StrEnum):
    PASS_FAIL = "pass_fail"
    VALUE = "value"  # a reading, within limits where the item has them


class CheckStatus(StrEnum):
    """Where a machine's check stands for the current shift."""

    NOT_NEEDED = "not_needed"  # the machine has no check items
    TO_DO = "to_do"
    PASSED = "passed"
    FAILED = "failed"  # blocks starts until a team lead releases it
    RELEASED = "released"  # failed, and a team lead let work start


@dataclass(frozen=True)
class CheckItem:
    code: str
    text: str  # in the language it was asked for
    kind: CheckKind
    lsl: float | None
    usl: float | None
    unit: str

    def within(self, value: float) -> bool:
        """Whether a reading is within the item's limits (a missing limit does not bound)."""
        return (self.lsl is None or value >= self.lsl) and (self.usl is None or value <= self.usl)


@dataclass(frozen=True)
class Answer:
    """A pass/fail item answers `passed`; a value item answers `value`."""

    passed: bool | None = None
    value: float | None = None


@dataclass(frozen=True)
class CheckDone:
    check_id: str
    equipment: str
    passed: bool
    failed_items: tuple[str, ...]  # the codes of the items that failed
    exception_id: str | None  # the equipment exception a failure raised
