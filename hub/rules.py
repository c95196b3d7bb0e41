"""The hub's conflict rules: what it refuses, what it records and flags for a team lead.

What happened on the floor is a fact: a report on a work order cancelled meanwhile,
consumption beyond a lot's quantity, a lot used while the hub had it on hold are all
recorded, and flagged. Refused are only events that are malformed, not allowed for this
station, or claims someone else made first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from hub.tables import claim, lot_consumed, record
from sync.events import MaterialConsumed, MaterialVerified, PayloadProblem, check_payload
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


def _reject(reason: RejectReason, detail: str) -> Verdict:
    return Verdict(EventStatus.REJECTED, reason.value, detail)


def _record(
    conn: Connection, entity: str, *, key: str | None = None, record_id: str | None = None
) -> dict[str, Any] | None:
    query = select(record.c.data).where(record.c.entity == entity)
    query = (
        query.where(record.c.key == key)
        if key is not None
        else query.where(record.c.record_id == record_id)
    )
    data = conn.execute(query).scalar()
    return None if data is None else dict(json.loads(data))


def judge(conn: Connection, scope: StationScope, event: OutboxEvent) -> Verdict:
    try:
        payload = check_payload(event.type, event.payload)
    except KeyError:
        return _reject(RejectReason.UNKNOWN_TYPE, f"the hub knows no event type {event.type!r}")
    except PayloadProblem as exc:
        return _reject(RejectReason.BAD_PAYLOAD, str(exc))
    flags: list[tuple[FlagCode, str]] = []
    operation_id = event.payload.get("operation_id")
    if isinstance(operation_id, str):
        operation = _record(conn, "operation", record_id=operation_id)
        if operation is None:
            return _reject(
                RejectReason.UNKNOWN_OPERATION, f"no operation {operation_id} on the hub"
            )
        if operation["work_center"] not in scope.work_centers:
            return _reject(
                RejectReason.WORK_CENTER_NOT_SERVED,
                f"operation {operation['name']} is at {operation['work_center']}, which station "
                f"{scope.station_id} does not serve",
            )
        order = _record(conn, "work_order", record_id=operation["work_order_id"])
        if event.type in _WORK_EVENTS and order is not None and order["status"] == "cancelled":
            flags.append(
                (FlagCode.WORK_ORDER_CANCELLED, f"work order {order['number']} was cancelled")
            )
    if isinstance(payload, MaterialConsumed | MaterialVerified):
        flags.extend(_lot_flags(conn, payload))
    if event.type == "maintenance.claimed":
        taken = _claim(
            conn, scope, event, f"maintenance_order:{event.payload['maintenance_order']}"
        )
        if taken is not None:
            return taken
    if flags:
        return Verdict(
            EventStatus.FLAGGED,
            ",".join(code.value for code, _ in flags),
            "; ".join(detail for _, detail in flags),
        )
    return Verdict(EventStatus.ACCEPTED)


def _lot_flags(
    conn: Connection, payload: MaterialConsumed | MaterialVerified
) -> list[tuple[FlagCode, str]]:
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
    return _reject(RejectReason.TAKEN, f"already taken by station {holder.station_id}")
