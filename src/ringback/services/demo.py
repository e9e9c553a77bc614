"""A realistic synthetic population for trying Ringback: contacts in several countries
and time zones, with a few weeks of touch history, logged through the same services
as real work. Deterministic for a given seed; "now" is passed in.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers

from ringback.domain.errors import RingbackError
from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    FollowUpState,
    NextStepKind,
    Outcome,
    Phone,
    PhoneType,
    Status,
    Touch,
    utc,
)
from ringback.domain.phone import parse_phone
from ringback.services.cadences import CadenceFor, stored_cadence_for
from ringback.services.contacts import UowFactory
from ringback.services.ports import UnitOfWork
from ringback.services.touches import record_touch


@dataclass(frozen=True)
class Place:
    country: str
    prefixes: tuple[str, ...]  # national leading digits to vary, for valid local numbers
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    city: str
    subdivision: str | None = None


PLACES = (
    Place(
        "US",
        ("212555", "646555"),
        ("Alice", "Marcus", "Dana", "Tyler"),
        ("Moreno", "Whitfield", "Okafor", "Brennan"),
        "New York, NY",
        "NY",
    ),
    Place(
        "US",
        ("312555", "773555"),
        ("Keisha", "Nolan", "Greta", "Omar"),
        ("Lindqvist", "Hayes", "Rivera", "Kowalski"),
        "Chicago, IL",
        "IL",
    ),
    Place(
        "US",
        ("415555", "303555"),
        ("Priya", "Jared", "Mei", "Caleb"),
        ("Sandoval", "Nakamura", "Fischer", "Doyle"),
        "San Francisco, CA",
        "CA",
    ),
    Place(
        "GB",
        ("20794", "161496"),
        ("Oliver", "Amelia", "Harriet", "Rhys"),
        ("Pemberton", "Ashworth", "Clarke", "Evans"),
        "London",
    ),
    Place(
        "DE",
        ("30123", "89123", "1512345"),
        ("Bernd", "Lena", "Jonas", "Sabine"),
        ("Hoffmann", "Krüger", "Wagner", "Becker"),
        "Berlin",
        "BE",
    ),
    Place(
        "FR",
        ("1423", "6123"),
        ("Camille", "Julien", "Élodie", "Mathis"),
        ("Laurent", "Dubois", "Moreau", "Girard"),
        "Paris",
    ),
    Place(
        "IN",
        ("98765", "80123"),
        ("Priya", "Arjun", "Kavya", "Rohan"),
        ("Raman", "Iyer", "Mehta", "Kulkarni"),
        "Bengaluru",
        "KA",
    ),
    Place(
        "AU",
        ("41234", "29876"),
        ("Chloe", "Liam", "Isla", "Jack"),
        ("Nguyen", "Walsh", "Mitchell", "Hart"),
        "Sydney",
        "NSW",
    ),
    Place(
        "BR",
        ("11987", "21987"),
        ("Beatriz", "Thiago", "Larissa", "Rafael"),
        ("Souza", "Carvalho", "Lima", "Ferreira"),
        "São Paulo",
    ),
    Place(
        "JP",
        ("9012", "8034"),
        ("Haruto", "Yui", "Sota", "Aoi"),
        ("Tanaka", "Suzuki", "Watanabe", "Ito"),
        "Tokyo",
    ),
)

SEGMENTS = (
    ("dental clinics", "the new patient-reminder service we launched"),
    ("data engineering hiring", "a data engineering role on their team"),
    ("design agencies", "a freelance brand project I quoted last month"),
    ("logistics SMB", "cutting their route-planning time"),
)
COMPANIES = ("Northwind", "Bluefield", "Larchmont", "Kestrel", "Orchard & Co", "Tidewater")
REFERRERS = ("Jordan Lee", "Sam Patel", "Nina Alvarez", "Tom Becker", None)
TITLES = ("Practice Manager", "Head of Data", "Creative Director", "Operations Lead", "CTO")


class DemoNotEmpty(RingbackError):
    """The demo only fills an empty database, so it never mixes with real data."""


def seed_demo(uow_factory: UowFactory, now: datetime, count: int = 200, seed: int = 7) -> int:
    """Fill an empty database with `count` contacts and their recent history."""
    rng = random.Random(seed)
    with uow_factory() as uow:
        if uow.contacts.count():
            raise DemoNotEmpty("the database already has contacts; the demo needs an empty one")
        cadence_for = stored_cadence_for(uow)
        for index in range(count):
            contact = uow.contacts.add(_contact(rng, index, now))
            _history(uow, rng, contact, now, cadence_for)
        uow.commit()
    return count


def _contact(rng: random.Random, index: int, now: datetime) -> Contact:
    place = PLACES[index % len(PLACES)]
    first, last = rng.choice(place.first_names), rng.choice(place.last_names)
    segment, reason = rng.choice(SEGMENTS)
    phone = _phone(rng, place)
    company = rng.choice(COMPANIES)
    email = f"{_ascii(first)}.{_ascii(last)}{index}@{company.split()[0].lower()}.example"
    return Contact(
        full_name=f"{first} {last}",
        first_name=first,
        phones=(phone,),
        email=email if rng.random() < 0.85 else None,
        address=f"{rng.randint(2, 180)} Market Street, {place.city}"
        if rng.random() < 0.5
        else None,
        country=place.country,
        subdivision=place.subdivision,
        company=company,
        title=rng.choice(TITLES),
        segment=f"{segment}, {place.country}",
        referred_by=rng.choice(REFERRERS),
        reason=reason,
        timezone=phone.timezones[0] if phone.timezones else "UTC",
        timezone_candidates=phone.timezones,
        timezone_source="phone",
        email_first=rng.random() < 0.1,
        created_at=now - timedelta(days=35),
    )


def _ascii(text: str) -> str:
    return "".join(c for c in text.lower() if c.isascii() and c.isalpha())


def _phone(rng: random.Random, place: Place) -> Phone:
    prefix = rng.choice(place.prefixes)
    for _ in range(200):
        length = _national_length(place.country, prefix)
        tail = "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix)))
        text = f"+{phonenumbers.country_code_for_region(place.country)}{prefix}{tail}"
        try:
            return parse_phone(text, place.country, PhoneType.WORK)
        except RingbackError:
            continue
    raise AssertionError(f"no valid demo number for {place.country} {prefix}")


def _national_length(country: str, prefix: str) -> int:
    example = phonenumbers.example_number_for_type(
        country,
        phonenumbers.PhoneNumberType.MOBILE
        if prefix.startswith(("15", "9", "6", "4", "11", "21", "8"))
        else phonenumbers.PhoneNumberType.FIXED_LINE,
    )
    national = phonenumbers.national_significant_number(example) if example else ""
    return max(len(national), len(prefix) + 4)


Story = Callable[[random.Random, datetime], list[tuple[int, Outcome, Channel]]]


def _history(
    uow: UnitOfWork, rng: random.Random, contact: Contact, now: datetime, cadence_for: CadenceFor
) -> None:
    assert contact.id is not None
    uow.states.save(FollowUpState(contact_id=contact.id, status=Status.NEW, next_due_at=now))
    zone = ZoneInfo(contact.timezone)
    story = rng.choices(list(STORIES), weights=[w for _, w in STORIES.values()])[0]
    steps = STORIES[story][0]
    day = now - timedelta(days=28)
    for gap, channel, outcome in steps(rng):
        day += timedelta(days=gap)
        if day >= now - timedelta(hours=2):
            break
        at = _business_instant(rng, day, zone)
        if at >= now:
            break
        record_touch(uow, _touch(contact, channel, outcome, at, rng, now), cadence_for)


def _ahead(at: datetime, now: datetime, rng: random.Random) -> datetime:
    """A next step booked at the touch's weekday and hour, in a week still to come."""
    weeks = (now - at).days // 7 + 1 + rng.randint(0, 1)
    return at + timedelta(weeks=weeks)


def _business_instant(rng: random.Random, day: datetime, zone: ZoneInfo) -> datetime:
    local_day = day.astimezone(zone).date()
    while local_day.weekday() >= 5:
        local_day += timedelta(days=1)
    local = datetime.combine(local_day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))
    return utc(local.replace(tzinfo=zone))


def _touch(
    contact: Contact,
    channel: Channel,
    outcome: Outcome,
    at: datetime,
    rng: random.Random,
    now: datetime,
) -> Touch:
    assert contact.id is not None
    inbound = outcome in (Outcome.CALLBACK_RECEIVED, Outcome.REPLIED, Outcome.INBOUND_EMAIL)
    next_at, next_kind = None, None
    if outcome is Outcome.CONNECTED:
        next_kind = rng.choice(
            (NextStepKind.APPOINTMENT, NextStepKind.CALL_BACK, NextStepKind.NONE)
        )
        next_at = None if next_kind is NextStepKind.NONE else _ahead(at, now, rng)
    elif outcome in (Outcome.CALL_LATER, Outcome.MEETING_BOOKED):
        next_at = _ahead(at, now, rng)
    return Touch(
        contact_id=contact.id,
        channel=channel,
        outcome=outcome,
        at=at,
        direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
        duration_s=rng.randint(60, 600) if outcome is Outcome.CONNECTED else None,
        notes=NOTES.get(outcome),
        next_at=next_at,
        next_kind=next_kind,
        phone=contact.phones[0].e164 if channel is Channel.CALL else None,
        user="demo",
    )


NOTES = {
    Outcome.CONNECTED: "Good chat; interested, wants details in writing.",
    Outcome.CALL_LATER: "In a meeting — asked me to call back later this week.",
    Outcome.NOT_INTERESTED: "Happy with their current setup for now.",
    Outcome.WRONG_NUMBER: "Reached a different business.",
    Outcome.DO_NOT_CONTACT: "Asked not to be contacted again.",
}

C, V, E = Channel.CALL, Channel.VOICEMAIL, Channel.EMAIL


def _fresh(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    return []


def _silent_trail(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    outcomes = (
        Outcome.NO_ANSWER,
        Outcome.VOICEMAIL_LEFT,
        Outcome.NO_ANSWER,
        Outcome.VOICEMAIL_LEFT,
    )
    return [(rng.randint(3, 7), C, o) for o in outcomes[: rng.randint(1, 4)]]


def _reached(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    return [(rng.randint(1, 5), C, Outcome.NO_ANSWER), (3, C, Outcome.CONNECTED)]


def _call_later(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    return [(rng.randint(10, 20), C, Outcome.CALL_LATER)]


def _replied(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    return [(rng.randint(1, 8), E, Outcome.SENT), (2, E, Outcome.REPLIED)]


def _meeting(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    return [(rng.randint(5, 15), C, Outcome.MEETING_BOOKED)]


def _declined(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    return [(rng.randint(2, 6), C, Outcome.NO_ANSWER), (4, C, Outcome.NOT_INTERESTED)]


def _wrong(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    return [(rng.randint(2, 10), C, Outcome.WRONG_NUMBER)]


def _stop(rng: random.Random) -> list[tuple[int, Channel, Outcome]]:
    return [(rng.randint(2, 10), C, Outcome.DO_NOT_CONTACT)]


STORIES: dict[str, tuple[Callable[[random.Random], list[tuple[int, Channel, Outcome]]], int]] = {
    "fresh": (_fresh, 25),
    "silent trail": (_silent_trail, 35),
    "reached": (_reached, 10),
    "call later": (_call_later, 8),
    "replied": (_replied, 8),
    "meeting": (_meeting, 5),
    "declined": (_declined, 5),
    "wrong number": (_wrong, 3),
    "do not contact": (_stop, 1),
}
