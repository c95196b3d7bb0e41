"""The event types a station may push, and the payload each must carry.

The hub rejects an event whose type is not listed here or whose payload does not match
(`unknown_type`, `bad_payload`). Unknown extra payload fields are kept and ignored, so a
newer station can add detail without being refused by an older hub.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct


class EventPayload(Struct, frozen=True):
    """Unknown fields are ignored here (and kept in the stored payload text)."""


class Empty(EventPayload, frozen=True):
    pass


class SessionPayload(EventPayload, frozen=True):
    session_id: str


class LoginFailed(EventPayload, frozen=True):
    reason: str


class Logout(EventPayload, frozen=True):
    session_id: str
    reason: str


class PermissionRefused(EventPayload, frozen=True):
    permission: str


class OperationStep(EventPayload, frozen=True):
    operation_id: str
    work_order: str
    seq: int


class LabelQueued(EventPayload, frozen=True):
    job_id: str
    kind: str
    label: dict[str, Any]


class LabelPrinted(EventPayload, frozen=True):
    job_id: str


class LabelFailed(EventPayload, frozen=True):
    job_id: str
    error: str


class OperationReported(EventPayload, frozen=True):
    """Good and scrap counted at the station (kiosk/reporting.py); `final` closes it."""

    operation_id: str
    good: Annotated[int, Meta(ge=0)]
    scrap: Annotated[int, Meta(ge=0)]
    scrap_reason: str | None = None
    final: bool = False
    labour_seconds: Annotated[float, Meta(ge=0)] = 0.0
    approved_by: str | None = None  # a team lead, for a report beyond the planned quantity
    report_id: str = ""
    serials: list[str] = []  # the good units counted, on an operation binding SNs
    scrapped_serials: list[str] = []  # the scrapped units, by SN (part of `scrap`)


class MaterialConsumed(EventPayload, frozen=True):
    operation_id: str
    lot_no: str
    item_code: str
    qty: Annotated[float, Meta(gt=0)]


class MaterialVerified(EventPayload, frozen=True):
    """One scan at the station and its verdict (kiosk/materials.py): "ok" loaded the lot."""

    operation_id: str
    lot_no: str
    item_code: str
    verdict: str
    qty: float = 0.0


class MaterialOverridden(EventPayload, frozen=True):
    """A refused lot loaded on a team lead's word."""

    operation_id: str
    lot_no: str
    item_code: str
    verdict: str  # the verdict overridden
    reason: str
    approved_by: str
    qty: float = 0.0


class SopAcknowledged(EventPayload, frozen=True):
    """An operator read this version of the SOP before starting (kiosk/sop.py)."""

    operation_id: str
    sop_code: str
    version: int


class SerialBound(EventPayload, frozen=True):
    operation_id: str
    sn: str
    work_order: str = ""
    equipment: str = ""


class MaterialPicked(EventPayload, frozen=True):
    """A lot picked for a work order by the material handler."""

    work_order_id: str
    work_order: str
    lot_no: str
    item_code: str
    qty: Annotated[float, Meta(gt=0)]


class MaterialDelivered(EventPayload, frozen=True):
    """A picked lot handed over at the work center that will use it."""

    work_order_id: str
    work_order: str
    lot_no: str
    item_code: str
    work_center: str


class GoodsReceived(EventPayload, frozen=True):
    """A box of finished goods received into stock by its label."""

    item_code: str
    lot_no: str
    qty: Annotated[int, Meta(ge=0)]
    serials: list[str] = []


class ExceptionRaised(EventPayload, frozen=True):
    """An andon raised at the station (kiosk/andon.py)."""

    exception_id: str
    category: str
    severity: str
    note: str = ""
    work_center: str = ""
    equipment: str = ""
    operation_id: str | None = None


class ExceptionStep(EventPayload, frozen=True):
    exception_id: str


class ExceptionAcknowledged(ExceptionStep, frozen=True):
    """A team lead took it on; `seconds` since it was raised (monotonic within a boot)."""

    seconds: Annotated[float, Meta(ge=0)] = 0.0


class ExceptionEscalated(ExceptionStep, frozen=True):
    """Nobody acknowledged it in time: `level` 1, 2, 3... as configured."""

    level: Annotated[int, Meta(ge=1)]


class ExceptionResolved(ExceptionStep, frozen=True):
    """Cause and action come from the plant's lists; `seconds` since it was raised."""

    cause: str
    action: str
    note: str = ""
    seconds: Annotated[float, Meta(ge=0)] = 0.0


class EquipmentStateChanged(EventPayload, frozen=True):
    """A machine's new state; `seconds_in_previous` is how long the previous one lasted."""

    equipment: str
    state: str
    previous: str = ""
    reason: str = ""
    seconds_in_previous: Annotated[float, Meta(ge=0)] = 0.0
    maintenance_order: str | None = None


class EquipmentChecked(EventPayload, frozen=True):
    """A daily equipment check (点检) for the shift that began at `shift_start`."""

    check_id: str
    equipment: str
    shift_start: str
    passed: bool
    results: list[dict[str, Any]] = []
    exception_id: str | None = None


class EquipmentCheckReleased(EventPayload, frozen=True):
    """A team lead let production start despite a failed daily check."""

    check_id: str
    equipment: str
    approved_by: str


class MaintenanceOpened(EventPayload, frozen=True):
    maintenance_order: str
    number: str
    kind: str
    equipment: str
    plan: str | None = None
    exception_id: str | None = None


class MaintenanceClaimed(EventPayload, frozen=True):
    maintenance_order: str


class MaintenanceDone(EventPayload, frozen=True):
    """The technician's record: cause, actions, spare parts and labour."""

    maintenance_order: str
    cause: str
    actions: str
    labour_seconds: Annotated[float, Meta(ge=0)]
    parts: list[dict[str, Any]] = []
    note: str = ""


class MaintenanceConfirmed(EventPayload, frozen=True):
    """The machine works again; downtime runs from its down state to this confirmation."""

    maintenance_order: str
    confirmed_by: str
    downtime_seconds: Annotated[float, Meta(ge=0)] | None = None


class NcTransferred(EventPayload, frozen=True):
    """A machine program sent to a machine, or refused before sending (`outcome`)."""

    equipment: str
    program: str
    version: int
    checksum: str
    target: str
    outcome: str
    operation_id: str | None = None
    detail: str = ""


class InspectionRaised(EventPayload, frozen=True):
    inspection_id: str
    number: str
    plan: str
    kind: str  # first_article, patrol, final
    item_code: str
    operation_id: str | None
    trigger: str
    sample_size: Annotated[int, Meta(ge=1)]
    accept: Annotated[int, Meta(ge=0)]
    reject: Annotated[int, Meta(ge=1)]
    lot_size: int | None = None
    code_letter: str = ""
    severity: str = "normal"


class SampleRecorded(EventPayload, frozen=True):
    """One sample unit's results: [{"characteristic", "value", "passed", "defect"}]."""

    inspection_id: str
    sample_no: Annotated[int, Meta(ge=1)]
    results: list[dict[str, Any]]


class InspectionJudged(EventPayload, frozen=True):
    inspection_id: str
    verdict: str  # passed, failed
    nonconforming: Annotated[int, Meta(ge=0)]
    next_severity: str = ""  # final: the severity the plan's next lot gets


class InspectionDispositioned(EventPayload, frozen=True):
    """An electronic signature: who (by PIN re-entered), when (the event's time), and
    what they declared (`meaning`)."""

    inspection_id: str
    disposition_id: str
    decision: str  # scrap, rework, concession
    signer_id: str
    signer_name: str
    meaning: str
    note: str = ""


class SignatureRefused(EventPayload, frozen=True):
    """A signature attempted with a wrong PIN, or by someone not allowed to sign."""

    inspection_id: str
    reason: str


class SpcSignal(EventPayload, frozen=True):
    """A Nelson rule fired on a characteristic's values; `exception_id` is the quality
    exception raised for it."""

    item_code: str
    characteristic: str
    rule: Annotated[int, Meta(ge=1, le=4)]
    inspection_id: str
    exception_id: str


class SamplingDiscontinued(EventPayload, frozen=True):
    """A final plan's acceptance sampling is discontinued (ISO 2859-1, 9.4) by the lot of
    `inspection_id`; `exception_id` is the quality exception raised for it."""

    plan: str
    inspection_id: str
    exception_id: str


EVENT_PAYLOADS: dict[str, type[EventPayload]] = {
    "auth.login": SessionPayload,
    "auth.login_failed": LoginFailed,
    "auth.logout": Logout,
    "auth.permission_refused": PermissionRefused,
    "terminal.closed": Empty,
    "operation.started": OperationStep,
    "operation.paused": OperationStep,
    "operation.resumed": OperationStep,
    "operation.reported": OperationReported,
    "label.queued": LabelQueued,
    "label.reprint": LabelQueued,
    "label.printed": LabelPrinted,
    "label.failed": LabelFailed,
    "material.verified": MaterialVerified,
    "material.consumed": MaterialConsumed,
    "material.overridden": MaterialOverridden,
    "material.picked": MaterialPicked,
    "material.delivered": MaterialDelivered,
    "goods.received": GoodsReceived,
    "serial.bound": SerialBound,
    "sop.acknowledged": SopAcknowledged,
    "exception.raised": ExceptionRaised,
    "exception.acknowledged": ExceptionAcknowledged,
    "exception.escalated": ExceptionEscalated,
    "exception.resolved": ExceptionResolved,
    "equipment.state_changed": EquipmentStateChanged,
    "equipment.checked": EquipmentChecked,
    "equipment.check_released": EquipmentCheckReleased,
    "maintenance.opened": MaintenanceOpened,
    "maintenance.claimed": MaintenanceClaimed,
    "maintenance.done": MaintenanceDone,
    "maintenance.confirmed": MaintenanceConfirmed,
    "nc.transferred": NcTransferred,
    "qc.inspection_raised": InspectionRaised,
    "qc.sample_recorded": SampleRecorded,
    "qc.inspection_judged": InspectionJudged,
    "qc.dispositioned": InspectionDispositioned,
    "qc.signature_refused": SignatureRefused,
    "qc.spc_signal": SpcSignal,
    "qc.sampling_discontinued": SamplingDiscontinued,
}

# Payload fields that name something the central side looks events up by.
REFERENCE_FIELDS = {
    "operation_id": "operation",
    "lot_no": "lot",
    "sn": "sn",
    "exception_id": "exception",
    "maintenance_order": "maintenance_order",
    "inspection_id": "inspection",
}


class PayloadProblem(Exception):
    """Why a payload does not fit its event type, in one line."""


def payload_object(raw: bytes | str) -> dict[str, Any]:
    """The payload as it travels (JSON text) read into a dict, whatever its type;
    PayloadProblem if it is not a JSON object, or holds what no database can store (a
    lone surrogate, bytes that are not UTF-8)."""
    try:
        payload = msgspec.json.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise PayloadProblem(f"payload: {exc}") from None
    if not isinstance(payload, dict):
        raise PayloadProblem(f"payload: expected an object, got {type(payload).__name__}")
    return payload


# One decoder per event type: the payload text is read and checked in one step.
_DECODERS = {kind: msgspec.json.Decoder(model) for kind, model in EVENT_PAYLOADS.items()}
# The reference fields each payload type declares (extra fields a station adds are not).
_REFERENCES = {
    model: [
        (field, REFERENCE_FIELDS[field])
        for field in model.__struct_fields__
        if field in REFERENCE_FIELDS
    ]
    for model in EVENT_PAYLOADS.values()
}


def read_payload(event_type: str, text: str) -> EventPayload:
    """The payload (JSON text) as its event type's struct: KeyError for a type not listed,
    PayloadProblem when the text does not fit the type."""
    decoder = _DECODERS[event_type]
    try:
        return decoder.decode(text)
    except msgspec.DecodeError as exc:  # a ValidationError too
        raise PayloadProblem(f"payload: {exc}") from None


def references(payload: EventPayload) -> list[tuple[str, str]]:
    """What the central side may look this payload up by: (kind, value) pairs."""
    found = []
    for field, kind in _REFERENCES[type(payload)]:
        value = getattr(payload, field)
        if isinstance(value, str | int):
            found.append((kind, str(value)))
    return found
