"""Sync: the hub's answer on each event, reference data without a table of its own yet.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        # NULL until the hub answered; then accepted, flagged or rejected.
        batch.add_column(sa.Column("sync_status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("sync_reason", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("sync_detail", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_event_sync_status", "event", ["sync_status"])
    # Replaces the index on synced_at, which SQLite preferred and then had to sort.
    op.drop_index("ix_event_synced_at", "event")
    op.create_index("ix_event_unsent", "event", ["seq"], sqlite_where=sa.text("synced_at IS NULL"))
    op.create_table(
        "reference_record",
        sa.Column("entity", sa.String(), primary_key=True),
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_table(
        "resync_seen",
        sa.Column("entity", sa.String(), primary_key=True),
        sa.Column("row_key", sa.String(), primary_key=True),
    )
