"""The values a work report is made of and answers with: plain data, no storage."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.work import OperationStatus


@dataclass(frozen=True)
class ScrapReason:
    code: str
    name: str


@dataclass(frozen=True)
class ReportSheet:
    """An operation as the report form shows it."""

    operation_id: str
    work_order: str
    seq: int
    operation: str
    status: OperationStatus
    qty_planned: int
    qty_good: int
    qty_scrap: int
    labour_seconds: float  # the timer's run since the previous report
    binds_serials: bool
    unreported_serials: int  # bound units no report has counted yet

    @property
    def remaining(self) -> int:
        return max(0, self.qty_planned - self.qty_good - self.qty_scrap)


@dataclass(frozen=True)
class ReportRequest:
    good: int
    scrap: int
    scrap_reason: str | None
    final: bool
    # On an operation that binds serial numbers: the units scrapped, by SN (part of `scrap`).
    scrapped_serials: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reported:
    report_id: str
    good: int
    scrap: int
    final: bool
    labels: int  # labels queued for printing
    serials: tuple[str, ...]  # the good units this report counted
    label_problem: str = ""  # why its labels could not be made, when they could not
