"""The exceptions of the station's lines from the hub, written into its `andon` table so
every terminal of a line shows them; offline, the station shows what it last had.

Only what the hub knows more of is written: an exception another station raised, an
acknowledgement, a higher level, a resolution. Nothing the station holds is taken back (an
acknowledgement or resolution made here and not yet pushed stays), and a row raised here is
never deleted: until the hub has its events, the station is its authority.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from kiosk.store.database import Store
from kiosk.store.models import Andon
from sync.protocol import (
    MAX_ASKED_EXCEPTIONS,
    LineExceptionsResponse,
    OpenException,
    ResolvedException,
)


def open_here(store: Store) -> list[str]:
    """The exceptions this station shows as open, oldest first, to ask the hub about."""
    with store.read() as session:
        rows = session.exec(
            select(Andon.id)
            .where(col(Andon.resolved_at).is_(None))
            .order_by(col(Andon.raised_at))
            .limit(MAX_ASKED_EXCEPTIONS)
        )
        return list(rows)


def apply_line_exceptions(
    store: Store, asked: Sequence[str], answer: LineExceptionsResponse
) -> None:
    """Write the hub's answer to a question about `asked`, in one transaction."""
    listed = {item.exception_id: item for item in answer.open}
    resolved = {item.exception_id: item for item in answer.resolved}
    with store.write() as session:
        wanted = sorted({*listed, *asked})
        rows: dict[str, Andon] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows |= {
                row.id: row for row in session.exec(select(Andon).where(col(Andon.id).in_(chunk)))
            }
        for exception_id, item in listed.items():
            row = rows.get(exception_id)
            if row is None:
                session.add(_new_row(item))
            else:
                _learn_open(row, item)
        for exception_id in asked:
            row = rows.get(exception_id)
            if row is None or row.resolved_at is not None or exception_id in listed:
                continue
            if exception_id in resolved:
                _learn_resolved(row, resolved[exception_id])
            elif row.station_id != store.station_id:
                # Neither open on this station's lines nor resolved there: moved off them.
                session.delete(row)


def _new_row(item: OpenException) -> Andon:
    # No monotonic reading from another station's clock: raised_mono_ns stays 0.
    return Andon(
        id=item.exception_id,
        station_id=item.station_id,
        work_center=item.work_center,
        category=item.category,
        severity=item.severity,
        note=item.note,
        equipment=item.equipment,
        operation_id=item.operation_id,
        raised_at=item.raised_at,
        raised_by=item.raised_by,
        level=item.level,
        acknowledged_at=item.acknowledged_at,
        acknowledged_by=item.acknowledged_by,
        ack_seconds=item.ack_seconds,
    )


def _learn_open(row: Andon, item: OpenException) -> None:
    row.level = max(row.level, item.level)
    if row.acknowledged_at is None and item.acknowledged_at is not None:
        row.acknowledged_at = item.acknowledged_at
        row.acknowledged_by = item.acknowledged_by
        row.ack_seconds = item.ack_seconds


def _learn_resolved(row: Andon, item: ResolvedException) -> None:
    row.resolved_at = item.resolved_at
    row.resolved_by = item.resolved_by
    row.resolve_seconds = item.resolve_seconds
    row.cause = item.cause
    row.action = item.action
    row.resolution_note = item.note
