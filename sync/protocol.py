"""The sync protocol, defined once and used by the station client and the hub.

Version 1. Push: the station sends unsent outbox events in sequence order; the hub answers
each one. Pull: the station asks for reference-data changes after its cursor. Every message
carries `protocol`; a mismatch is answered with an `ErrorBody` whose `error` is
`protocol_mismatch`, and both ends say which versions they speak.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "Kiosk-Protocol"
# A batch stays small enough that a retry is cheap and memory stays flat on both ends.
MAX_PUSH_EVENTS = 1000
MAX_PULL_CHANGES = 5000

PUSH_PATH = "/v1/sync/push"
PULL_PATH = "/v1/sync/pull"
HELLO_PATH = "/v1/sync/hello"


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventStatus(StrEnum):
    ACCEPTED = "accepted"  # applied now
    FLAGGED = "flagged"  # applied now, and something about it needs a team lead's eye
    DUPLICATE = "duplicate"  # applied before (the same event id): nothing done
    REJECTED = "rejected"  # never applied: malformed or not allowed; the queue moves on
    GAP = "gap"  # an earlier sequence is missing on the hub: send that first, then this again


class RejectReason(StrEnum):
    UNKNOWN_TYPE = "unknown_type"
    BAD_PAYLOAD = "bad_payload"
    UNKNOWN_OPERATION = "unknown_operation"
    WORK_CENTER_NOT_SERVED = "work_center_not_served"
    TAKEN = "taken"


class FlagCode(StrEnum):
    WORK_ORDER_CANCELLED = "work_order_cancelled"
    LOT_OVERCONSUMED = "lot_overconsumed"
    LOT_ON_HOLD = "lot_on_hold"


class ErrorCode(StrEnum):
    PROTOCOL_MISMATCH = "protocol_mismatch"
    UNAUTHORIZED = "unauthorized"
    WRONG_STATION = "wrong_station"
    EPOCH_CONFLICT = "epoch_conflict"
    BAD_REQUEST = "bad_request"


class ErrorBody(_Message):
    error: ErrorCode
    detail: str
    hub_protocol: int = PROTOCOL_VERSION


class OutboxEvent(_Message):
    """One station event as it travels; `seq` is the station's gapless sequence in `epoch`."""

    id: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=1)
    type: str = Field(min_length=1, max_length=64)
    payload: dict[str, Any]
    subject_id: str | None = Field(default=None, max_length=64)
    user_id: str | None = Field(default=None, max_length=64)
    occurred_at: AwareDatetime
    mono_ns: int
    boot_id: str = Field(max_length=64)


class PushRequest(_Message):
    protocol: int
    station_id: str = Field(min_length=1, max_length=64)
    epoch: str = Field(min_length=1, max_length=64)
    # The station's wall clock when it sent this, for the hub's skew measurement.
    sent_at: AwareDatetime
    events: list[OutboxEvent] = Field(max_length=MAX_PUSH_EVENTS)


class EventResult(_Message):
    id: str
    seq: int
    status: EventStatus
    # A RejectReason or FlagCode value (several flags are joined with ","), "" when none.
    reason: str = ""
    detail: str = ""


class PushResponse(_Message):
    protocol: int = PROTOCOL_VERSION
    hub_time: datetime
    last_seq: int
    results: list[EventResult]


class PullRequest(_Message):
    protocol: int
    station_id: str = Field(min_length=1, max_length=64)
    cursor: int = Field(ge=0)
    limit: int = Field(default=2000, ge=1, le=MAX_PULL_CHANGES)
    # A full resync: every live record in scope, not only changes after the cursor.
    full: bool = False


class Change(_Message):
    entity: str
    key: str
    change_no: int
    # The record's own id where it has one (operations, lots...): how a deletion is found.
    record_id: str | None = None
    # None when the record was deleted on the hub.
    data: dict[str, Any] | None


class PullResponse(_Message):
    protocol: int = PROTOCOL_VERSION
    hub_time: datetime
    changes: list[Change]
    cursor: int
    more: bool
    # Changes in scope after the new cursor, so a first sync can show rows done of total.
    remaining: int
    # The cursor is older than the oldest deletion the hub still remembers: pull again full.
    resync_required: bool = False


class HelloResponse(_Message):
    protocol: int = PROTOCOL_VERSION
    hub_time: datetime
    station_id: str
    work_centers: list[str]
