"""Opening a maintenance order inside a caller's transaction: maintenance opens preventive
ones, and a machine going down or an equipment exception opens a corrective one. No Textual."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from kiosk.clock import Clock
from kiosk.ids import new_id, short_code
from kiosk.store.models import MaintenanceOrder
from kiosk.store.outbox import Outbox

OPENED = "maintenance.opened"
CORRECTIVE = "corrective"
PREVENTIVE = "preventive"
OPEN_STATUSES = ("open", "claimed", "done")  # "closed" once the machine is confirmed working


@dataclass(frozen=True)
class Opening:
    kind: str  # CORRECTIVE or PREVENTIVE
    equipment: str
    title: str = ""
    plan_code: str | None = None
    exception_id: str | None = None
    down_state_id: str | None = None


# A corrective order whose repair is recorded ("done") no longer answers a breakdown: the
# machine going down again after it is a new breakdown, with an order of its own.
_REPAIR_PENDING = ("open", "claimed")


def open_corrective_for(session: Session, equipment: str) -> MaintenanceOrder | None:
    """The equipment's corrective order not yet repaired, if any: one breakdown, one order."""
    return session.exec(
        select(MaintenanceOrder).where(
            MaintenanceOrder.equipment == equipment,
            MaintenanceOrder.kind == CORRECTIVE,
            col(MaintenanceOrder.status).in_(_REPAIR_PENDING),
        )
    ).first()


def open_in(
    session: Session, outbox: Outbox, clock: Clock, opening: Opening, user_id: str | None
) -> MaintenanceOrder:
    """Add the order (status "open") and its `maintenance.opened` event."""
    order_id = new_id()
    order = MaintenanceOrder(
        id=order_id,
        number=f"MO-{clock.now().astimezone():%y%m%d}-{short_code(order_id)[:5]}",
        kind=opening.kind,
        equipment=opening.equipment,
        plan_code=opening.plan_code,
        exception_id=opening.exception_id,
        down_state_id=opening.down_state_id,
        status="open",
        title=opening.title,
        opened_at=clock.now(),
        opened_by=user_id,
    )
    session.add(order)
    outbox.append(
        session,
        OPENED,
        {
            "maintenance_order": order.id,
            "number": order.number,
            "kind": opening.kind,
            "equipment": opening.equipment,
            "plan": opening.plan_code,
            "exception_id": opening.exception_id,
        },
        user_id,
        subject_id=order.id,
    )
    return order
