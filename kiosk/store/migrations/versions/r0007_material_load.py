"""Lots loaded for an operation, verified at the station or overridden by a team lead.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "material_load",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("operation_id", sa.String(), sa.ForeignKey("operation.id"), nullable=False),
        sa.Column("lot_no", sa.String(), nullable=False),
        sa.Column("item_code", sa.String(), nullable=False),
        sa.Column("qty", sa.Float(), nullable=False),
        sa.Column("loaded_at", sa.String(40), nullable=False),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.UniqueConstraint("operation_id", "lot_no"),
    )
    op.create_index("ix_material_load_operation_id", "material_load", ["operation_id"])
