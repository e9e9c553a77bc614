"""User-defined cadences and the cadence each segment follows (issue 3).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cadences",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_cadences"),
    )
    op.create_table(
        "segment_cadences",
        sa.Column("segment", sa.String(), nullable=False),
        sa.Column("cadence_key", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("segment", name="pk_segment_cadences"),
    )


def downgrade() -> None:
    op.drop_table("segment_cadences")
    op.drop_table("cadences")
