"""The words of the email that sets a call and of the mailed note (R9, R10, R13, R19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from ringback.domain.call_email import compose_call_email, slot_fields
from ringback.domain.correspondence import (
    Paper,
    clock_text,
    date_line,
    moment_text,
    paper_for,
    split_lines,
)
from ringback.domain.errors import InvalidField
from ringback.domain.letters import compose_letter
from ringback.domain.sender import Sender
from ringback.domain.slots import ProposedSlot
from tests.unit.domain.personas import alice, bernd, priya

SAM = Sender(
    "Sam Lee", "sam@example.com", "+1 212 555 0100", ("12 Main Street", "Springfield, IL 62701")
)
QUARTER = timedelta(minutes=15)
# R13: phrasing the linter flags; none of it may appear in the default words.
PRESSURE = ("haven't heard back", "still waiting", "unfortunately", "last chance", "again")


def slot(at: datetime, zone: str) -> ProposedSlot:
    return ProposedSlot(at, at + QUARTER, zone)


NY_SLOTS = (
    slot(datetime(2026, 11, 24, 15, 0, tzinfo=UTC), "America/New_York"),  # Tue 10:00
    slot(datetime(2026, 11, 25, 20, 30, tzinfo=UTC), "America/New_York"),  # Wed 15:30
)
BERLIN_SLOTS = (
    slot(datetime(2026, 11, 24, 9, 0, tzinfo=UTC), "Europe/Berlin"),  # Tue 10:00
    slot(datetime(2026, 11, 25, 14, 30, tzinfo=UTC), "Europe/Berlin"),  # Wed 15:30
)


def test_times_read_as_the_contacts_country_writes_them() -> None:
    moment = datetime(2026, 11, 25, 15, 30)
    assert moment_text(moment, "DE") == "Wednesday 25 November at 15:30"
    assert moment_text(moment, "US") == "Wednesday, November 25 at 3:30 PM"
    assert clock_text(time(0, 5), "US") == "12:05 AM"
    assert clock_text(time(12), "US") == "12:00 PM"
    assert date_line(date(2026, 11, 24), "GB") == "24 November 2026"
    assert date_line(date(2026, 11, 24), "US") == "November 24, 2026"


def test_the_default_email_proposes_both_times_in_the_contacts_time_r9() -> None:
    email = compose_call_email(bernd(), SAM, BERLIN_SLOTS, QUARTER)

    assert email.to == "bernd@example.de"
    assert email.subject == "A short call, Tuesday or Wednesday?"
    assert email.paragraphs[0] == "Hi Bernd,"
    assert (
        "Tuesday 24 November at 10:00 or Wednesday 25 November at 15:30 (your time)" in email.text
    )
    assert "15 minutes" in email.text
    assert "a referral from the Munich meetup" in email.text
    assert email.text.rstrip().endswith("sam@example.com")


def test_the_default_email_names_the_referral_and_presses_nobody_r13_r19() -> None:
    text = compose_call_email(alice(), SAM, NY_SLOTS, QUARTER).text

    assert "Jordan Lee suggested" in text
    assert "Tuesday, November 24 at 10:00 AM or Wednesday, November 25 at 3:30 PM" in text
    assert not any(phrase in text.lower() for phrase in PRESSURE)


def test_the_default_email_leaves_out_what_is_not_known() -> None:
    contact = alice(referred_by=None, reason=None)
    text = compose_call_email(contact, Sender("Sam Lee"), NY_SLOTS[:1], QUARTER).text

    assert "suggested" not in text and "It's about" not in text
    assert "None" not in text
    assert "The calendar invite is attached" in text


def test_a_callers_body_replaces_the_default_words() -> None:
    fields = slot_fields(BERLIN_SLOTS, "DE")
    body = f"Hallo Bernd,\n\npasst {fields['slot_1']} oder {fields['slot_2']}?\n\nSam"

    email = compose_call_email(bernd(), SAM, BERLIN_SLOTS, QUARTER, body=body, subject="Kurz?")

    assert email.subject == "Kurz?"
    assert email.paragraphs == (
        "Hallo Bernd,",
        "passt Tuesday 24 November at 10:00 oder Wednesday 25 November at 15:30?",
        "Sam",
    )
    assert fields["slots"] == f"{fields['slot_1']} or {fields['slot_2']}"


def test_an_email_without_times_or_words_is_refused() -> None:
    with pytest.raises(InvalidField, match="slots"):
        compose_call_email(bernd(), SAM, (), QUARTER)
    with pytest.raises(InvalidField, match="body"):
        compose_call_email(bernd(), SAM, BERLIN_SLOTS, QUARTER, body="  \n\n ")


def test_the_letter_greets_by_first_name_and_carries_both_addresses_r9_r19() -> None:
    contact = alice(address="350 Fifth Avenue; New York, NY 10118", company="Northwind")

    letter = compose_letter(contact, SAM, date(2026, 11, 24))

    assert letter.greeting == "Dear Alice,"
    assert letter.recipient == (
        "Alice Moreno",
        "Northwind",
        "350 Fifth Avenue",
        "New York, NY 10118",
    )
    assert letter.date == "November 24, 2026"
    assert letter.paper is Paper.LETTER
    assert "Jordan Lee suggested I write to you." in letter.paragraphs[0]
    assert "+1 212 555 0100" in letter.paragraphs[1]
    assert not any(p in " ".join(letter.paragraphs).lower() for p in PRESSURE)
    card = letter.card
    assert (card.to_name, card.to_address) == ("Sam Lee", SAM.address)
    assert card.from_name == "Alice Moreno" and card.reference == "Ref. 1"
    assert card.days == ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    assert [name for name, _ in card.parts] == ["Morning", "Afternoon", "Evening"]
    assert card.parts[0][1] == "9:00 AM–12:00 PM"


def test_a_personal_contacts_card_offers_saturday_too() -> None:
    letter = compose_letter(priya(address="12 MG Road; Bengaluru 560001"), SAM, date(2026, 11, 24))

    assert letter.card.days[-1] == "Saturday"
    assert letter.card.parts[1][1] == "12:00–17:00"
    assert letter.paper is Paper.A4


def test_a_letter_needs_the_contacts_address_and_yours() -> None:
    with pytest.raises(InvalidField, match="address"):
        compose_letter(alice(), SAM, date(2026, 11, 24))
    with pytest.raises(InvalidField, match="sender_address"):
        compose_letter(bernd(), Sender("Sam Lee"), date(2026, 11, 24))


def test_a_callers_letter_body_replaces_the_default() -> None:
    letter = compose_letter(bernd(), SAM, date(2026, 11, 24), body="Kurz und gut.\n\nDanke!")

    assert letter.paragraphs == ("Kurz und gut.", "Danke!")
    assert letter.greeting == "Dear Bernd,"


@pytest.mark.parametrize(
    ("country", "setting", "fallback", "paper"),
    [
        ("US", "auto", None, Paper.LETTER),
        ("CA", "auto", None, Paper.LETTER),
        ("DE", "auto", None, Paper.A4),
        (None, "auto", "US", Paper.LETTER),
        (None, "auto", None, Paper.A4),
        ("US", "a4", None, Paper.A4),
        ("DE", "letter", None, Paper.LETTER),
    ],
)
def test_paper_follows_the_setting_or_the_contacts_country(
    country: str | None, setting: str, fallback: str | None, paper: Paper
) -> None:
    assert paper_for(country, setting, fallback) is paper


def test_address_lines_split_on_semicolons_and_line_breaks() -> None:
    assert split_lines("12 Main St; Springfield, IL 62701") == (
        "12 Main St",
        "Springfield, IL 62701",
    )
    assert split_lines("Leopoldstr. 1\n80802 München\n") == ("Leopoldstr. 1", "80802 München")
    assert split_lines(None) == ()
