"""The schema, in SQLAlchemy Core. Migrations must produce exactly these tables.

Enums are stored as their string values (plain VARCHAR, so adding a value needs
no migration); instants as UTC (see UTCDateTime); small collections as JSON.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    or_,
)

from ringback.adapters.db.coltypes import UTCDateTime

# Explicit constraint names: Alembic's batch mode on SQLite can only alter named ones.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _contact_fk() -> ForeignKey:
    return ForeignKey("contacts.id", ondelete="CASCADE")


contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("full_name", String, nullable=False),
    Column("first_name", String, nullable=False),
    # Case-folded copies for lookups: SQLite's lower() only folds ASCII, so the
    # keys are computed in Python and indexed as plain columns on both databases.
    Column("name_key", String, nullable=False),
    Column("email", String),
    Column("email_key", String),
    Column("address", Text),
    Column("country", String),
    Column("subdivision", String),
    Column("company", String),
    Column("title", String),
    Column("segment", String),
    Column("tags", JSON, nullable=False),
    Column("fields", JSON, nullable=False),
    Column("owner", String),
    Column("referred_by", String),
    Column("reason", Text),
    Column("timezone", String, nullable=False),
    Column("timezone_candidates", JSON, nullable=False),
    Column("timezone_source", String, nullable=False),
    Column("preferred_windows", JSON, nullable=False),
    Column("preferred_channel", String),
    Column("email_first", Boolean, nullable=False),
    Column("personal", Boolean, nullable=False),
    Column("cadence", String),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_contacts_email_key", "email_key"),
    Index("ix_contacts_segment", "segment"),
    Index("ix_contacts_owner", "owner"),
)

contact_phones = Table(
    "contact_phones",
    metadata,
    Column("contact_id", Integer, _contact_fk(), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("e164", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("country", String),
    Column("timezones", JSON, nullable=False),
    Index("ix_contact_phones_e164", "e164"),
    # Clustered on the primary key: one B-tree fewer to write per imported phone.
    sqlite_with_rowid=False,
)

touches = Table(
    "touches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, _contact_fk(), nullable=False),
    Column("channel", String, nullable=False),
    Column("direction", String, nullable=False),
    Column("outcome", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("duration_s", Integer),
    Column("notes", Text),
    Column("template", String),
    Column("user_name", String),
    Column("next_at", UTCDateTime),
    Column("next_kind", String),
    Column("next_scope", String),  # CallbackScope of the booked next step; NULL: anyone
    Column("phone", String),
    Column("external_id", String, unique=True),
    Index("ix_touches_contact_id_at", "contact_id", "at"),
    # Funnel, first connects, call-back answers and the lead score's labels (issue 7).
    Index("ix_touches_outcome_contact_id_at", "outcome", "contact_id", "at"),
)

followup_state = Table(
    "followup_state",
    metadata,
    Column("contact_id", Integer, _contact_fk(), primary_key=True),
    Column("status", String, nullable=False),
    Column("last_touch_at", UTCDateTime),
    Column("last_outbound_at", UTCDateTime),
    Column("last_conversation_at", UTCDateTime),
    Column("last_response_at", UTCDateTime),
    Column("last_call_at", UTCDateTime),
    Column("last_voicemail_at", UTCDateTime),
    Column("attempts", Integer, nullable=False),
    Column("calls_unanswered_in_row", Integer, nullable=False),
    Column("silent_calls_in_row", Integer, nullable=False),
    Column("voicemails_unanswered", Integer, nullable=False),
    Column("emails_unanswered", Integer, nullable=False),
    Column("letters_unanswered", Integer, nullable=False),
    Column("never_answered", Boolean, nullable=False),
    Column("bad_numbers", JSON, nullable=False),
    Column("email_bounced", Boolean, nullable=False),
    Column("promised_at", UTCDateTime),
    Column("appointment_at", UTCDateTime),
    Column("booked_for", String),
    Column("next_due_at", UTCDateTime),
    Column("recent", JSON, nullable=False),
    Column("email_opted_out", Boolean, nullable=False, server_default=false()),
    Index("ix_followup_state_next_due_at", "next_due_at"),
    Index("ix_followup_state_status_next_due_at", "status", "next_due_at"),
)

# The planner reads booked states first (R3, R4, R18): a partial index keeps them apart.
BOOKED = or_(
    followup_state.c.appointment_at.is_not(None), followup_state.c.promised_at.is_not(None)
)
Index(
    "ix_followup_state_booked",
    followup_state.c.next_due_at,
    sqlite_where=BOOKED,
    postgresql_where=BOOKED,
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, _contact_fk(), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("uid", String, nullable=False, unique=True),
    Column("title", String, nullable=False),
    Column("we_call", Boolean, nullable=False),
    Column("phone", String),
    Column("user_name", String),
    Column("sequence", Integer, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("scope", String, nullable=False, server_default="anyone"),
    Index("ix_appointments_starts_at", "starts_at"),
    Index("ix_appointments_contact_id", "contact_id"),
)

# User-defined cadences (issue 3): the definition is cadence_to_dict's plain data.
cadences = Table(
    "cadences",
    metadata,
    Column("key", String, primary_key=True),
    Column("definition", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# The cadence each segment follows when a contact names none of its own.
segment_cadences = Table(
    "segment_cadences",
    metadata,
    Column("segment", String, primary_key=True),
    Column("cadence_key", String, nullable=False),
)

# Accounts (issue 4): see domain/access.py for roles and the ownership model.
# `name` is what contacts.owner and touches.user_name hold.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("role", String, nullable=False),
    Column("password_hash", String),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("phone", String),  # E.164: the phone click-to-call rings for this user
)

# API bearer tokens: only a SHA-256 of the secret is kept.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String, nullable=False),
    Column("token_hash", String, nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_api_tokens_user_id", "user_id"),
)

# Failed sign-ins, for the login rate limit; shared by every app instance.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_name", String, nullable=False),
    Column("address", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_login_failures_user_name_address_at", "user_name", "address", "at"),
)

# The team's settings edited on the Settings page (issue 4): calling windows and caps
# (the guardrail policy, R5/R14) and the default region; `value` is plain data.
app_settings = Table(
    "app_settings",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Message templates written or edited by the users (issue 5); the defaults ship as
# package data (ringback/messages). One row per key, audience and variant (A/B).
message_templates = Table(
    "message_templates",
    metadata,
    Column("key", String, primary_key=True),
    Column("audience", String, primary_key=True),
    Column("variant", String, primary_key=True),
    Column("step", String, nullable=False),
    Column("subject", Text),
    Column("body", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# R16: answer/attempt counts of outbound calls per segment × contact-local weekday ×
# hour ("" for contacts without a segment), folded in incrementally: the single
# watermark row holds the id of the last touch already counted.
answer_counts = Table(
    "answer_counts",
    metadata,
    Column("segment", String, primary_key=True),
    Column("weekday", Integer, primary_key=True),
    Column("hour", Integer, primary_key=True),
    Column("answers", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
)

answer_watermark = Table(
    "answer_watermark",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_touch_id", Integer, nullable=False),
)

# Email out (issue 6): every message is a row before it is sent. `message` is the whole
# MIME message as sent; `message_id` its Message-ID, also the sent touch's external_id.
# Workers claim due rows (state queued, next_attempt_at passed) by moving them to
# `sending`; a claim older than the lease is taken again (a worker died mid-send).
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, _contact_fk(), nullable=False),
    Column("user_name", String),
    Column("kind", String, nullable=False),
    Column("template", String),
    Column("to_address", String, nullable=False),
    Column("subject", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("message_id", String, nullable=False, unique=True),
    Column("state", String, nullable=False),
    Column("permanent", Boolean, nullable=False, server_default=false()),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
    Index("ix_outbox_contact_id", "contact_id"),
)

# Replies in (issue 6): the last UID read per mailbox, so IMAP polls are incremental.
# A new UIDVALIDITY means the server renumbered the mailbox: reading starts again.
mailbox_cursors = Table(
    "mailbox_cursors",
    metadata,
    Column("mailbox", String, primary_key=True),
    Column("uidvalidity", Integer, nullable=False),
    Column("last_uid", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Phone calls reported by a telephony provider (issue 6), by the provider's own id:
# retried callbacks find the row instead of logging twice.
calls = Table(
    "calls",
    metadata,
    Column("provider", String, primary_key=True),
    Column("call_id", String, primary_key=True),
    Column("direction", String, nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="SET NULL")),
    Column("user_name", String),
    Column("from_number", String, nullable=False),
    Column("to_number", String, nullable=False),
    Column("status", String, nullable=False),
    Column("outcome", String),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_calls_contact_id", "contact_id"),
)

# Webhook events already accepted (a call's id and event name): a duplicate is known.
call_events = Table(
    "call_events",
    metadata,
    Column("provider", String, primary_key=True),
    Column("call_id", String, primary_key=True),
    Column("event", String, primary_key=True),
    Column("received_at", UTCDateTime, nullable=False),
)
