"""The central side's questions, answered from the events stations pushed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from hub.rules import routing
from hub.tables import event_ref, hub_event, record

_APPLIED = ("accepted", "flagged")


def _event(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "station_id": row.station_id,
        "epoch": row.epoch,
        "seq": row.seq,
        "type": row.type,
        "payload": json.loads(row.payload),
        "subject_id": row.subject_id,
        "user_id": row.user_id,
        "occurred_at": row.occurred_at,
        "received_at": row.received_at,
        "status": row.status,
        "reason": row.reason,
        "detail": row.detail,
    }


def _referring(
    conn: Connection, kind: str, value: str, types: tuple[str, ...]
) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(hub_event)
        .join(event_ref, event_ref.c.event_id == hub_event.c.id)
        .where(
            event_ref.c.kind == kind,
            event_ref.c.value == value,
            hub_event.c.type.in_(types),
            hub_event.c.status.in_(_APPLIED),
        )
        .order_by(hub_event.c.occurred_at, hub_event.c.no)
    )
    return [_event(row) for row in rows]


def _operation(conn: Connection, operation_id: str) -> dict[str, Any] | None:
    data = conn.execute(
        select(record.c.data).where(
            record.c.entity == "operation", record.c.record_id == operation_id
        )
    ).scalar()
    return None if data is None else dict(json.loads(data))


def operation_reports(conn: Connection, operation_id: str) -> dict[str, Any]:
    reports = _referring(conn, "operation", operation_id, ("operation.reported",))
    return {
        "operation_id": operation_id,
        "operation": _operation(conn, operation_id),
        "good": sum(int(r["payload"]["good"]) for r in reports),
        "scrap": sum(int(r["payload"]["scrap"]) for r in reports),
        "reports": reports,
    }


# What loads a lot at an operation: a scan the station found ok, a refused lot loaded on a
# team lead's word, a consumption.
_LOADS = ("material.verified", "material.overridden", "material.consumed")
# What records who worked an operation and when.
_WORK = ("operation.started", "operation.resumed", "operation.reported")


def _loaded(event: dict[str, Any]) -> bool:
    return event["type"] != "material.verified" or bool(event["payload"]["verdict"] == "ok")


def _routings(
    conn: Connection, operation_ids: Iterable[str]
) -> dict[str, tuple[dict[str, Any] | None, list[dict[str, Any]]]]:
    """Each operation's record and its work order's operations by seq: (None, []) for one
    the hub no longer has."""
    found: dict[str, list[dict[str, Any]]] = {}
    for operation_id in operation_ids:
        if operation_id not in found:
            operations = routing(conn, operation_id)
            found |= {operation["id"]: operations for operation in operations}
            found.setdefault(operation_id, [])
    return {
        operation_id: (next((op for op in ops if op["id"] == operation_id), None), ops)
        for operation_id, ops in found.items()
    }


def serial_genealogy(conn: Connection, sn: str) -> dict[str, Any]:
    """Every operation the unit went through, oldest first, with who worked it, when, on
    what equipment, and the lots loaded there. A unit's serial number is bound at some
    operations of its work order only: it went through every operation of that order up to
    the last one it was bound at (a board is placed before it is labelled)."""
    bindings: dict[str, dict[str, Any]] = {}
    for binding in _referring(conn, "sn", sn, ("serial.bound",)):
        bindings.setdefault(binding["payload"]["operation_id"], binding)
    routings = _routings(conn, bindings)
    passed: dict[str, dict[str, Any] | None] = {}
    for operation_id in bindings:  # by binding time: a reworked unit's first order first
        operation, operations = routings[operation_id]
        if operation is None:
            passed[operation_id] = None
        last = max([int(op["seq"]) for op in operations if op["id"] in bindings], default=0)
        for op in operations:
            if int(op["seq"]) <= last:
                passed.setdefault(op["id"], op)
    steps = []
    for operation_id, operation in passed.items():
        work = _referring(conn, "operation", operation_id, _WORK + _LOADS)
        bound = bindings.get(operation_id)
        done = [e for e in work if e["type"] in _WORK or _loaded(e)]
        if bound is not None:
            done.append(bound)
        starts = [e for e in work if e["type"] == "operation.started"]
        finals = [
            e for e in work if e["type"] == "operation.reported" and e["payload"].get("final")
        ]
        equipment = str(bound["payload"].get("equipment", "")) if bound is not None else ""
        steps.append(
            {
                "operation_id": operation_id,
                "operation": operation,
                "bound": bound,
                "bound_at": bound["occurred_at"] if bound is not None else None,
                "operators": sorted({e["user_id"] for e in done if e["user_id"]}),
                "equipment": [code for code in equipment.split(", ") if code],
                "lots": sorted({e["payload"]["lot_no"] for e in done if e["type"] in _LOADS}),
                "started_at": starts[0]["occurred_at"] if starts else None,
                "finished_at": finals[0]["occurred_at"] if finals else None,
            }
        )
    return {"sn": sn, "operations": steps}


def lot_where_used(conn: Connection, lot_no: str) -> dict[str, Any]:
    """The operations that loaded the lot, and the units built from it at each: those bound
    at that operation or a later one of its work order (a lot loaded at placement goes into
    the boards whose serial numbers are first bound at reflow)."""
    loads = [e for e in _referring(conn, "lot", lot_no, _LOADS) if _loaded(e)]
    by_operation: dict[str, list[dict[str, Any]]] = {}
    for load in loads:
        by_operation.setdefault(load["payload"]["operation_id"], []).append(load)
    routings = _routings(conn, by_operation)
    bound_at: dict[str, list[str]] = {}  # serial numbers by the operation they were bound at
    operations = []
    serials: set[str] = set()
    for operation_id, its_loads in by_operation.items():
        operation, order_operations = routings[operation_id]
        built_at = [
            op["id"]
            for op in order_operations
            if operation is not None and int(op["seq"]) >= int(operation["seq"])
        ] or [operation_id]
        for at in built_at:
            if at not in bound_at:
                bindings = _referring(conn, "operation", at, ("serial.bound",))
                bound_at[at] = [e["payload"]["sn"] for e in bindings]
        built = list(dict.fromkeys(sn for at in built_at for sn in bound_at[at]))
        operations.append(
            {
                "operation_id": operation_id,
                "operation": operation,
                "loads": its_loads,
                "serials": built,
            }
        )
        serials.update(built)
    return {"lot_no": lot_no, "loads": loads, "operations": operations, "serials": sorted(serials)}


def open_exceptions(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(hub_event)
        .where(
            hub_event.c.type.in_(("exception.raised", "exception.resolved")),
            hub_event.c.status.in_(_APPLIED),
        )
        .order_by(hub_event.c.no)
    )
    raised: dict[str, dict[str, Any]] = {}
    for row in rows:
        event = _event(row)
        exception_id = event["payload"]["exception_id"]
        if event["type"] == "exception.raised":
            raised[exception_id] = event
        else:
            raised.pop(exception_id, None)
    return list(raised.values())


def station_events(
    conn: Connection, station_id: str, after: int, limit: int
) -> list[dict[str, Any]]:
    """A station's events in its own order; `after` is the `no` of the last one already read."""
    rows = conn.execute(
        select(hub_event)
        .where(hub_event.c.station_id == station_id, hub_event.c.no > after)
        .order_by(hub_event.c.no)
        .limit(limit)
    )
    return [{"no": row.no, **_event(row)} for row in rows]


def flagged_events(conn: Connection, after: int, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(hub_event)
        .where(hub_event.c.status.in_(("flagged", "rejected")), hub_event.c.no > after)
        .order_by(hub_event.c.no)
        .limit(limit)
    )
    return [{"no": row.no, **_event(row)} for row in rows]
