"""The sync protocol, defined once and used by the station client and the hub.

Version 2. Push: the station sends unsent outbox events in sequence order; the hub answers
each event that was not plainly accepted (flagged, duplicate, rejected, gap), so the answer
to a healthy batch is a few bytes and every event of it not named was accepted. Pull: the
station asks for reference-data changes after its cursor. Every message carries
`protocol`; a mismatch is answered with an `ErrorBody` whose `error` is
`protocol_mismatch`, and both ends say which versions they speak.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

PROTOCOL_VERSION = 2
PROTOCOL_HEADER = "Kiosk-Protocol"
# A batch stays small enough that a retry is cheap and memory stays flat on both ends.
MAX_PUSH_EVENTS = 1000
MAX_PULL_CHANGES = 5000

PUSH_PATH = "/v1/sync/push"
PULL_PATH = "/v1/sync/pull"
HELLO_PATH = "/v1/sync/hello"
# Added after version 2 without a version change: a hub without it answers 404, which the
# station takes as "no line exceptions from this hub" (sync/client.py).
EXCEPTIONS_PATH = "/v1/sync/exceptions"
# Open exceptions a station asks about in one call; a line has far fewer.
MAX_ASKED_EXCEPTIONS = 1000

Id = Annotated[str, Meta(min_length=1, max_length=64)]
ShortText = Annotated[str, Meta(max_length=64)]
AwareDatetime = Annotated[datetime, Meta(tz=True)]
# Database integers (SQLite, PostgreSQL BIGINT) are signed 64-bit.
Count = Annotated[int, Meta(ge=0, le=2**63 - 1)]


class Message(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A protocol message: msgspec decodes and checks one in a fraction of pydantic's time,
    which counts on the push path (every event of a catch-up goes through it)."""


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
    # A serial number bound at an operation that needs the previous serial-binding
    # operation of its work order, where the hub has no binding of it.
    PREVIOUS_OP_MISSING = "previous_op_missing"
    # A machine's state, check or maintenance recorded at a station other than the one that
    # keeps it (the first the hub heard about it from): each station shows only its own.
    EQUIPMENT_KEPT_ELSEWHERE = "equipment_kept_elsewhere"
    # A maintenance order taken on, done or confirmed that the hub never saw opened.
    MAINTENANCE_NOT_OPENED = "maintenance_not_opened"
    # A machine program sent (or cut short while sending) in a version the hub has no
    # record of, or with a checksum other than the hub's.
    NC_PROGRAM_UNKNOWN = "nc_program_unknown"
    NC_CHECKSUM_DIFFERS = "nc_checksum_differs"


class ErrorCode(StrEnum):
    PROTOCOL_MISMATCH = "protocol_mismatch"
    UNAUTHORIZED = "unauthorized"
    WRONG_STATION = "wrong_station"
    EPOCH_CONFLICT = "epoch_conflict"
    BAD_REQUEST = "bad_request"


class ErrorBody(Message, frozen=True, kw_only=True):
    error: ErrorCode
    detail: str
    hub_protocol: int = PROTOCOL_VERSION


class OutboxEvent(Message, frozen=True, kw_only=True):
    """One station event as it travels; `seq` is the station's gapless sequence in `epoch`.

    `payload` is a JSON object, carried as the raw text the station stored: the hub checks
    it against its event type (sync/events.py) and stores that text as it came.
    """

    id: Id
    seq: Annotated[int, Meta(ge=1, le=2**63 - 1)]
    type: Id
    payload: Annotated[msgspec.Raw, Meta(extra_json_schema={"type": "object"})]
    subject_id: ShortText | None = None
    user_id: ShortText | None = None
    occurred_at: AwareDatetime
    mono_ns: int
    boot_id: ShortText


class PushRequest(Message, frozen=True, kw_only=True):
    protocol: int
    station_id: Id
    epoch: Id
    # The station's wall clock when it sent this, for the hub's skew measurement.
    sent_at: AwareDatetime
    events: Annotated[list[OutboxEvent], Meta(max_length=MAX_PUSH_EVENTS)]


class EventResult(Message, frozen=True, kw_only=True):
    id: str
    seq: int
    status: EventStatus
    # A RejectReason or FlagCode value (several flags are joined with ","), "" when none.
    reason: str = ""
    detail: str = ""


class PushResponse(Message, frozen=True, kw_only=True):
    protocol: int = PROTOCOL_VERSION
    hub_time: datetime
    # The last sequence of this station database the hub has applied.
    last_seq: int
    # Only the events of the batch whose status is not `accepted`, in sequence order;
    # every event of the batch not listed here was accepted.
    results: list[EventResult]


class PullRequest(Message, frozen=True, kw_only=True):
    protocol: int
    station_id: Id
    cursor: Count
    limit: Annotated[int, Meta(ge=1, le=MAX_PULL_CHANGES)] = 2000
    # A full resync: every live record in scope, not only changes after the cursor.
    full: bool = False


class Change(Message, frozen=True, kw_only=True):
    entity: str
    key: str
    change_no: int
    # The record's own id where it has one (operations, lots...): how a deletion is found.
    record_id: str | None = None
    # None when the record was deleted on the hub.
    data: dict[str, Any] | None


class PullResponse(Message, frozen=True, kw_only=True):
    protocol: int = PROTOCOL_VERSION
    hub_time: datetime
    changes: list[Change]
    cursor: int
    more: bool
    # Changes in scope after the new cursor, so a first sync can show rows done of total.
    remaining: int
    # The cursor is older than the oldest deletion the hub still remembers: pull again full.
    resync_required: bool = False


class HelloResponse(Message, frozen=True, kw_only=True):
    protocol: int = PROTOCOL_VERSION
    hub_time: datetime
    station_id: str
    work_centers: list[str]


class LineExceptionsRequest(Message, frozen=True, kw_only=True):
    """The open exceptions of the station's work centers, raised at any station; and of
    `asking`, the ones the station holds open, which the hub has resolved since."""

    protocol: int
    station_id: Id
    asking: Annotated[list[Id], Meta(max_length=MAX_ASKED_EXCEPTIONS)] = []


class OpenException(Message, frozen=True, kw_only=True):
    exception_id: str
    station_id: str  # where it was raised
    work_center: str
    category: str
    severity: str
    note: str
    equipment: str
    operation_id: str | None
    raised_at: datetime
    raised_by: str | None
    level: int  # escalation level reached, 0 for none
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    ack_seconds: float | None


class ResolvedException(Message, frozen=True, kw_only=True):
    exception_id: str
    resolved_at: datetime
    resolved_by: str | None
    resolve_seconds: float | None
    cause: str
    action: str
    note: str


class LineExceptionsResponse(Message, frozen=True, kw_only=True):
    protocol: int = PROTOCOL_VERSION
    hub_time: datetime
    open: list[OpenException]
    resolved: list[ResolvedException]
