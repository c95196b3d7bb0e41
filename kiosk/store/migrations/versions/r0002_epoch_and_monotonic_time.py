"""Station epoch, monotonic timing and subjects on events, outbox index.

The epoch lets the hub tell a station restored from an old backup from one that simply
resends; the monotonic reading (with the boot it belongs to) lets durations survive a
wall-clock change; the subject makes one thing's history an indexed lookup; the index on
synced_at keeps "what is unsent" cheap.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiosk.ids import new_id

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "station_meta",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    op.bulk_insert(meta, [{"key": "epoch", "value": new_id()}])
    with op.batch_alter_table("event") as batch:
        # Rows written before monotonic time was kept: mark them as from an unknown boot, so
        # durations spanning them fall back to wall time.
        batch.add_column(sa.Column("mono_ns", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("boot_id", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("subject_id", sa.String(), nullable=True))
    # Older events name their subject only in the payload: copy it out so their history
    # (an operation's timer, a user's lockout) is found like that of new ones.
    op.execute(
        "UPDATE event SET subject_id = json_extract(payload, '$.operation_id') "
        "WHERE type LIKE 'operation.%'"
    )
    op.execute("UPDATE event SET subject_id = user_id WHERE type LIKE 'auth.%'")
    op.create_index("ix_event_synced_at", "event", ["synced_at"])
    op.create_index("ix_event_subject_id", "event", ["subject_id"])
