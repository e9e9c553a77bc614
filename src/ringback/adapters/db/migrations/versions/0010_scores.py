"""An index on touches by outcome, for the lead score and analytics (issue 7).

The funnel (reached, engaged, won), the first connect of each contact, the inbound
answers of the call-back rates and the finished contacts the lead score learns from
(R11) all select touches by outcome; with this index they read only those touches,
not the whole history.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_touches_outcome_contact_id_at", "touches", ["outcome", "contact_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_touches_outcome_contact_id_at", table_name="touches")
