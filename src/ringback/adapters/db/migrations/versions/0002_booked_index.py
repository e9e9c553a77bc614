"""A partial index on follow-up states with an appointment or promised call-back.

The planner reads every booked state due in its range first (R3, R4, R18); without
this index that read would scan every due state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BOOKED = "appointment_at IS NOT NULL OR promised_at IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_followup_state_booked",
        "followup_state",
        ["next_due_at"],
        sqlite_where=sa.text(BOOKED),
        postgresql_where=sa.text(BOOKED),
    )


def downgrade() -> None:
    op.drop_index("ix_followup_state_booked", table_name="followup_state")
