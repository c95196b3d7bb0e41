"""The hub's conflict rules: what it refuses, what it records and flags for a team lead.

What happened on the floor is a fact: a report on a work order cancelled meanwhile,
consumption beyond a lot's quantity, a lot used while the hub had it on hold are all
recorded, and flagged. Refused are only events that are malformed, not allowed for this
station, or claims someone else made first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, update

from hub import line_exceptions
from hub.driver_sql import fetch
from hub.line_exceptions import ExceptionPayload
from hub.tables import claim, lot_consumed
from sync.events import (
    EVENT_PAYLOADS,
    EquipmentChecked,
    EquipmentCheckReleased,
    EquipmentStateChanged,
    EventPayload,
    ExceptionRaised,
    MaintenanceClaimed,
    MaintenanceConfirmed,
    MaintenanceDone,
    MaintenanceOpened,
    MaterialConsumed,
    MaterialOverridden,
    MaterialPicked,
    MaterialVerified,
    NcTransferred,
    PayloadProblem,
    SerialBound,
    payload_object,
    read_payload,
)
from sync.protocol import EventStatus, FlagCode, OutboxEvent, RejectReason

# Events that record work done on an operation: recorded even on a cancelled work order.
_WORK_EVENTS = {
    "operation.started",
    "operation.resumed",
    "operation.reported",
    "material.consumed",
    "serial.bound",
}


@dataclass(frozen=True)
class StationScope:
    station_id: str
    work_centers: frozenset[str]


@dataclass(frozen=True)
class Verdict:
    status: EventStatus
    reason: str = ""
    detail: str = ""


# Every accepted event shares this one verdict: `verdict is ACCEPTED` is its cheap test.
ACCEPTED = Verdict(EventStatus.ACCEPTED)
# Payloads that name a lot, whose hold and quantity the hub checks.
_LOT_PAYLOADS = (MaterialConsumed, MaterialVerified, MaterialOverridden, MaterialPicked)
LotPayload = MaterialConsumed | MaterialVerified | MaterialOverridden | MaterialPicked
# Payloads about a machine, which one station keeps (see _kept_elsewhere).
_EQUIPMENT_PAYLOADS = (
    EquipmentStateChanged,
    EquipmentChecked,
    EquipmentCheckReleased,
    MaintenanceOpened,
)
# Steps of a maintenance order, which follow its opening.
_MAINTENANCE_STEPS = (MaintenanceClaimed, MaintenanceDone, MaintenanceConfirmed)
# Transfer outcomes after which the machine may hold the program; a refusal or a failure
# gave it nothing.
_NC_LOADED = {"sent", "interrupted"}
# Payload types a rule looks at: about an operation, a lot, a machine, a maintenance order,
# a machine program or a claim. Others (sign-ins, labels) are accepted once they read.
_RULED = (
    {
        model
        for model in EVENT_PAYLOADS.values()
        if "operation_id" in model.__struct_fields__ or issubclass(model, _LOT_PAYLOADS)
    }
    | {*_EQUIPMENT_PAYLOADS, *_MAINTENANCE_STEPS, NcTransferred}
    | set(line_exceptions.PAYLOADS)
)


def reject(reason: RejectReason, detail: str) -> Verdict:
    return Verdict(EventStatus.REJECTED, reason.value, detail)


# Looked up for every event about an operation or a lot: run on the driver (driver_sql.py).
_BY_KEY = "SELECT data FROM record WHERE entity = ? AND key = ?"
_BY_RECORD_ID = "SELECT data FROM record WHERE entity = ? AND record_id = ?"
# Looked up for a serial number bound at an operation that needs the previous one: the
# operations of its work order (by hub/tables.py's ix_record_routing), and the unit's
# bindings (by event_ref).
_ROUTING = (
    "SELECT data FROM record WHERE entity = 'operation' AND data IS NOT NULL"
    " AND rtrim(key, '0123456789') = (SELECT rtrim(key, '0123456789') FROM record"
    " WHERE entity = 'operation' AND record_id = ?)"
)
_BINDINGS = (
    "SELECT e.payload FROM event_ref r JOIN hub_event e ON e.id = r.event_id"
    " WHERE r.kind = 'sn' AND r.value = ? AND e.type = 'serial.bound'"
    " AND e.status IN ('accepted', 'flagged')"
)
# Whether the hub applied an opening of a maintenance order (by event_ref).
_OPENED = (
    "SELECT 1 FROM event_ref r JOIN hub_event e ON e.id = r.event_id"
    " WHERE r.kind = 'maintenance_order' AND r.value = ? AND e.type = 'maintenance.opened'"
    " AND e.status IN ('accepted', 'flagged') LIMIT 1"
)


Payload = dict[str, Any]


def _record(
    conn: Connection, entity: str, *, key: str | None = None, record_id: str | None = None
) -> Payload | None:
    if key is not None:
        rows = fetch(conn, _BY_KEY, (entity, key))
    else:
        rows = fetch(conn, _BY_RECORD_ID, (entity, record_id))
    data = rows[0][0] if rows else None
    return None if data is None else dict(json.loads(data))


def routing(conn: Connection, operation_id: str) -> list[Payload]:
    """The operations of the work order of operation `operation_id` (itself included), by
    seq; none when the hub has no such operation."""
    operations = [dict(json.loads(row[0])) for row in fetch(conn, _ROUTING, (operation_id,))]
    return sorted(operations, key=lambda operation: int(operation["seq"]))


def judge(
    conn: Connection, scope: StationScope, event: OutboxEvent, text: str, batch: Batch
) -> tuple[Verdict, EventPayload | None]:
    """What the hub makes of `event` whose payload is `text`, one of `batch`, and the
    payload read (None when it could not be)."""
    try:
        # All of it must read as the central side will read it back, fields this hub's
        # payload type ignores too.
        payload_object(text)
        payload = read_payload(event.type, text)
    except KeyError:
        return reject(
            RejectReason.UNKNOWN_TYPE, f"the hub knows no event type {event.type!r}"
        ), None
    except PayloadProblem as exc:
        return reject(RejectReason.BAD_PAYLOAD, str(exc)), None
    if type(payload) not in _RULED:
        return ACCEPTED, payload
    return _judge(conn, scope, event, payload, batch), payload


def _judge(
    conn: Connection,
    scope: StationScope,
    event: OutboxEvent,
    payload: EventPayload,
    batch: Batch,
) -> Verdict:
    flags: list[tuple[FlagCode, str]] = []
    operation_id = getattr(payload, "operation_id", None)
    if isinstance(operation_id, str):
        operation = _record(conn, "operation", record_id=operation_id)
        if operation is None:
            return reject(RejectReason.UNKNOWN_OPERATION, f"no operation {operation_id} on the hub")
        if operation["work_center"] not in scope.work_centers:
            return reject(
                RejectReason.WORK_CENTER_NOT_SERVED,
                f"operation {operation['name']} is at {operation['work_center']}, which station "
                f"{scope.station_id} does not serve",
            )
        order = _record(conn, "work_order", record_id=operation["work_order_id"])
        if event.type in _WORK_EVENTS and order is not None and order["status"] == "cancelled":
            flags.append(
                (FlagCode.WORK_ORDER_CANCELLED, f"work order {order['number']} was cancelled")
            )
        if isinstance(payload, SerialBound):
            flags.extend(_routing_flags(conn, batch, operation, payload))
    # A verification the station itself refused used no lot: nothing to flag.
    refused = isinstance(payload, MaterialVerified) and payload.verdict != "ok"
    if isinstance(payload, _LOT_PAYLOADS) and not refused:
        flags.extend(_lot_flags(conn, payload))
    if isinstance(payload, _EQUIPMENT_PAYLOADS):
        not_served = _equipment_not_served(conn, scope, payload.equipment)
        if not_served is not None:
            return not_served
        flags.extend(_kept_elsewhere(conn, scope, event, payload.equipment))
        if isinstance(payload, MaintenanceOpened):
            batch.opened.add(payload.maintenance_order)
    if isinstance(payload, MaintenanceClaimed):
        taken = _claim(conn, scope, event, f"maintenance_order:{payload.maintenance_order}")
        if taken is not None:
            return taken
    if isinstance(payload, _MAINTENANCE_STEPS) and not _opened(
        conn, batch, payload.maintenance_order
    ):
        flags.append(
            (
                FlagCode.MAINTENANCE_NOT_OPENED,
                f"the hub never saw maintenance order {payload.maintenance_order} opened",
            )
        )
    if isinstance(payload, NcTransferred) and payload.outcome in _NC_LOADED:
        flags.extend(_program_flags(conn, payload))
    if isinstance(payload, line_exceptions.PAYLOADS):
        # Last: only an event applied may change what the lines show.
        elsewhere = _exception_elsewhere(conn, scope, payload)
        if elsewhere is not None:
            return elsewhere
        line_exceptions.project(conn, scope.station_id, event, payload)
    if flags:
        return Verdict(
            EventStatus.FLAGGED,
            ",".join(code.value for code, _ in flags),
            "; ".join(detail for _, detail in flags),
        )
    return ACCEPTED


def _lot_flags(conn: Connection, payload: LotPayload) -> list[tuple[FlagCode, str]]:
    lot = _record(conn, "lot", key=payload.lot_no)
    flags: list[tuple[FlagCode, str]] = []
    if lot is not None and lot["status"] == "on_hold":
        flags.append((FlagCode.LOT_ON_HOLD, f"lot {payload.lot_no} is on hold on the hub"))
    if isinstance(payload, MaterialConsumed):
        used = conn.execute(
            select(lot_consumed.c.qty).where(lot_consumed.c.lot_no == payload.lot_no)
        ).scalar()
        total = float(used or 0) + payload.qty
        if used is None:
            conn.execute(insert(lot_consumed).values(lot_no=payload.lot_no, qty=total))
        else:
            conn.execute(
                update(lot_consumed)
                .where(lot_consumed.c.lot_no == payload.lot_no)
                .values(qty=total)
            )
        if lot is not None and total > float(lot["qty"]):
            flags.append(
                (
                    FlagCode.LOT_OVERCONSUMED,
                    f"lot {payload.lot_no}: {total:g} consumed of {float(lot['qty']):g}",
                )
            )
    return flags


@dataclass
class Batch:
    """What the rules learnt judging one push batch so far: hub/push.py writes a batch's
    events only once all of them are judged, so a rule that needs an earlier event of the
    batch finds it here. One per attempt at a batch: a batch redone starts afresh."""

    # (serial number, operation id) of the bindings applied.
    bound: set[tuple[str, str]] = field(default_factory=set)
    # By operation id: the serial-binding operation before it in its work order, if any.
    previous: dict[str, Payload | None] = field(default_factory=dict)
    # The maintenance orders whose opening was applied.
    opened: set[str] = field(default_factory=set)


def _routing_flags(
    conn: Connection, batch: Batch, operation: Payload, payload: SerialBound
) -> list[tuple[FlagCode, str]]:
    """A unit bound at an operation that needs the previous one, but never bound there: a
    station only knows its own bindings, so it lets a unit from another work center by."""
    flags: list[tuple[FlagCode, str]] = []
    if operation.get("needs_previous_op"):
        if payload.operation_id not in batch.previous:
            before = [
                other
                for other in routing(conn, payload.operation_id)
                if other.get("binds_serials") and int(other["seq"]) < int(operation["seq"])
            ]
            batch.previous[payload.operation_id] = before[-1] if before else None
        previous = batch.previous[payload.operation_id]
        if previous is not None and not _bound_at(conn, batch, payload.sn, previous["id"]):
            flags.append(
                (
                    FlagCode.PREVIOUS_OP_MISSING,
                    f"serial number {payload.sn} was not bound at the previous operation "
                    f"{previous['seq']} {previous['name']}",
                )
            )
    batch.bound.add((payload.sn, payload.operation_id))
    return flags


def _bound_at(conn: Connection, batch: Batch, sn: str, operation_id: str) -> bool:
    """Whether the hub applied a binding of `sn` at the operation, or the batch holds one."""
    if (sn, operation_id) in batch.bound:
        return True
    return any(
        json.loads(row[0])["operation_id"] == operation_id for row in fetch(conn, _BINDINGS, (sn,))
    )


def _exception_elsewhere(
    conn: Connection, scope: StationScope, payload: ExceptionPayload
) -> Verdict | None:
    """A refusal when the exception is on a line this station does not serve: it would show
    on that line's terminals. A raise without a work center (older stations) shows nowhere;
    a step whose raise the hub has not yet is judged by nothing but its payload."""
    if isinstance(payload, ExceptionRaised):
        center: str | None = payload.work_center
    else:
        center = line_exceptions.work_center_of(conn, payload.exception_id)
    if not center or center in scope.work_centers:
        return None
    return reject(
        RejectReason.WORK_CENTER_NOT_SERVED,
        f"exception {payload.exception_id} is at {center}, which station {scope.station_id} "
        "does not serve",
    )


def _claim(
    conn: Connection, scope: StationScope, event: OutboxEvent, subject: str
) -> Verdict | None:
    holder = conn.execute(
        select(claim.c.station_id, claim.c.event_id).where(claim.c.subject == subject)
    ).first()
    if holder is None:
        conn.execute(
            insert(claim).values(subject=subject, event_id=event.id, station_id=scope.station_id)
        )
        return None
    return reject(RejectReason.TAKEN, f"already taken by station {holder.station_id}")


def _equipment_not_served(conn: Connection, scope: StationScope, code: str) -> Verdict | None:
    """A refusal when the hub has the machine at a work center this station does not serve;
    a machine it does not have passes (its reference data may be behind)."""
    machine = _record(conn, "equipment", key=code)
    if machine is None or machine["work_center"] in scope.work_centers:
        return None
    return reject(
        RejectReason.WORK_CENTER_NOT_SERVED,
        f"machine {code} is at {machine['work_center']}, which station {scope.station_id} "
        "does not serve",
    )


def _kept_elsewhere(
    conn: Connection, scope: StationScope, event: OutboxEvent, code: str
) -> list[tuple[FlagCode, str]]:
    """The first station whose event about a machine the hub applies keeps it. A machine's
    states, checks and maintenance live on the station where they are entered, so two
    stations recording one machine each show their own: a team lead must see that."""
    subject = f"equipment:{code}"
    keeper = conn.execute(select(claim.c.station_id).where(claim.c.subject == subject)).scalar()
    if keeper is None:
        conn.execute(
            insert(claim).values(subject=subject, event_id=event.id, station_id=scope.station_id)
        )
        return []
    if keeper == scope.station_id:
        return []
    return [
        (
            FlagCode.EQUIPMENT_KEPT_ELSEWHERE,
            f"machine {code} is kept by station {keeper}; what {scope.station_id} records of "
            "it is not seen there",
        )
    ]


def _opened(conn: Connection, batch: Batch, maintenance_order: str) -> bool:
    """Whether the hub applied an opening of the order, or the batch holds one (a station
    pushes in order, so its own opening comes first)."""
    return maintenance_order in batch.opened or bool(fetch(conn, _OPENED, (maintenance_order,)))


def _program_flags(conn: Connection, payload: NcTransferred) -> list[tuple[FlagCode, str]]:
    """A program on a machine that the hub never gave out: an unknown version, or other
    content than the hub's under a known one."""
    name = f"machine program {payload.program} version {payload.version}"
    program = _record(conn, "nc_program", key=f"{payload.program}:{payload.version}")
    if program is None:
        return [
            (
                FlagCode.NC_PROGRAM_UNKNOWN,
                f"{name} ({payload.outcome} to {payload.equipment}) is not on the hub",
            )
        ]
    if payload.checksum != program["checksum"]:
        return [
            (
                FlagCode.NC_CHECKSUM_DIFFERS,
                f"{name} ({payload.outcome} to {payload.equipment}) has checksum "
                f"{payload.checksum}; the hub's is {program['checksum']}",
            )
        ]
    return []
