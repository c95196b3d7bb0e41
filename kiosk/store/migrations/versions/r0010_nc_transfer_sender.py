"""A machine program send is written down before it starts, with the process sending it, so
a send cut short by a crash or power loss is found and recorded as interrupted.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("nc_transfer", sa.Column("sender", sa.String(), nullable=True))
