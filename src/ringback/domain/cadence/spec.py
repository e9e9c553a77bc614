"""Cadences as data: ordered steps with conditions, a rhythm, counts and stop rules.

A cadence answers "which channel next, with which template, after how long" for a
contact who has not responded. The engine walks `steps` in order and takes the
first whose conditions all hold; the counts below (R6, R9, R11) are what the
conditions compare against. Users edit these through `cadence_from_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from ringback.domain.errors import InvalidField
from ringback.domain.hours import WeeklyHours
from ringback.domain.model import RESPONSE_OUTCOMES, Channel, Outcome


class Condition(StrEnum):
    """What must hold for a step to apply. Counts compare with the cadence's limits."""

    FIRST_ATTEMPT = "first_attempt"  # never reached, nothing sent this round (R7 vs R8)
    EMAIL_FIRST = "email_first"  # R10: contact or cadence marked email-first
    NOT_EMAIL_FIRST = "not_email_first"
    HAS_PHONE = "has_phone"  # a number not marked wrong or disconnected (R12)
    HAS_EMAIL = "has_email"  # an address that has not bounced (R9, R12)
    HAS_ADDRESS = "has_address"  # a postal address (R9)
    VOICEMAILS_BELOW_LIMIT = "voicemails_below_limit"  # < voicemails_before_email (R9)
    VOICEMAILS_AT_LIMIT = "voicemails_at_limit"
    EMAILS_BELOW_LIMIT = "emails_below_limit"  # < emails_before_letter (R9)
    EMAILS_AT_LIMIT = "emails_at_limit"
    NO_LETTER_YET = "no_letter_yet"  # no letter mailed in this round (R9)
    SILENT_CALLS_BELOW_LIMIT = "silent_calls_below_limit"  # < max_silent_calls_in_row (R6)
    BUSINESS = "business"
    PERSONAL = "personal"


# Voicemails are left (or not) on calls by R6/R10; meetings are booked, not stepped.
STEP_CHANNELS = frozenset({Channel.CALL, Channel.EMAIL, Channel.LETTER, Channel.SMS})
DEFAULT_PAUSE_ON = RESPONSE_OUTCOMES
DEFAULT_STOP_ON = frozenset({Outcome.NOT_INTERESTED, Outcome.DO_NOT_CONTACT})
STOP_OUTCOMES = DEFAULT_STOP_ON


@dataclass(frozen=True)
class Step:
    """One rung of the ladder: a channel and template, when its conditions hold.

    `wait` overrides the rhythm (R2) for this step; None keeps the rhythm.
    """

    channel: Channel
    template: str
    when: tuple[Condition, ...] = ()
    wait: timedelta | None = None

    def __post_init__(self) -> None:
        if self.channel not in STEP_CHANNELS:
            raise InvalidField(
                "channel", f"{self.channel} cannot be a step; use call, email, letter or sms"
            )
        if not self.template.strip():
            raise InvalidField("template", "a step needs a template key")
        if self.wait is not None and self.wait < timedelta(0):
            raise InvalidField("wait", "must not be negative")


@dataclass(frozen=True)
class Cadence:
    """A follow-up cadence. Defaults are the product's (R2, R6, R9, R11, R12)."""

    key: str
    name: str
    steps: tuple[Step, ...]
    first_wait: timedelta = timedelta(days=3)
    then_wait: timedelta = timedelta(days=7)
    silent_first_call: bool = True
    max_silent_calls_in_row: int = 2
    voicemails_before_email: int = 3
    emails_before_letter: int = 2
    cold_after_attempts: int = 12
    recycle_after: timedelta = timedelta(days=90)
    warm_days: int = 30
    email_first: bool = False
    pause_on: frozenset[Outcome] = DEFAULT_PAUSE_ON
    stop_on: frozenset[Outcome] = DEFAULT_STOP_ON
    business_hours: WeeklyHours | None = None
    personal_hours: WeeklyHours | None = None
    timezone: str | None = None

    def __post_init__(self) -> None:
        _check_identity(self)
        _check_durations(self)
        _check_counts(self)
        _check_stop_rules(self)

    @property
    def warm_for(self) -> timedelta:
        return timedelta(days=self.warm_days)


def _check_identity(cadence: Cadence) -> None:
    if not cadence.key.strip():
        raise InvalidField("key", "a cadence needs a key")
    if not cadence.steps:
        raise InvalidField("steps", "a cadence needs at least one step")


def _check_durations(cadence: Cadence) -> None:
    for name in ("first_wait", "then_wait"):
        if getattr(cadence, name) < timedelta(0):
            raise InvalidField(name, "must not be negative")
    if cadence.recycle_after <= timedelta(0):
        raise InvalidField("recycle_after", "must be positive")


def _check_counts(cadence: Cadence) -> None:
    minimums = {
        "max_silent_calls_in_row": 0,
        "voicemails_before_email": 0,
        "emails_before_letter": 0,
        "cold_after_attempts": 1,
        "warm_days": 0,
    }
    for name, minimum in minimums.items():
        if getattr(cadence, name) < minimum:
            raise InvalidField(name, f"must be at least {minimum}, not {getattr(cadence, name)}")


def _check_stop_rules(cadence: Cadence) -> None:
    if Outcome.DO_NOT_CONTACT not in cadence.stop_on:
        raise InvalidField("stop_on", "do_not_contact always stops a cadence (R12)")
    if not cadence.stop_on <= STOP_OUTCOMES:
        extra = ", ".join(sorted(cadence.stop_on - STOP_OUTCOMES))
        raise InvalidField("stop_on", f"only not_interested and do_not_contact stop: {extra}")
    if not cadence.pause_on <= RESPONSE_OUTCOMES:
        extra = ", ".join(sorted(cadence.pause_on - RESPONSE_OUTCOMES))
        raise InvalidField("pause_on", f"only responses pause a cadence: {extra}")


C = Condition
DEFAULT_STEPS = (
    # R10: email-first people get email, then a proposed call, never a voicemail.
    Step(Channel.EMAIL, "email.intro", (C.EMAIL_FIRST, C.HAS_EMAIL, C.FIRST_ATTEMPT)),
    Step(Channel.EMAIL, "email.followup", (C.EMAIL_FIRST, C.HAS_EMAIL, C.EMAILS_BELOW_LIMIT)),
    Step(Channel.CALL, "call.propose", (C.EMAIL_FIRST, C.HAS_PHONE, C.SILENT_CALLS_BELOW_LIMIT)),
    # R1, R6, R7/R8: call; the first call to a business contact leaves no voicemail.
    Step(Channel.CALL, "call.intro", (C.NOT_EMAIL_FIRST, C.HAS_PHONE, C.FIRST_ATTEMPT)),
    Step(Channel.CALL, "call.followup", (C.NOT_EMAIL_FIRST, C.HAS_PHONE, C.VOICEMAILS_BELOW_LIMIT)),
    # R9: after 3 voicemails, email; after 2 emails, a mailed note.
    Step(Channel.EMAIL, "email.set_call", (C.HAS_EMAIL, C.EMAILS_BELOW_LIMIT)),
    Step(Channel.LETTER, "letter.note", (C.HAS_ADDRESS, C.NO_LETTER_YET)),
    # R1, R17: keep going, weekly, at other hours and weekdays, until cold (R11).
    Step(Channel.CALL, "call.retry", (C.NOT_EMAIL_FIRST, C.HAS_PHONE)),
    Step(Channel.EMAIL, "email.followup", (C.HAS_EMAIL,)),
)
DEFAULT_CADENCE = Cadence(key="default", name="Default follow-up", steps=DEFAULT_STEPS)
