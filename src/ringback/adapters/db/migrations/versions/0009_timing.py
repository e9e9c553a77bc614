"""Answer counts per segment × local weekday × hour and their watermark (R16, issue 7).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_counts",
        sa.Column("segment", sa.String(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("segment", "weekday", "hour", name="pk_answer_counts"),
    )
    watermark = op.create_table(
        "answer_watermark",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_touch_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answer_watermark"),
    )
    op.bulk_insert(watermark, [{"id": 1, "last_touch_id": 0}])


def downgrade() -> None:
    op.drop_table("answer_watermark")
    op.drop_table("answer_counts")
