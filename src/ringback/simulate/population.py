"""Synthetic people from a spec: Contacts the engine sees, and hidden traits it does not."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from ringback.domain.model import Contact, Phone, PhoneType
from ringback.simulate.spec import PopulationSpec, SegmentSpec


@dataclass(frozen=True)
class Person:
    """A contact with what only the simulation knows: how they really behave."""

    contact: Contact
    segment: SegmentSpec
    reachability: float  # scales every answer chance: some people rarely pick up
    own_hour: int | None  # a personal best hour, if they have one

    def answer_chance(self, weekday: int, hour: int) -> float:
        chance = self.segment.answer_rate(weekday, hour)
        if self.own_hour is not None and hour == self.own_hour and weekday < 5:
            chance = max(chance, self.segment.own_hour_rate)
        return min(1.0, chance * self.reachability)


def make_people(spec: PopulationSpec, rng: random.Random) -> list[Person]:
    people: list[Person] = []
    created = datetime.fromisoformat(spec.start).replace(tzinfo=UTC)
    for segment in spec.segments:
        for _ in range(segment.size):
            people.append(_person(segment, len(people) + 1, created, rng))
    return people


def _person(segment: SegmentSpec, number: int, created: datetime, rng: random.Random) -> Person:
    timezone = rng.choice(segment.timezones)
    contact = Contact(
        full_name=f"Person {number}",
        first_name=f"P{number}",
        phones=(Phone(f"+1999{number:07d}", PhoneType.WORK, segment.country, (timezone,)),),
        email=f"p{number}@example.com",
        address="1 Example Street" if rng.random() < segment.address_share else None,
        country=segment.country,
        segment=segment.name,
        reason="a referral from a mutual client",
        referred_by="Sam Example",
        timezone=timezone,
        timezone_candidates=(timezone,),
        timezone_source="user",
        email_first=rng.random() < segment.email_first,
        created_at=created,
        id=number,
    )
    own_hour = rng.randrange(9, 17) if rng.random() < segment.own_hour_share else None
    return Person(contact, segment, rng.uniform(0.5, 1.5), own_hour)
