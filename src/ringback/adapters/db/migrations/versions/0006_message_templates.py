"""Message templates and their A/B variants, stored by the users (issue 5).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
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
        "message_templates",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("audience", sa.String(), nullable=False),
        sa.Column("variant", sa.String(), nullable=False),
        sa.Column("step", sa.String(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "audience", "variant", name="pk_message_templates"),
    )


def downgrade() -> None:
    op.drop_table("message_templates")
