"""Named people and small builders for the follow-up engine's tests.

Fixed instants only (never now()). Monday 2 March 2026 is an ordinary working day
in New York, Berlin and Bengaluru.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from ringback.domain.cadence import DEFAULT_CADENCE, Cadence
from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    FollowUpState,
    NextStepKind,
    Outcome,
    PreferredWindow,
    Touch,
    Weekday,
)
from ringback.domain.phone import parse_phone
from ringback.domain.state import advance

MONDAY = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Mon 00:00 in New York, 06:00 in Berlin
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def alice(**changes: object) -> Contact:
    """A business contact in New York with a mobile and an email address."""
    contact = Contact(
        full_name="Alice Moreno",
        first_name="Alice",
        phones=(parse_phone("+1 212 555 0142"),),
        email="alice@example.com",
        country="US",
        subdivision="NY",
        reason="her team is hiring data engineers",
        referred_by="Jordan Lee",
        timezone="America/New_York",
        timezone_candidates=("America/New_York",),
        timezone_source="phone",
        id=1,
    )
    return replace(contact, **changes)  # type: ignore[arg-type]


def bernd(**changes: object) -> Contact:
    """A business contact in Munich (Bavaria) with two numbers and a postal address."""
    contact = Contact(
        full_name="Bernd Huber",
        first_name="Bernd",
        phones=(parse_phone("+49 89 1234567"), parse_phone("+49 151 23456789")),
        email="bernd@example.de",
        address="Leopoldstr. 1, 80802 München",
        country="DE",
        subdivision="BY",
        reason="a referral from the Munich meetup",
        timezone="Europe/Berlin",
        timezone_candidates=("Europe/Berlin",),
        timezone_source="phone",
        id=2,
    )
    return replace(contact, **changes)  # type: ignore[arg-type]


def priya(**changes: object) -> Contact:
    """A personal contact in Bengaluru (Mon–Sat 09:00–20:00) who prefers email."""
    contact = Contact(
        full_name="Priya Raman",
        first_name="Priya",
        phones=(parse_phone("+91 80 2345 6789"),),
        email="priya@example.in",
        country="IN",
        reason="advice on moving into product management",
        timezone="Asia/Kolkata",
        timezone_candidates=("Asia/Kolkata",),
        timezone_source="phone",
        personal=True,
        email_first=True,
        id=3,
    )
    return replace(contact, **changes)  # type: ignore[arg-type]


def tolliver(**changes: object) -> Contact:
    """Reached only on a US toll-free number, which may ring in ~40 time zones."""
    phone = parse_phone("+1 800 555 0199")
    contact = Contact(
        full_name="Toll Tolliver",
        first_name="Toll",
        phones=(phone,),
        country="US",
        timezone="America/New_York",
        timezone_candidates=phone.timezones,
        timezone_source="phone",
        id=4,
    )
    return replace(contact, **changes)  # type: ignore[arg-type]


def coastal(**changes: object) -> Contact:
    """A number that may ring in New York or Los Angeles (not confirmed)."""
    contact = alice(
        full_name="Casey Coast",
        first_name="Casey",
        timezone_candidates=("America/New_York", "America/Los_Angeles"),
        id=5,
    )
    return replace(contact, **changes)  # type: ignore[arg-type]


def prefers(days: Iterable[Weekday], start: time, end: time) -> PreferredWindow:
    return PreferredWindow(tuple(days), start, end)


def fresh(contact: Contact, due: datetime = MONDAY) -> FollowUpState:
    """The state a service saves for a new contact: due at once (R1)."""
    assert contact.id is not None
    return FollowUpState(contact_id=contact.id, next_due_at=due)


def touch(
    contact: Contact,
    outcome: Outcome,
    at: datetime,
    channel: Channel = Channel.CALL,
    **extra: object,
) -> Touch:
    assert contact.id is not None
    return Touch(contact.id, channel, outcome, at, **extra)  # type: ignore[arg-type]


def inbound(
    contact: Contact, outcome: Outcome, at: datetime, channel: Channel = Channel.CALL
) -> Touch:
    return touch(contact, outcome, at, channel, direction=Direction.INBOUND)


def talked(
    contact: Contact, at: datetime, kind: NextStepKind, next_at: datetime | None = None
) -> Touch:
    return touch(contact, Outcome.CONNECTED, at, next_kind=kind, next_at=next_at)


def history(
    contact: Contact,
    touches: Iterable[Touch],
    cadence: Cadence = DEFAULT_CADENCE,
    state: FollowUpState | None = None,
) -> FollowUpState:
    """The state after logging `touches` in order, as the service would."""
    current = state or fresh(contact)
    for one in touches:
        current = advance(current, one, cadence, contact=contact)
    return current


def calls(
    contact: Contact, outcomes: Iterable[Outcome], start: datetime, every: timedelta
) -> list[Touch]:
    return [touch(contact, o, start + i * every) for i, o in enumerate(outcomes)]
