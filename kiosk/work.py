"""The vocabulary of work at a station: statuses, tasks, refusals. Plain values, no storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.timer import OperationTimer


class OperationStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


class WorkOrderStatus(StrEnum):
    RELEASED = "released"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class LotStatus(StrEnum):
    RELEASED = "released"
    ON_HOLD = "on_hold"
    CONSUMED = "consumed"


OPEN_STATUSES = (OperationStatus.PENDING, OperationStatus.RUNNING, OperationStatus.PAUSED)


class PauseReason(StrEnum):
    BREAK = "break"
    MATERIAL_SHORTAGE = "material_shortage"
    EQUIPMENT_DOWN = "equipment_down"
    QUALITY_HOLD = "quality_hold"
    WAITING_INSTRUCTIONS = "waiting_instructions"
    SHIFT_END = "shift_end"


class ReprintReason(StrEnum):
    DAMAGED = "damaged"
    MISPRINTED = "misprinted"
    UNREADABLE = "unreadable"
    LOST = "lost"


class Refusal(StrEnum):
    NOT_PERMITTED = "not_permitted"
    NOT_AT_THIS_STATION = "not_at_this_station"
    WORK_ORDER_NOT_RELEASED = "work_order_not_released"
    ALREADY_RUNNING = "already_running"
    NOT_RUNNING = "not_running"
    NOT_PAUSED = "not_paused"
    CLOSED = "closed"
    UNKNOWN_OPERATION = "unknown_operation"
    NOT_OVERRIDABLE = "not_overridable"
    SOP_NOT_ACKNOWLEDGED = "sop_not_acknowledged"
    NOT_STARTED = "not_started"
    NOTHING_TO_REPORT = "nothing_to_report"
    SCRAP_REASON_NEEDED = "scrap_reason_needed"
    UNKNOWN_SCRAP_REASON = "unknown_scrap_reason"
    OVER_PLAN = "over_plan"  # a team lead may approve it
    SERIALS_MISSING = "serials_missing"
    SERIALS_UNACCOUNTED = "serials_unaccounted"  # a final report leaves scanned units out
    SERIAL_NOT_HERE = "serial_not_here"  # named as scrapped, not a unit waiting here
    SCRAP_BELOW_SERIALS = "scrap_below_serials"  # fewer scrapped than units named scrapped
    # Exceptions (andon)
    UNKNOWN_EXCEPTION = "unknown_exception"
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    ALREADY_RESOLVED = "already_resolved"
    UNKNOWN_CAUSE = "unknown_cause"  # not in the plant's list of causes
    UNKNOWN_ACTION = "unknown_action"  # not in the plant's list of actions
    # Equipment and daily checks
    UNKNOWN_EQUIPMENT = "unknown_equipment"
    SAME_STATE = "same_state"
    IN_MAINTENANCE = "in_maintenance"  # handed back by its maintenance order, not by hand
    STOP_REASON_NEEDED = "stop_reason_needed"
    UNKNOWN_STOP_REASON = "unknown_stop_reason"
    DAILY_CHECK_NEEDED = "daily_check_needed"  # before the first start of the shift
    DAILY_CHECK_FAILED = "daily_check_failed"  # until a team lead releases it
    CHECK_INCOMPLETE = "check_incomplete"  # an item has no answer
    NOTHING_TO_RELEASE = "nothing_to_release"
    # Maintenance
    UNKNOWN_MAINTENANCE_ORDER = "unknown_maintenance_order"
    ALREADY_CLAIMED = "already_claimed"
    NOT_CLAIMED = "not_claimed"
    MAINTENANCE_NOT_DONE = "maintenance_not_done"
    MAINTENANCE_CLOSED = "maintenance_closed"
    # Machine programs (NC)
    NO_NC_PROGRAM = "no_nc_program"  # the operation needs none
    NC_PROGRAM_MISSING = "nc_program_missing"  # the hub has not delivered it here
    NC_VERSION_OLD = "nc_version_old"
    NC_CHECKSUM_MISMATCH = "nc_checksum_mismatch"
    NC_MACHINE_NOT_CONFIGURED = "nc_machine_not_configured"
    # Quality inspection
    FIRST_ARTICLE_PENDING = "first_article_pending"  # no report before the first article passes
    UNKNOWN_INSPECTION = "unknown_inspection"
    INSPECTION_CLOSED = "inspection_closed"  # judged already
    UNKNOWN_CHARACTERISTIC = "unknown_characteristic"
    SAMPLE_INCOMPLETE = "sample_incomplete"  # a characteristic of the unit has no result
    VALUE_NEEDED = "value_needed"  # a measured characteristic entered without a value
    UNKNOWN_DEFECT = "unknown_defect"  # not one of the characteristic's defect codes
    NOT_FAILED = "not_failed"  # only a failed inspection is dispositioned
    ALREADY_DISPOSITIONED = "already_dispositioned"
    WRONG_PIN = "wrong_pin"
    LOCKED_OUT = "locked_out"  # too many wrong PINs, at sign-in or signing: for a while
    PIN_NOT_SET = "pin_not_set"  # the signer has no PIN to sign with
    NOT_A_NUMBER = "not_a_number"  # a measured value that is infinite or not a number


class Refused(Exception):
    """The act was not allowed; `reason` is a catalog key the screen translates."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Task:
    operation_id: str
    work_order: str
    item_code: str
    item_description: str
    seq: int
    operation: str
    work_center: str
    qty_planned: int
    qty_good: int
    qty_scrap: int
    due_date: date
    priority: int
    status: OperationStatus
    sop_code: str | None
    timer: OperationTimer


@dataclass(frozen=True)
class Component:
    item_code: str
    description: str
    qty_per_unit: float
    qty_required: float
    unit: str


@dataclass(frozen=True)
class TaskDetail:
    task: Task
    components: tuple[Component, ...]
