"""contact_to_record: what contact_from_record reads back as the same contact (edits)."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from ringback.domain.contact_input import contact_from_record, contact_to_record
from ringback.domain.model import Channel, Contact, Weekday
from tests.unit.domain.personas import alice, bernd, prefers


def read_back(contact: Contact) -> Contact:
    again = contact_from_record(contact_to_record(contact), default_region="US")
    return replace(again, id=contact.id, created_at=contact.created_at)


def test_a_contact_survives_the_round_trip_through_its_record() -> None:
    ana = alice(
        tags=("vip", "q3"),
        fields={"crm_id": "A-17", "other_emails": "ana@home.example"},
        owner="rita",
        segment="dental clinics",
        preferred_windows=(prefers([Weekday.TUE, Weekday.THU], time(14), time(17)),),
        preferred_channel=Channel.EMAIL,
        personal=True,
        email_first=True,
        cadence="gentle",
    )
    assert read_back(ana) == ana


def test_a_zone_derived_from_the_phone_stays_derived() -> None:
    record = contact_to_record(bernd())
    record["phones"] = "work: +1 212 555 0142"
    again = contact_from_record(record, default_region="US")
    assert again.timezone == "America/New_York"
    assert again.timezone_source == "phone"


def test_a_zone_the_user_set_stays_set() -> None:
    contact = alice(timezone="Europe/Lisbon", timezone_source="user")
    assert read_back(contact).timezone == "Europe/Lisbon"
