"""Accounts: users, API tokens, failed sign-ins; who a booked call-back is for (issue 4).

Users have roles (owner, admin, rep); contacts.owner holds a user name (see
domain/access.py). Booked next steps are ANYONE on the team or USERONLY: touches
and appointments record the scope, follow-up states the user it is reserved for.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_users()
    create_api_tokens()
    create_login_failures()
    with op.batch_alter_table("touches") as batch:
        batch.add_column(sa.Column("next_scope", sa.String(), nullable=True))
    with op.batch_alter_table("followup_state") as batch:
        batch.add_column(sa.Column("booked_for", sa.String(), nullable=True))
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("scope", sa.String(), nullable=False, server_default="anyone"))


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("scope")
    with op.batch_alter_table("followup_state") as batch:
        batch.drop_column("booked_for")
    with op.batch_alter_table("touches") as batch:
        batch.drop_column("next_scope")
    op.drop_table("login_failures")
    op.drop_table("api_tokens")
    op.drop_table("users")


def create_users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )


def create_api_tokens() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])


def create_login_failures() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index(
        "ix_login_failures_user_name_address_at",
        "login_failures",
        ["user_name", "address", "at"],
    )
