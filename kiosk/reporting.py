"""Reporting work done on an operation: good and scrap quantities, partial or final.

Labour time is what the operation's timer ran since the previous report. Scrap needs a
reason from the plant's list (reason codes the hub sends). More units than planned need a
team lead's approval. On an operation that binds serial numbers every unit is accounted for
by its SN: the scrapped ones are named (scanned into the report), the good ones are the
other units bound and not yet reported, and a final report leaves none unaccounted. The
report, its event, the operation's quantities, the units it counts and the labels it prints
are one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from sqlmodel import Session, col, func, select

from devices.labels.templates import BoxLabel, Label, ProductLabel
from kiosk.clock import Clock
from kiosk.config import LabelsSection
from kiosk.identity import SignedIn
from kiosk.ids import new_id, short_code
from kiosk.print_queue import PrintQueue
from kiosk.qc_records import first_article_pending, raise_after_report_in
from kiosk.report_values import Reported, ReportRequest, ReportSheet, ScrapReason
from kiosk.roles import Permission
from kiosk.store.database import Store
from kiosk.store.models import (
    Item,
    Operation,
    ReferenceRecord,
    SerialUnit,
    WorkOrder,
    WorkReport,
)
from kiosk.tasks import operation_marks
from kiosk.timer import timer_from
from kiosk.work import OperationStatus, Refusal, Refused, WorkOrderStatus

REPORTED = "operation.reported"
SCRAP = "scrap"  # the kind of reason code a scrap quantity needs


class ReportService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        work_centers: Sequence[str],
        printing: PrintQueue,
        labels: LabelsSection,
    ) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = tuple(work_centers)
        self._printing = printing
        self._labels = labels

    def scrap_reasons(self, language: str) -> list[ScrapReason]:
        """The plant's scrap reasons, named in `language` (Chinese or English)."""
        with self._store.read() as session:
            return sorted(_reasons(session, language).values(), key=lambda r: r.code)

    def sheet(self, operation_id: str) -> ReportSheet:
        """What the report form shows: the plan, what is reported, labour since then."""
        with self._store.read() as session:
            op, order = _load(session, operation_id)
            return self._sheet(session, op, order)

    def report(
        self,
        operation_id: str,
        request: ReportRequest,
        who: SignedIn,
        approver: SignedIn | None = None,
    ) -> Reported:
        """Record the report; Refused(OVER_PLAN) asks for a team lead as `approver`."""
        if not who.may(Permission.RUN_OPERATION):
            raise Refused(Refusal.NOT_PERMITTED)
        if approver is not None and not approver.may(Permission.APPROVE_OVER_REPORT):
            raise Refused(Refusal.NOT_PERMITTED)
        with self._store.write() as session:
            op, order = _load(session, operation_id)
            self._check(session, op, order, request, approver)
            sheet = self._sheet(session, op, order)
            report_id = new_id()
            serials = self._count_serials(session, op, request, report_id)
            report = WorkReport(
                id=report_id,
                operation_id=op.id,
                good=request.good,
                scrap=request.scrap,
                scrap_reason=request.scrap_reason if request.scrap else None,
                final=request.final,
                labour_seconds=sheet.labour_seconds,
                reported_at=self._clock.now(),
                user_id=who.user_id,
                approved_by=approver.user_id if approver else None,
            )
            session.add(report)
            good_before = op.qty_good
            op.qty_good += request.good
            op.qty_scrap += request.scrap
            if request.final:
                op.status = OperationStatus.DONE
            session.add(op)
            self._store.outbox.append(
                session,
                REPORTED,
                {
                    "operation_id": op.id,
                    "report_id": report_id,
                    "good": request.good,
                    "scrap": request.scrap,
                    "scrap_reason": request.scrap_reason if request.scrap else None,
                    "final": request.final,
                    "labour_seconds": round(sheet.labour_seconds, 3),
                    "approved_by": approver.user_id if approver else None,
                    "serials": list(serials),
                    "scrapped_serials": list(request.scrapped_serials),
                },
                who.user_id,
                subject_id=op.id,
            )
            raise_after_report_in(
                session,
                self._store.outbox,
                self._clock,
                op,
                order.item_code,
                good_before,
                op.qty_good,
                request.final,
                who.user_id,
            )
            labels, problem = self._labels_for(session, op, order, report, serials)
            for label in labels:
                self._printing.add_in(session, label, who)
            return Reported(
                report_id,
                request.good,
                request.scrap,
                request.final,
                len(labels),
                serials,
                problem,
            )

    def _check(
        self,
        session: Session,
        op: Operation,
        order: WorkOrder,
        request: ReportRequest,
        approver: SignedIn | None,
    ) -> None:
        if op.work_center not in self._work_centers:
            raise Refused(Refusal.NOT_AT_THIS_STATION)
        if order.status != WorkOrderStatus.RELEASED:
            raise Refused(Refusal.WORK_ORDER_NOT_RELEASED)
        if op.status in (OperationStatus.DONE, OperationStatus.CANCELLED):
            raise Refused(Refusal.CLOSED)
        if op.status == OperationStatus.PENDING:
            raise Refused(Refusal.NOT_STARTED)
        if first_article_pending(session, op.id):
            raise Refused(Refusal.FIRST_ARTICLE_PENDING)
        if request.good < 0 or request.scrap < 0:
            raise Refused(Refusal.NOTHING_TO_REPORT)
        if request.good + request.scrap == 0 and not request.final:
            raise Refused(Refusal.NOTHING_TO_REPORT)
        if request.scrap:
            if not request.scrap_reason:
                raise Refused(Refusal.SCRAP_REASON_NEEDED)
            if request.scrap_reason not in _reasons(session, "en"):
                raise Refused(Refusal.UNKNOWN_SCRAP_REASON)
        if op.binds_serials:
            _check_serials(session, op, request)
        elif request.scrapped_serials:
            raise Refused(Refusal.SERIAL_NOT_HERE)
        done = op.qty_good + op.qty_scrap + request.good + request.scrap
        if done > op.qty_planned and approver is None:
            raise Refused(Refusal.OVER_PLAN)

    def _sheet(self, session: Session, op: Operation, order: WorkOrder) -> ReportSheet:
        worked = timer_from(operation_marks(session, [op.id])[op.id], self._clock)
        reported = session.exec(
            select(func.coalesce(func.sum(WorkReport.labour_seconds), 0.0)).where(
                WorkReport.operation_id == op.id
            )
        ).one()
        return ReportSheet(
            operation_id=op.id,
            work_order=order.number,
            seq=op.seq,
            operation=op.name,
            status=OperationStatus(op.status),
            qty_planned=op.qty_planned,
            qty_good=op.qty_good,
            qty_scrap=op.qty_scrap,
            labour_seconds=max(0.0, worked.elapsed(self._clock.monotonic()) - float(reported)),
            binds_serials=op.binds_serials,
            unreported_serials=len(_unreported(session, op.id)) if op.binds_serials else 0,
        )

    def _count_serials(
        self, session: Session, op: Operation, request: ReportRequest, report_id: str
    ) -> tuple[str, ...]:
        """Mark the units this report counts: the scrapped ones it names, and as many good
        ones as it reports, oldest first, from the others. Answers the good ones."""
        if not op.binds_serials:
            return ()
        scrapped = set(request.scrapped_serials)
        units = _unreported(session, op.id)
        good = [unit for unit in units if unit.sn not in scrapped][: request.good]
        for unit in good + [unit for unit in units if unit.sn in scrapped]:
            unit.report_id = report_id
            unit.scrapped = unit.sn in scrapped
            session.add(unit)
        return tuple(unit.sn for unit in good)

    def _labels_for(
        self,
        session: Session,
        op: Operation,
        order: WorkOrder,
        report: WorkReport,
        serials: tuple[str, ...],
    ) -> tuple[list[Label], str]:
        """The labels this report prints, and why any cannot be made ("" when all can).

        A label that cannot be made (a part number a barcode cannot carry) costs neither the
        report nor the other labels: they print, and the person is told.
        """
        if report.good == 0:
            return [], ""
        item = session.get(Item, order.item_code)
        assert item is not None  # a foreign key
        today = self._clock.now().astimezone().date()
        makers: list[Callable[[], Label]] = []
        if op.work_center in self._labels.product_labels_at:
            makers += [partial(_product, item, sn, order.number, today) for sn in serials]
        if op.work_center in self._labels.box_labels_at:
            lot = box_lot(order.number, report.id)
            makers.append(partial(BoxLabel, item.code, lot, report.good, serials))
        labels: list[Label] = []
        problems: list[str] = []
        for make in makers:
            try:
                labels.append(make())
            except ValueError as exc:
                problems.append(str(exc))
        return labels, "; ".join(problems)


def box_lot(work_order: str, report_id: str) -> str:
    """The box's lot: its work order and a code from the report's id, unique without asking
    anybody (two stations at one work center print boxes of one order), within GS1's 20
    characters for AI 10 when the work order number leaves room for 4 or more."""
    return f"{work_order}-{short_code(report_id)[: max(4, 19 - len(work_order))]}"


def _product(item: Item, sn: str, work_order: str, today: date) -> ProductLabel:
    return ProductLabel(item.code, item.description, sn, work_order, today)


def _load(session: Session, operation_id: str) -> tuple[Operation, WorkOrder]:
    op = session.get(Operation, operation_id)
    if op is None:
        raise Refused(Refusal.UNKNOWN_OPERATION)
    order = session.get(WorkOrder, op.work_order_id)
    assert order is not None  # a foreign key
    return op, order


def _check_serials(session: Session, op: Operation, request: ReportRequest) -> None:
    """Scrapped units must be units bound here and not yet reported; good ones may not
    outnumber the others; a final report accounts for every unit."""
    waiting = {unit.sn for unit in _unreported(session, op.id)}
    scrapped = set(request.scrapped_serials)
    if not scrapped <= waiting or len(scrapped) != len(request.scrapped_serials):
        raise Refused(Refusal.SERIAL_NOT_HERE)
    if request.scrap < len(scrapped):
        raise Refused(Refusal.SCRAP_BELOW_SERIALS)
    others = len(waiting) - len(scrapped)
    if request.good > others:
        raise Refused(Refusal.SERIALS_MISSING)
    if request.final and request.good < others:
        raise Refused(Refusal.SERIALS_UNACCOUNTED)


def _unreported(session: Session, operation_id: str) -> list[SerialUnit]:
    return list(
        session.exec(
            select(SerialUnit)
            .where(SerialUnit.operation_id == operation_id, col(SerialUnit.report_id).is_(None))
            .order_by(col(SerialUnit.bound_at), col(SerialUnit.id))
        ).all()
    )


def _reasons(session: Session, language: str) -> dict[str, ScrapReason]:
    rows = session.exec(
        select(ReferenceRecord.data).where(ReferenceRecord.entity == "reason_code")
    ).all()
    found = {}
    for record in map(json.loads, rows):
        if record.get("kind") == SCRAP:
            name = record["name_zh"] if language == "zh_CN" else record["name_en"]
            found[record["code"]] = ScrapReason(record["code"], name)
    return found
