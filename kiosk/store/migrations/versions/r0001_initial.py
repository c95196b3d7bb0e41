"""Initial station schema: reference data and the event outbox.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("employee_no", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("badge_hash", sa.String(), nullable=False),
        sa.Column("pin_hash", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_user_employee_no", "user", ["employee_no"], unique=True)
    op.create_index("ix_user_badge_hash", "user", ["badge_hash"], unique=True)
    op.create_table(
        "work_center",
        sa.Column("code", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
    )
    op.create_table(
        "item",
        sa.Column("code", sa.String(), primary_key=True),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
    )
    op.create_table(
        "work_order",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("item_code", sa.String(), sa.ForeignKey("item.code"), nullable=False),
        sa.Column("qty_planned", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_index("ix_work_order_number", "work_order", ["number"], unique=True)
    op.create_table(
        "operation",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("work_order_id", sa.String(), sa.ForeignKey("work_order.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("work_center", sa.String(), sa.ForeignKey("work_center.code"), nullable=False),
        sa.Column("qty_planned", sa.Integer(), nullable=False),
        sa.Column("qty_good", sa.Integer(), nullable=False),
        sa.Column("qty_scrap", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("sop_code", sa.String(), nullable=True),
        sa.UniqueConstraint("work_order_id", "seq"),
    )
    op.create_index("ix_operation_work_order_id", "operation", ["work_order_id"])
    op.create_index("ix_operation_work_center", "operation", ["work_center"])
    op.create_table(
        "bom_line",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("operation_id", sa.String(), sa.ForeignKey("operation.id"), nullable=False),
        sa.Column("item_code", sa.String(), sa.ForeignKey("item.code"), nullable=False),
        sa.Column("qty_per_unit", sa.Float(), nullable=False),
    )
    op.create_index("ix_bom_line_operation_id", "bom_line", ["operation_id"])
    op.create_table(
        "material_lot",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("lot_no", sa.String(), nullable=False),
        sa.Column("item_code", sa.String(), sa.ForeignKey("item.code"), nullable=False),
        sa.Column("qty", sa.Float(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("supplier", sa.String(), nullable=False),
    )
    op.create_index("ix_material_lot_lot_no", "material_lot", ["lot_no"], unique=True)
    op.create_index("ix_material_lot_item_code", "material_lot", ["item_code"])
    op.create_table(
        "sop_document",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.UniqueConstraint("code", "version", "language"),
    )
    op.create_index("ix_sop_document_code", "sop_document", ["code"])
    op.create_table(
        "event",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("synced_at", sa.String(40), nullable=True),
    )
    op.create_index("ix_event_type", "event", ["type"])
    op.create_index("ix_event_user_id", "event", ["user_id"])
