"""The event types a station may push, and the payload each must carry.

The hub rejects an event whose type is not listed here or whose payload does not match
(`unknown_type`, `bad_payload`). Unknown extra payload fields are kept and ignored, so a
newer station can add detail without being refused by an older hub.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct


class _Payload(Struct, frozen=True):
    """Unknown fields are ignored here (and kept in the stored payload text)."""


class Empty(_Payload, frozen=True):
    pass


class SessionPayload(_Payload, frozen=True):
    session_id: str


class LoginFailed(_Payload, frozen=True):
    reason: str


class Logout(_Payload, frozen=True):
    session_id: str
    reason: str


class PermissionRefused(_Payload, frozen=True):
    permission: str


class OperationStep(_Payload, frozen=True):
    operation_id: str
    work_order: str
    seq: int


class LabelQueued(_Payload, frozen=True):
    job_id: str
    kind: str
    label: dict[str, Any]


class LabelPrinted(_Payload, frozen=True):
    job_id: str


class LabelFailed(_Payload, frozen=True):
    job_id: str
    error: str


class OperationReported(_Payload, frozen=True):
    operation_id: str
    good: Annotated[int, Meta(ge=0)]
    scrap: Annotated[int, Meta(ge=0)]
    scrap_reason: str | None = None
    final: bool = False


class MaterialConsumed(_Payload, frozen=True):
    operation_id: str
    lot_no: str
    item_code: str
    qty: Annotated[float, Meta(gt=0)]


class MaterialVerified(_Payload, frozen=True):
    operation_id: str
    lot_no: str
    item_code: str
    verdict: str


class SerialBound(_Payload, frozen=True):
    operation_id: str
    sn: str


class ExceptionRaised(_Payload, frozen=True):
    exception_id: str
    category: str
    severity: str
    note: str = ""


class ExceptionStep(_Payload, frozen=True):
    exception_id: str


class MaintenanceClaimed(_Payload, frozen=True):
    maintenance_order: str


EVENT_PAYLOADS: dict[str, type[_Payload]] = {
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
    "serial.bound": SerialBound,
    "exception.raised": ExceptionRaised,
    "exception.acknowledged": ExceptionStep,
    "exception.resolved": ExceptionStep,
    "maintenance.claimed": MaintenanceClaimed,
}

# Payload fields that name something the central side looks events up by.
REFERENCE_FIELDS = {
    "operation_id": "operation",
    "lot_no": "lot",
    "sn": "sn",
    "exception_id": "exception",
    "maintenance_order": "maintenance_order",
}


class PayloadProblem(Exception):
    """Why a payload does not fit its event type, in one line."""


def payload_object(raw: bytes) -> dict[str, Any]:
    """The payload as it travels (JSON text) read into a dict; PayloadProblem if it is not
    a JSON object, or holds what no database can store (a lone surrogate, bytes that are
    not UTF-8, an integer past 64 bits)."""
    try:
        payload = msgspec.json.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise PayloadProblem(f"payload: {exc}") from None
    if not isinstance(payload, dict):
        raise PayloadProblem(f"payload: expected an object, got {type(payload).__name__}")
    return payload


def check_payload(event_type: str, payload: dict[str, Any]) -> _Payload:
    model = EVENT_PAYLOADS.get(event_type)
    if model is None:
        raise KeyError(event_type)
    try:
        return msgspec.convert(payload, model)
    except msgspec.ValidationError as exc:
        raise PayloadProblem(f"payload: {exc}") from None


def references(payload: dict[str, Any]) -> list[tuple[str, str]]:
    if not payload.keys() & REFERENCE_FIELDS.keys():
        return []  # most events (sign-ins, labels) refer to nothing the read API looks up
    return [
        (kind, str(payload[field]))
        for field, kind in REFERENCE_FIELDS.items()
        if isinstance(payload.get(field), str | int)
    ]
