"""Quality inspection: inspection tasks, their results, signed dispositions, and the
ISO 2859-1 switching state of each final inspection plan.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(40), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "inspection",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("plan_code", sa.String(), nullable=False),
        sa.Column("plan", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("item_code", sa.String(), nullable=False),
        sa.Column("operation_id", sa.String(), sa.ForeignKey("operation.id"), nullable=True),
        sa.Column("work_center", sa.String(), nullable=False),
        sa.Column("trigger", sa.String(), nullable=False),
        sa.Column("lot_size", sa.Integer(), nullable=True),
        sa.Column("code_letter", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("accept", sa.Integer(), nullable=False),
        sa.Column("reject", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        _when("raised_at"),
        sa.Column("raised_mono_ns", sa.Integer(), nullable=False),
        sa.Column("raised_boot", sa.String(), nullable=False),
        _when("judged_at", nullable=True),
        sa.Column("judged_by", sa.String(), nullable=True),
        sa.Column("nonconforming", sa.Integer(), nullable=True),
    )
    op.create_index("ix_inspection_plan_code", "inspection", ["plan_code"])
    op.create_index("ix_inspection_operation_id", "inspection", ["operation_id"])
    op.create_index("ix_inspection_status", "inspection", ["status"])
    op.create_table(
        "inspection_result",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("inspection_id", sa.String(), sa.ForeignKey("inspection.id"), nullable=False),
        sa.Column("sample_no", sa.Integer(), nullable=False),
        sa.Column("characteristic", sa.String(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("defect", sa.String(), nullable=False),
        _when("entered_at"),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.UniqueConstraint("inspection_id", "sample_no", "characteristic"),
    )
    op.create_index("ix_inspection_result_inspection_id", "inspection_result", ["inspection_id"])
    op.create_table(
        "disposition",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column(
            "inspection_id",
            sa.String(),
            sa.ForeignKey("inspection.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("signer_id", sa.String(), nullable=False),
        sa.Column("signer_name", sa.String(), nullable=False),
        _when("signed_at"),
        sa.Column("meaning", sa.String(), nullable=False),
    )
    op.create_table(
        "qc_switching",
        sa.Column("plan_code", sa.String(), primary_key=True),
        sa.Column("state", sa.String(), nullable=False),
    )
