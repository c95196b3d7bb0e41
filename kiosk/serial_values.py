"""What binding a unit's serial number answers: plain values, no storage."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SerialVerdict(StrEnum):
    BOUND = "bound"
    ALREADY_BOUND = "already_bound"  # to this operation
    OTHER_WORK_ORDER = "other_work_order"  # the unit belongs to another work order
    PREVIOUS_NOT_DONE = "previous_not_done"
    SCRAPPED = "scrapped"  # reported as scrap at an operation
    NOT_RUNNING = "not_running"
    NOT_SERIALIZED = "not_serialized"  # this operation does not record serial numbers


@dataclass(frozen=True)
class SerialBinding:
    verdict: SerialVerdict
    sn: str
    bound: int  # units bound to the operation, this one included when it was
    planned: int
    # What the refusal names: the earlier binding's time and person, the other work
    # order, or the previous operation the unit has not been through.
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict is SerialVerdict.BOUND
