"""Outgoing email as jobs (issue 6): states, retries and backoff. Pure: time is passed in.

A job is queued, claimed by one worker (sending), then sent or failed. A failure
the server calls temporary (SMTP 4xx, a dropped connection) is retried later with
exponential backoff; a permanent one (5xx) or too many attempts ends the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ringback.domain.errors import InvalidField, RingbackError, RuleRefusal
from ringback.domain.model import Contact, FollowUpState, Status


class JobState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class JobKind(StrEnum):
    EMAIL = "email"  # a cadence email, rendered from a template
    INVITE = "invite"  # an appointment invite, update or cancellation (R3)


FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 8
# A claim older than this belongs to a worker that died mid-send: take it again.
CLAIM_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class OutboxJob:
    contact_id: int
    kind: JobKind
    to_address: str
    subject: str
    message: str  # the whole MIME message as sent
    message_id: str
    next_attempt_at: datetime
    created_at: datetime
    user: str | None = None
    template: str | None = None
    state: JobState = JobState.QUEUED
    permanent: bool = False
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    id: int | None = None


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed try: 1, 2, 4, 8 … minutes, at most 6 hours."""
    delay: timedelta = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(delay, MAX_RETRY)


@dataclass(frozen=True)
class Failure:
    """What to record after a failed try: retry at `retry_at`, or give up (permanent)."""

    permanent: bool
    retry_at: datetime | None
    error: str


def after_failure(attempts: int, permanent: bool, error: str, now: datetime) -> Failure:
    """The job's fate after its `attempts`-th try failed with `error` at `now`."""
    if permanent:
        return Failure(True, None, error)
    if attempts >= MAX_ATTEMPTS:
        return Failure(True, None, f"gave up after {attempts} attempts: {error}")
    return Failure(False, now + retry_delay(attempts), error)


def email_refusal(contact: Contact, state: FollowUpState) -> RingbackError | None:
    """Why no email may go to `contact` now (None: it may): R11, R12."""
    if not contact.email:
        return InvalidField("email", f"{contact.full_name} has no email address")
    if state.status is Status.DO_NOT_CONTACT:
        return RuleRefusal("R12", f"{contact.full_name} asked not to be contacted")
    if state.email_opted_out:
        return RuleRefusal("R12", f"{contact.full_name} unsubscribed from email")
    if state.email_bounced:
        return RuleRefusal("R11", f"email to {contact.email} bounced; use another channel")
    return None
