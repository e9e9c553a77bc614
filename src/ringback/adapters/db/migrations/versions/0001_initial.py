"""Initial schema: contacts and their phones, touches, follow-up state, appointments.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def utc_instant(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def contact_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["contact_id"], ["contacts.id"], name=f"fk_{table}_contact_id_contacts", ondelete="CASCADE"
    )


def upgrade() -> None:
    create_contacts()
    create_contact_phones()
    create_touches()
    create_followup_state()
    create_appointments()


def downgrade() -> None:
    for table in ("appointments", "followup_state", "touches", "contact_phones", "contacts"):
        op.drop_table(table)


def create_contacts() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("first_name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("email_key", sa.String(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("country", sa.String(), nullable=True),
        sa.Column("subdivision", sa.String(), nullable=True),
        sa.Column("company", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("segment", sa.String(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("referred_by", sa.String(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("timezone_candidates", sa.JSON(), nullable=False),
        sa.Column("timezone_source", sa.String(), nullable=False),
        sa.Column("preferred_windows", sa.JSON(), nullable=False),
        sa.Column("preferred_channel", sa.String(), nullable=True),
        sa.Column("email_first", sa.Boolean(), nullable=False),
        sa.Column("personal", sa.Boolean(), nullable=False),
        sa.Column("cadence", sa.String(), nullable=True),
        utc_instant("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contacts"),
    )
    op.create_index("ix_contacts_email_key", "contacts", ["email_key"])
    op.create_index("ix_contacts_segment", "contacts", ["segment"])
    op.create_index("ix_contacts_owner", "contacts", ["owner"])


def create_contact_phones() -> None:
    op.create_table(
        "contact_phones",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("country", sa.String(), nullable=True),
        sa.Column("timezones", sa.JSON(), nullable=False),
        contact_fk("contact_phones"),
        sa.PrimaryKeyConstraint("contact_id", "position", name="pk_contact_phones"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_contact_phones_e164", "contact_phones", ["e164"])


def create_touches() -> None:
    op.create_table(
        "touches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        utc_instant("at", nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("template", sa.String(), nullable=True),
        sa.Column("user_name", sa.String(), nullable=True),
        utc_instant("next_at"),
        sa.Column("next_kind", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("external_id", sa.String(), nullable=True),
        contact_fk("touches"),
        sa.PrimaryKeyConstraint("id", name="pk_touches"),
        sa.UniqueConstraint("external_id", name="uq_touches_external_id"),
    )
    op.create_index("ix_touches_contact_id_at", "touches", ["contact_id", "at"])


def create_followup_state() -> None:
    op.create_table(
        "followup_state",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        utc_instant("last_touch_at"),
        utc_instant("last_outbound_at"),
        utc_instant("last_conversation_at"),
        utc_instant("last_response_at"),
        utc_instant("last_call_at"),
        utc_instant("last_voicemail_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("calls_unanswered_in_row", sa.Integer(), nullable=False),
        sa.Column("silent_calls_in_row", sa.Integer(), nullable=False),
        sa.Column("voicemails_unanswered", sa.Integer(), nullable=False),
        sa.Column("emails_unanswered", sa.Integer(), nullable=False),
        sa.Column("letters_unanswered", sa.Integer(), nullable=False),
        sa.Column("never_answered", sa.Boolean(), nullable=False),
        sa.Column("bad_numbers", sa.JSON(), nullable=False),
        sa.Column("email_bounced", sa.Boolean(), nullable=False),
        utc_instant("promised_at"),
        utc_instant("appointment_at"),
        utc_instant("next_due_at"),
        sa.Column("recent", sa.JSON(), nullable=False),
        contact_fk("followup_state"),
        sa.PrimaryKeyConstraint("contact_id", name="pk_followup_state"),
    )
    op.create_index("ix_followup_state_next_due_at", "followup_state", ["next_due_at"])
    op.create_index(
        "ix_followup_state_status_next_due_at", "followup_state", ["status", "next_due_at"]
    )


def create_appointments() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        utc_instant("starts_at", nullable=False),
        utc_instant("ends_at", nullable=False),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("we_call", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("user_name", sa.String(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        contact_fk("appointments"),
        sa.PrimaryKeyConstraint("id", name="pk_appointments"),
        sa.UniqueConstraint("uid", name="uq_appointments_uid"),
    )
    op.create_index("ix_appointments_starts_at", "appointments", ["starts_at"])
    op.create_index("ix_appointments_contact_id", "appointments", ["contact_id"])
