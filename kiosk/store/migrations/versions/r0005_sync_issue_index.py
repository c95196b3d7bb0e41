"""Sync: an index over the events the hub flagged or rejected, instead of over every answer.

The index on sync_status held an entry for every accepted event, and marking a batch
accepted had to move 500 entries in it: a third of what marking the batch cost. The sync
issues screen and the header's issue count need only the few flagged or rejected ones.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_event_sync_status", "event")
    op.create_index(
        "ix_event_sync_issue",
        "event",
        ["seq"],
        sqlite_where=sa.text("sync_status IN ('flagged', 'rejected')"),
    )
