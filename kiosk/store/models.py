"""Tables of the station store.

Enum columns are stored as their values (plain text), so the hub and SQL readers see
`on_hold`, not a Python name; rows read back carry plain strings of those values.

Reference data (users, work centers, items, work orders and their routings, BOMs, lots, SOPs)
comes from the hub; `event` is the append-only record of what happened here and doubles as
the sync outbox. Status columns on operations are a cache of the events, written in the
same transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from kiosk.roles import Role
from kiosk.store.types import UTCDateTime
from kiosk.work import LotStatus, OperationStatus, WorkOrderStatus


class User(SQLModel, table=True):
    id: str = Field(primary_key=True)
    employee_no: str = Field(unique=True, index=True)
    name: str
    role: Role = Field(sa_type=String(20))
    language: str = "zh_CN"
    badge_hash: str = Field(unique=True, index=True)
    pin_hash: str | None = None
    active: bool = True


class WorkCenter(SQLModel, table=True):
    __tablename__ = "work_center"
    code: str = Field(primary_key=True)
    name: str


class Item(SQLModel, table=True):
    code: str = Field(primary_key=True)
    description: str
    unit: str = "pcs"


class WorkOrder(SQLModel, table=True):
    __tablename__ = "work_order"
    id: str = Field(primary_key=True)
    number: str = Field(unique=True, index=True)
    item_code: str = Field(foreign_key="item.code")
    qty_planned: int
    priority: int = 5
    due_date: date
    status: WorkOrderStatus = Field(default=WorkOrderStatus.RELEASED, sa_type=String(20))


class Operation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("work_order_id", "seq"),)
    id: str = Field(primary_key=True)
    work_order_id: str = Field(foreign_key="work_order.id", index=True)
    seq: int
    name: str
    work_center: str = Field(foreign_key="work_center.code", index=True)
    qty_planned: int
    qty_good: int = 0
    qty_scrap: int = 0
    status: OperationStatus = Field(default=OperationStatus.PENDING, sa_type=String(20))
    sop_code: str | None = None
    # Routing: each unit's serial number is bound here; and must have been bound at the
    # previous serial-binding operation of the work order first.
    binds_serials: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    needs_previous_op: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The machine program (NC) the operation runs, and the version it needs at least.
    nc_program: str | None = None
    nc_version: int | None = None


class BomLine(SQLModel, table=True):
    __tablename__ = "bom_line"
    id: str = Field(primary_key=True)
    operation_id: str = Field(foreign_key="operation.id", index=True)
    item_code: str = Field(foreign_key="item.code")
    qty_per_unit: float


class MaterialLot(SQLModel, table=True):
    __tablename__ = "material_lot"
    id: str = Field(primary_key=True)
    lot_no: str = Field(unique=True, index=True)
    item_code: str = Field(foreign_key="item.code", index=True)
    qty: float
    status: LotStatus = Field(default=LotStatus.RELEASED, sa_type=String(20))
    expires_on: date | None = None
    supplier: str = ""


class MaterialLoad(SQLModel, table=True):
    """A lot loaded for an operation: verified OK, or overridden by a team lead."""

    __tablename__ = "material_load"
    __table_args__ = (UniqueConstraint("operation_id", "lot_no"),)
    id: str = Field(primary_key=True)
    operation_id: str = Field(foreign_key="operation.id", index=True)
    lot_no: str = Field(index=True)
    item_code: str
    qty: float
    loaded_at: datetime = Field(sa_type=UTCDateTime)
    user_id: str | None = None


class SerialUnit(SQLModel, table=True):
    """A unit (by its serial number) that went through an operation here."""

    __tablename__ = "serial_unit"
    __table_args__ = (
        UniqueConstraint("sn", "operation_id"),
        # The units an operation has not reported yet.
        Index("ix_serial_unit_operation_report", "operation_id", "report_id"),
    )
    id: str = Field(primary_key=True)
    sn: str = Field(index=True)
    operation_id: str = Field(foreign_key="operation.id")
    work_order_id: str = Field(foreign_key="work_order.id", index=True)
    # The station's equipment at the time, codes joined by ", ".
    equipment: str = Field(default="", sa_column_kwargs={"server_default": ""})
    bound_at: datetime = Field(sa_type=UTCDateTime)
    user_id: str | None = None
    # The report that counted this unit, good or scrapped; None until one does.
    report_id: str | None = None
    scrapped: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class WorkReport(SQLModel, table=True):
    """Good and scrap reported on an operation; the operation's quantities sum these."""

    __tablename__ = "work_report"
    id: str = Field(primary_key=True)
    operation_id: str = Field(foreign_key="operation.id", index=True)
    good: int
    scrap: int
    scrap_reason: str | None = None
    final: bool
    labour_seconds: float
    reported_at: datetime = Field(sa_type=UTCDateTime)
    user_id: str | None = None
    approved_by: str | None = None  # the team lead who let it go beyond the plan


class MaterialPick(SQLModel, table=True):
    """A lot the material handler picked for a work order, and where it was delivered."""

    __tablename__ = "material_pick"
    __table_args__ = (UniqueConstraint("work_order_id", "lot_no"),)
    id: str = Field(primary_key=True)
    work_order_id: str = Field(foreign_key="work_order.id", index=True)
    lot_no: str = Field(index=True)
    item_code: str
    qty: float
    picked_at: datetime = Field(sa_type=UTCDateTime)
    picked_by: str | None = None
    delivered_to: str | None = None  # work center
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_by: str | None = None


class GoodsReceipt(SQLModel, table=True):
    """A box of finished goods received into stock by scanning its label."""

    __tablename__ = "goods_receipt"
    __table_args__ = (UniqueConstraint("item_code", "lot_no"),)
    id: str = Field(primary_key=True)
    item_code: str
    lot_no: str
    qty: int
    serials: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )  # joined by " "
    received_at: datetime = Field(sa_type=UTCDateTime)
    received_by: str | None = None


class Andon(SQLModel, table=True):
    """An exception (异常) of the line: raised → acknowledged → resolved. Rows raised at
    another station of the line come from the hub; `station_id` says where it was raised."""

    __tablename__ = "andon"
    id: str = Field(primary_key=True)
    station_id: str
    work_center: str = Field(index=True)
    category: str
    severity: str
    note: str = ""
    equipment: str = ""
    operation_id: str | None = None  # no foreign key: a row from the hub may name any
    raised_at: datetime = Field(sa_type=UTCDateTime)
    raised_by: str | None = None
    raised_mono_ns: int = 0  # with raised_boot: durations that a clock change cannot bend
    raised_boot: str = ""
    level: int = 0  # the escalation level reached while nobody acknowledged it
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = None
    ack_seconds: float | None = None
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    resolved_by: str | None = None
    resolve_seconds: float | None = None
    cause: str = ""
    action: str = ""
    resolution_note: str = ""


class EquipmentState(SQLModel, table=True):
    """A change of a machine's state; the state lasts until the machine's next change."""

    __tablename__ = "equipment_state"
    __table_args__ = (Index("ix_equipment_state_equipment_changed", "equipment", "changed_at"),)
    id: str = Field(primary_key=True)
    equipment: str
    state: str
    reason: str = ""  # a "stop" reason code, for the states that stop production
    user_id: str | None = None
    changed_at: datetime = Field(sa_type=UTCDateTime)
    mono_ns: int  # with boot_id: how long each state lasted, whatever the wall clock did
    boot_id: str
    maintenance_order_id: str | None = None


class DailyCheck(SQLModel, table=True):
    """A daily equipment check (点检) for one shift; a failed one blocks starts until a
    team lead releases it."""

    __tablename__ = "daily_check"
    __table_args__ = (Index("ix_daily_check_equipment_shift", "equipment", "shift_start"),)
    id: str = Field(primary_key=True)
    equipment: str
    shift_start: datetime = Field(sa_type=UTCDateTime)
    results: str = Field(sa_column=Column(Text, nullable=False))  # JSON: one entry per item
    passed: bool
    done_at: datetime = Field(sa_type=UTCDateTime)
    done_by: str | None = None
    exception_id: str | None = None  # the equipment exception a failure raised
    released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    released_by: str | None = None


class MaintenanceOrder(SQLModel, table=True):
    """Corrective (from a down state or an equipment exception) or preventive (a plan due)."""

    __tablename__ = "maintenance_order"
    id: str = Field(primary_key=True)
    number: str = Field(unique=True)
    kind: str  # "corrective" or "preventive"
    equipment: str = Field(index=True)
    plan_code: str | None = None
    exception_id: str | None = None
    down_state_id: str | None = None  # the equipment_state row the downtime counts from
    status: str = Field(index=True)  # open, claimed, done, closed
    title: str = ""
    opened_at: datetime = Field(sa_type=UTCDateTime)
    opened_by: str | None = None
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = None
    cause: str = ""
    actions: str = ""
    note: str = ""
    labour_seconds: float = 0.0
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by: str | None = None
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_by: str | None = None
    downtime_seconds: float | None = None


class MaintenancePart(SQLModel, table=True):
    """A spare part used on a maintenance order, by lot where it was scanned."""

    __tablename__ = "maintenance_part"
    id: str = Field(primary_key=True)
    order_id: str = Field(foreign_key="maintenance_order.id", index=True)
    item_code: str
    qty: float
    lot_no: str = ""
    used_at: datetime = Field(sa_type=UTCDateTime)
    user_id: str | None = None


class NcTransfer(SQLModel, table=True):
    """A machine program sent (or refused) for an operation."""

    __tablename__ = "nc_transfer"
    id: str = Field(primary_key=True)
    operation_id: str | None = Field(default=None, index=True)
    equipment: str
    program: str
    version: int
    checksum: str
    target: str  # the folder or the serial port
    outcome: str  # "sending", "sent", "interrupted", or why it was refused or failed
    detail: str = ""
    sent_at: datetime = Field(sa_type=UTCDateTime)
    user_id: str | None = None
    # While outcome is "sending": "boot id:pid" of the process sending, so another one can
    # tell a send in progress from one its process never finished.
    sender: str | None = None


class Inspection(SQLModel, table=True):
    """An inspection task (检验): raised by an operation's start (first article), its output
    or running time (patrol), or its final report (a lot); open until judged."""

    __tablename__ = "inspection"
    id: str = Field(primary_key=True)
    number: str  # short, for people: "QC-261126-7K2MQ"
    plan_code: str = Field(index=True)
    # The plan as it was when raised (JSON): the inspection is done by it, even if the hub
    # changes or withdraws the plan meanwhile.
    plan: str = ""
    kind: str  # first_article, patrol, final
    item_code: str
    operation_id: str | None = Field(default=None, foreign_key="operation.id", index=True)
    work_center: str
    trigger: str  # what raised it: "start", "units", "minutes", "final_report"
    lot_size: int | None = None  # final: the units the lot holds
    code_letter: str = ""  # final: ISO 2859-1 sample size code letter
    severity: str = "normal"  # final: normal, tightened or reduced inspection
    sample_size: int
    accept: int  # at most this many nonconforming units: accepted
    reject: int  # at least this many: rejected
    status: str = Field(index=True)  # open, passed, failed
    raised_at: datetime = Field(sa_type=UTCDateTime)
    raised_mono_ns: int = 0  # patrol by minutes counts from here, on the monotonic clock
    raised_boot: str = ""
    judged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    judged_by: str | None = None
    nonconforming: int | None = None  # units with any characteristic out, once judged


class InspectionResult(SQLModel, table=True):
    """One characteristic of one sample unit, as entered (or read from a gauge)."""

    __tablename__ = "inspection_result"
    __table_args__ = (UniqueConstraint("inspection_id", "sample_no", "characteristic"),)
    id: str = Field(primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    sample_no: int  # 1..sample_size
    characteristic: str
    value: float | None = None  # variable characteristics
    passed: bool
    defect: str = ""  # attribute: the defect code found
    entered_at: datetime = Field(sa_type=UTCDateTime)
    user_id: str | None = None


class Disposition(SQLModel, table=True):
    """What is done with what a failed inspection held (处置), signed electronically: the
    signer re-entered their PIN; name, time and the meaning of the signature are kept."""

    __tablename__ = "disposition"
    id: str = Field(primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", unique=True)
    decision: str  # scrap, rework, concession
    note: str = ""
    signer_id: str
    signer_name: str
    signed_at: datetime = Field(sa_type=UTCDateTime)
    meaning: str  # what the signer declared, in the words shown to them


class QcSwitching(SQLModel, table=True):
    """ISO 2859-1 switching state of a final inspection plan: which severity its next lot
    gets, from the lots judged before (kiosk/qc_sampling.py)."""

    __tablename__ = "qc_switching"
    plan_code: str = Field(primary_key=True)
    state: str  # the SwitchingState as JSON


class SopDocument(SQLModel, table=True):
    __tablename__ = "sop_document"
    __table_args__ = (UniqueConstraint("code", "version", "language"),)
    id: str = Field(primary_key=True)
    code: str = Field(index=True)
    version: int
    language: str
    title: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    effective_from: date


# The events the hub flagged or rejected, as SQL: the partial index below is used only by
# queries whose condition is this very text (SQLite compares the expressions).
SYNC_ISSUE = "sync_status IN ('flagged', 'rejected')"


class Event(SQLModel, table=True):
    """One thing that happened at this station; unsent rows (synced_at NULL) are the outbox."""

    __table_args__ = (
        # The outbox in order, without reading or sorting what was sent long ago.
        Index("ix_event_unsent", "seq", sqlite_where=text("synced_at IS NULL")),
        # The few events the hub flagged or rejected (queries must name them as SYNC_ISSUE).
        Index("ix_event_sync_issue", "seq", sqlite_where=text(SYNC_ISSUE)),
    )
    id: str = Field(primary_key=True)
    seq: int = Field(unique=True)
    station_id: str
    type: str = Field(index=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    # What the event is about (an operation, a lot...), so its history is one indexed lookup.
    subject_id: str | None = Field(default=None, index=True)
    user_id: str | None = Field(default=None, index=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    mono_ns: int
    boot_id: str
    synced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The hub's answer: accepted, flagged (recorded, for a team lead to look at) or rejected.
    sync_status: str | None = Field(default=None, sa_type=String(16))
    sync_reason: str = ""
    sync_detail: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class StationMeta(SQLModel, table=True):
    """Facts about this database itself: which station it belongs to and its epoch."""

    __tablename__ = "station_meta"
    key: str = Field(primary_key=True)
    value: str


class PrintJob(SQLModel, table=True):
    """A label to print; it stays `queued` (and is retried) until a printer has taken it."""

    __tablename__ = "print_job"
    id: str = Field(primary_key=True)
    kind: str
    data: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="queued", sa_type=String(20), index=True)
    attempts: int = 0
    last_error: str = ""
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    printed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reprint_of: str | None = None
    user_id: str | None = None


class ReferenceRecord(SQLModel, table=True):
    """Hub data the station keeps but has no table for yet (equipment, inspection plans)."""

    __tablename__ = "reference_record"
    entity: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    data: str = Field(sa_column=Column(Text, nullable=False))


class PendingDeletion(SQLModel, table=True):
    """A row the hub deleted while rows here still pointed at it: kept until none does."""

    __tablename__ = "pending_deletion"
    entity: str = Field(primary_key=True)
    row_key: str = Field(primary_key=True)


class ResyncSeen(SQLModel, table=True):
    """Rows received during a full resync; what was not received is dropped at its end."""

    __tablename__ = "resync_seen"
    entity: str = Field(primary_key=True)
    row_key: str = Field(primary_key=True)
