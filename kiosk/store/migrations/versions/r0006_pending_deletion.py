"""Reference rows the hub deleted while rows here still pointed at them.

Deleting such a row would fail the whole pull page at commit, and every retry with it;
it is kept and noted here, and deleted once nothing points at it any more.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_deletion",
        sa.Column("entity", sa.String(), primary_key=True),
        sa.Column("row_key", sa.String(), primary_key=True),
    )
