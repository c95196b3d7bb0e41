"""Serial numbers bound to operations, work reports, the material handler's picks and
deliveries, finished goods received; routing flags for serial binding.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch copy would drop a table other tables' keys point at.
    for name in ("binds_serials", "needs_previous_op"):
        op.add_column(
            "operation", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "serial_unit",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("sn", sa.String(), nullable=False),
        sa.Column("operation_id", sa.String(), sa.ForeignKey("operation.id"), nullable=False),
        sa.Column("work_order_id", sa.String(), sa.ForeignKey("work_order.id"), nullable=False),
        sa.Column("equipment", sa.String(), nullable=False, server_default=""),
        sa.Column("bound_at", sa.String(40), nullable=False),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("report_id", sa.String(), nullable=True),
        sa.Column("scrapped", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("sn", "operation_id"),
    )
    op.create_index("ix_serial_unit_sn", "serial_unit", ["sn"])
    # The units an operation has not reported yet; and a work order's units, which a
    # deleted work order's foreign key check reads.
    op.create_index("ix_serial_unit_operation_report", "serial_unit", ["operation_id", "report_id"])
    op.create_index("ix_serial_unit_work_order_id", "serial_unit", ["work_order_id"])
    # Traceability looks loads up by lot (lot → every unit built from it).
    op.create_index("ix_material_load_lot_no", "material_load", ["lot_no"])
    op.create_table(
        "work_report",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("operation_id", sa.String(), sa.ForeignKey("operation.id"), nullable=False),
        sa.Column("good", sa.Integer(), nullable=False),
        sa.Column("scrap", sa.Integer(), nullable=False),
        sa.Column("scrap_reason", sa.String(), nullable=True),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("labour_seconds", sa.Float(), nullable=False),
        sa.Column("reported_at", sa.String(40), nullable=False),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("approved_by", sa.String(), nullable=True),
    )
    op.create_index("ix_work_report_operation_id", "work_report", ["operation_id"])
    op.create_table(
        "material_pick",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("work_order_id", sa.String(), sa.ForeignKey("work_order.id"), nullable=False),
        sa.Column("lot_no", sa.String(), nullable=False),
        sa.Column("item_code", sa.String(), nullable=False),
        sa.Column("qty", sa.Float(), nullable=False),
        sa.Column("picked_at", sa.String(40), nullable=False),
        sa.Column("picked_by", sa.String(), nullable=True),
        sa.Column("delivered_to", sa.String(), nullable=True),
        sa.Column("delivered_at", sa.String(40), nullable=True),
        sa.Column("delivered_by", sa.String(), nullable=True),
        sa.UniqueConstraint("work_order_id", "lot_no"),
    )
    op.create_index("ix_material_pick_work_order_id", "material_pick", ["work_order_id"])
    op.create_index("ix_material_pick_lot_no", "material_pick", ["lot_no"])
    op.create_table(
        "goods_receipt",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("item_code", sa.String(), nullable=False),
        sa.Column("lot_no", sa.String(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("serials", sa.Text(), nullable=False, server_default=""),
        sa.Column("received_at", sa.String(40), nullable=False),
        sa.Column("received_by", sa.String(), nullable=True),
        sa.UniqueConstraint("item_code", "lot_no"),
    )
