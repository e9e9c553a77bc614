"""The domain model (PRODUCT.md §3): contacts, touches, outcomes, appointments.

Plain dataclasses with no I/O. Instants are timezone-aware UTC datetimes; local
times are computed from a contact's IANA zone only when needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from enum import StrEnum

from ringback.domain.errors import InvalidField


class Channel(StrEnum):
    CALL = "call"
    VOICEMAIL = "voicemail"
    EMAIL = "email"
    LETTER = "letter"
    SMS = "sms"
    MEETING = "meeting"


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Outcome(StrEnum):
    # call
    CONNECTED = "connected"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL_LEFT = "voicemail_left"
    VOICEMAIL_SKIPPED = "voicemail_skipped"
    WRONG_NUMBER = "wrong_number"
    DISCONNECTED = "disconnected"
    # email and letter
    SENT = "sent"
    BOUNCED = "bounced"
    REPLIED = "replied"
    MAILED = "mailed"
    UNSUBSCRIBED = "unsubscribed"  # the contact asked for no more email (R12, email only)
    # inbound
    CALLBACK_RECEIVED = "callback_received"
    INBOUND_EMAIL = "inbound_email"
    # conversation results
    NOT_INTERESTED = "not_interested"
    CALL_LATER = "call_later"
    MEETING_BOOKED = "meeting_booked"
    DO_NOT_CONTACT = "do_not_contact"


# Outcomes of an attempt nobody answered: they count towards R6 and R9.
UNANSWERED_CALL_OUTCOMES = frozenset(
    {Outcome.NO_ANSWER, Outcome.BUSY, Outcome.VOICEMAIL_LEFT, Outcome.VOICEMAIL_SKIPPED}
)
# Outcomes meaning the person engaged (R11 warm; R12 pause on every channel).
RESPONSE_OUTCOMES = frozenset(
    {
        Outcome.CONNECTED,
        Outcome.REPLIED,
        Outcome.CALLBACK_RECEIVED,
        Outcome.INBOUND_EMAIL,
        Outcome.CALL_LATER,
        Outcome.MEETING_BOOKED,
    }
)
# Outcomes that need a time (`next_at`): when to call back, when the meeting is.
OUTCOMES_NEEDING_TIME = frozenset({Outcome.CALL_LATER, Outcome.MEETING_BOOKED})


class Status(StrEnum):
    """Where a contact stands in its follow-up (R11, R12)."""

    NEW = "new"
    ACTIVE = "active"
    WARM = "warm"
    COLD = "cold"
    MISSED = "missed"
    NOT_INTERESTED = "not_interested"
    DO_NOT_CONTACT = "do_not_contact"


class PhoneType(StrEnum):
    MOBILE = "mobile"
    WORK = "work"
    HOME = "home"
    OTHER = "other"


class NextStepKind(StrEnum):
    """What a connected conversation ended with (R3)."""

    APPOINTMENT = "appointment"
    CALL_BACK = "call-back"
    NONE = "none"


class CallbackScope(StrEnum):
    """Who may work a booked next step (a promised call-back or an appointment).

    As in team dialers: USERONLY keeps it for the user who booked it; ANYONE lets
    whoever on the team is free take it. See domain/access.py.
    """

    USERONLY = "useronly"
    ANYONE = "anyone"


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """Monday is 0, as in `date.weekday()`."""
        return list(Weekday).index(self)


def utc(value: datetime) -> datetime:
    """Return `value` as an aware UTC datetime; naive values are taken as UTC."""
    if value.tzinfo is UTC:  # already so: the common case, kept cheap
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Phone:
    """A phone number in E.164 with its type and the zones it may ring in."""

    e164: str
    kind: PhoneType = PhoneType.MOBILE
    country: str | None = None
    timezones: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreferredWindow:
    """A contact's stated preference (R4): on these days, between these local times."""

    days: tuple[Weekday, ...]
    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.days:
            raise InvalidField("days", "a preferred window needs at least one day")
        if self.start >= self.end:
            raise InvalidField("between", f"window {self.start:%H:%M}-{self.end:%H:%M} is empty")


# A contact's created_at until one is given.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Contact:
    full_name: str
    first_name: str
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    address: str | None = None
    country: str | None = None
    subdivision: str | None = None
    company: str | None = None
    title: str | None = None
    segment: str | None = None
    tags: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)
    owner: str | None = None
    referred_by: str | None = None
    reason: str | None = None
    timezone: str = "UTC"
    timezone_candidates: tuple[str, ...] = ()
    timezone_source: str = "default"  # "phone", "user" or "default"
    preferred_windows: tuple[PreferredWindow, ...] = ()
    preferred_channel: Channel | None = None
    email_first: bool = False
    personal: bool = False
    cadence: str | None = None
    created_at: datetime = EPOCH  # immutable: one object serves every contact
    id: int | None = None

    @property
    def timezone_ambiguous(self) -> bool:
        """R5: a number that maps to several zones, not confirmed by the user."""
        return self.timezone_source != "user" and len(self.timezone_candidates) > 1

    @property
    def primary_phone(self) -> Phone | None:
        return self.phones[0] if self.phones else None


@dataclass(frozen=True)
class Touch:
    """One attempt or interaction. Append-only: corrections are new touches."""

    contact_id: int
    channel: Channel
    outcome: Outcome
    at: datetime
    direction: Direction = Direction.OUTBOUND
    duration_s: int | None = None
    notes: str | None = None
    template: str | None = None
    user: str | None = None
    next_at: datetime | None = None
    next_kind: NextStepKind | None = None
    next_scope: CallbackScope = CallbackScope.ANYONE
    phone: str | None = None
    external_id: str | None = None
    id: int | None = None


@dataclass
class Appointment:
    contact_id: int
    start: datetime
    end: datetime
    uid: str
    title: str = "Call"
    we_call: bool = True
    phone: str | None = None
    user: str | None = None
    sequence: int = 0
    cancelled: bool = False
    scope: CallbackScope = CallbackScope.ANYONE
    id: int | None = None


@dataclass(frozen=True)
class RecentTouch:
    """A compact record of a recent touch, kept on the follow-up state for caps (R14)."""

    at: datetime
    channel: Channel
    outcome: Outcome


@dataclass
class FollowUpState:
    """Per-contact follow-up state, updated with every touch in the same transaction.

    It lets the planner work from one indexed range query (`next_due_at`) instead of
    replaying every contact's history, and keeps logging a touch O(1).
    """

    contact_id: int
    status: Status = Status.NEW
    last_touch_at: datetime | None = None
    last_outbound_at: datetime | None = None
    last_conversation_at: datetime | None = None
    last_response_at: datetime | None = None
    last_call_at: datetime | None = None
    last_voicemail_at: datetime | None = None
    attempts: int = 0
    calls_unanswered_in_row: int = 0
    silent_calls_in_row: int = 0
    voicemails_unanswered: int = 0
    emails_unanswered: int = 0
    letters_unanswered: int = 0
    never_answered: bool = True
    bad_numbers: tuple[str, ...] = ()
    email_bounced: bool = False
    email_opted_out: bool = False  # unsubscribed: do not contact by email (R12)
    promised_at: datetime | None = None
    appointment_at: datetime | None = None
    booked_for: str | None = None  # the user a USERONLY booked step is reserved for
    next_due_at: datetime | None = None
    recent: tuple[RecentTouch, ...] = ()
