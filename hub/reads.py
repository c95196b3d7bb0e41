"""The central side's questions, answered from the events stations pushed."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

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


def serial_genealogy(conn: Connection, sn: str) -> dict[str, Any]:
    """Every operation the unit went through, who worked it, and the lots it consumed."""
    steps = []
    for bound in _referring(conn, "sn", sn, ("serial.bound",)):
        operation_id = bound["payload"]["operation_id"]
        work = _referring(
            conn,
            "operation",
            operation_id,
            ("operation.started", "operation.resumed", "material.consumed"),
        )
        steps.append(
            {
                "operation_id": operation_id,
                "operation": _operation(conn, operation_id),
                "bound": bound,
                "operators": sorted({e["user_id"] for e in work if e["user_id"]}),
                "lots": sorted(
                    {e["payload"]["lot_no"] for e in work if e["type"] == "material.consumed"}
                ),
                "equipment": sorted(
                    {str(e["payload"]["equipment"]) for e in work if "equipment" in e["payload"]}
                ),
            }
        )
    return {"sn": sn, "operations": steps}


def lot_where_used(conn: Connection, lot_no: str) -> dict[str, Any]:
    """The operations that consumed the lot and every serial number built in them."""
    uses = _referring(conn, "lot", lot_no, ("material.consumed",))
    operation_ids = sorted({u["payload"]["operation_id"] for u in uses})
    serials = sorted(
        {
            e["payload"]["sn"]
            for operation_id in operation_ids
            for e in _referring(conn, "operation", operation_id, ("serial.bound",))
        }
    )
    return {"lot_no": lot_no, "consumed": uses, "operations": operation_ids, "serials": serials}


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
