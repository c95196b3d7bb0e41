"""Exceptions (andon), equipment states, daily checks, maintenance orders and their parts,
machine program transfers; the machine program an operation needs.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(40), nullable=nullable)


def upgrade() -> None:
    # A plain ADD COLUMN: a batch copy would drop a table other tables' keys point at.
    op.add_column("operation", sa.Column("nc_program", sa.String(), nullable=True))
    op.add_column("operation", sa.Column("nc_version", sa.Integer(), nullable=True))
    op.create_table(
        "andon",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("work_center", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("equipment", sa.String(), nullable=False),
        sa.Column("operation_id", sa.String(), nullable=True),
        _when("raised_at"),
        sa.Column("raised_by", sa.String(), nullable=True),
        sa.Column("raised_mono_ns", sa.Integer(), nullable=False),
        sa.Column("raised_boot", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        _when("acknowledged_at", nullable=True),
        sa.Column("acknowledged_by", sa.String(), nullable=True),
        sa.Column("ack_seconds", sa.Float(), nullable=True),
        _when("resolved_at", nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("resolve_seconds", sa.Float(), nullable=True),
        sa.Column("cause", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("resolution_note", sa.String(), nullable=False),
    )
    op.create_index("ix_andon_work_center", "andon", ["work_center"])
    op.create_index("ix_andon_resolved_at", "andon", ["resolved_at"])
    op.create_table(
        "equipment_state",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("equipment", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=True),
        _when("changed_at"),
        sa.Column("mono_ns", sa.Integer(), nullable=False),
        sa.Column("boot_id", sa.String(), nullable=False),
        sa.Column("maintenance_order_id", sa.String(), nullable=True),
    )
    op.create_index(
        "ix_equipment_state_equipment_changed", "equipment_state", ["equipment", "changed_at"]
    )
    op.create_table(
        "daily_check",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("equipment", sa.String(), nullable=False),
        _when("shift_start"),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        _when("done_at"),
        sa.Column("done_by", sa.String(), nullable=True),
        sa.Column("exception_id", sa.String(), nullable=True),
        _when("released_at", nullable=True),
        sa.Column("released_by", sa.String(), nullable=True),
    )
    op.create_index("ix_daily_check_equipment_shift", "daily_check", ["equipment", "shift_start"])
    op.create_table(
        "maintenance_order",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("number", sa.String(), nullable=False, unique=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("equipment", sa.String(), nullable=False),
        sa.Column("plan_code", sa.String(), nullable=True),
        sa.Column("exception_id", sa.String(), nullable=True),
        sa.Column("down_state_id", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        _when("opened_at"),
        sa.Column("opened_by", sa.String(), nullable=True),
        _when("claimed_at", nullable=True),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("cause", sa.String(), nullable=False),
        sa.Column("actions", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("labour_seconds", sa.Float(), nullable=False),
        _when("done_at", nullable=True),
        sa.Column("done_by", sa.String(), nullable=True),
        _when("confirmed_at", nullable=True),
        sa.Column("confirmed_by", sa.String(), nullable=True),
        sa.Column("downtime_seconds", sa.Float(), nullable=True),
    )
    op.create_index("ix_maintenance_order_equipment", "maintenance_order", ["equipment"])
    op.create_index("ix_maintenance_order_status", "maintenance_order", ["status"])
    op.create_table(
        "maintenance_part",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("order_id", sa.String(), sa.ForeignKey("maintenance_order.id"), nullable=False),
        sa.Column("item_code", sa.String(), nullable=False),
        sa.Column("qty", sa.Float(), nullable=False),
        sa.Column("lot_no", sa.String(), nullable=False),
        _when("used_at"),
        sa.Column("user_id", sa.String(), nullable=True),
    )
    op.create_index("ix_maintenance_part_order_id", "maintenance_part", ["order_id"])
    op.create_table(
        "nc_transfer",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("operation_id", sa.String(), nullable=True),
        sa.Column("equipment", sa.String(), nullable=False),
        sa.Column("program", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        _when("sent_at"),
        sa.Column("user_id", sa.String(), nullable=True),
    )
    op.create_index("ix_nc_transfer_operation_id", "nc_transfer", ["operation_id"])
