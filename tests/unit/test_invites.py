"""The email that sets a call, rendered: one .ics invite per time, read back by both
icalendar and vobject, an HTML alternative and the MIME message (R9, R10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import vobject
from icalendar import Calendar

from ringback.adapters.documents.invites import (
    call_email_html,
    call_email_message,
    slot_invite,
    slot_invites,
)
from ringback.domain.call_email import compose_call_email
from ringback.domain.sender import Sender
from ringback.domain.slots import ProposedSlot
from tests.unit.domain.personas import alice

SAM = Sender("Sam Lee", "sam@example.com", "+1 646 555 0100")
STAMP = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
QUARTER = timedelta(minutes=15)
SLOTS = (
    ProposedSlot(
        datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 15, 15, tzinfo=UTC),
        "America/New_York",
    ),
    ProposedSlot(
        datetime(2026, 11, 25, 20, 30, tzinfo=UTC),
        datetime(2026, 11, 25, 20, 45, tzinfo=UTC),
        "America/New_York",
    ),
)


def test_one_invite_per_time_each_a_request_with_one_event() -> None:
    invites = slot_invites(alice(), SAM, SLOTS, STAMP)

    assert [i.filename for i in invites] == [
        "call-1-2026-11-24-1000.ics",
        "call-1-2026-11-25-1530.ics",
    ]
    for invite, slot in zip(invites, SLOTS, strict=True):
        calendar = Calendar.from_ical(invite.data)
        assert calendar["METHOD"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == slot.start
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)
        assert event.decoded("DTEND") == slot.end
        assert str(event["STATUS"]) == "TENTATIVE"
        assert str(event["SUMMARY"]) == "Call with Sam Lee"
        assert str(event["ORGANIZER"]) == "mailto:sam@example.com"
        assert str(event["ATTENDEE"]) == "mailto:alice@example.com"
        assert event["ATTENDEE"].params["RSVP"] == "TRUE"
        assert str(event["LOCATION"]) == "tel:+12125550142"
        assert "One of 2 proposed times" in str(event["DESCRIPTION"])


def test_invites_parse_with_vobject_too_with_dtstart_in_utc() -> None:
    for invite, slot in zip(slot_invites(alice(), SAM, SLOTS, STAMP), SLOTS, strict=True):
        calendar = vobject.readOne(invite.data.decode())
        assert calendar.method.value == "REQUEST"
        start = calendar.vevent.dtstart.value
        assert start == slot.start and start.utcoffset() == timedelta(0)
        assert calendar.vevent.uid.value.endswith("@ringback")
        assert calendar.vevent.dtend.value == slot.end


def test_the_same_time_gets_the_same_uid_so_calendars_update_it() -> None:
    first = Calendar.from_ical(slot_invite(alice(), SAM, SLOTS[0], STAMP).data)
    again = Calendar.from_ical(slot_invite(alice(), SAM, SLOTS[0], STAMP + QUARTER).data)
    other = Calendar.from_ical(slot_invite(alice(), SAM, SLOTS[1], STAMP).data)

    uid = str(first.walk("VEVENT")[0]["UID"])
    assert uid == str(again.walk("VEVENT")[0]["UID"]) == "call-1-20261124T150000Z@ringback"
    assert uid != str(other.walk("VEVENT")[0]["UID"])


def test_without_emails_the_invite_still_reads_as_an_event() -> None:
    invite = slot_invite(alice(email=None), Sender("Sam Lee"), SLOTS[0], STAMP)

    (event,) = Calendar.from_ical(invite.data).walk("VEVENT")
    assert "ORGANIZER" not in event and "ATTENDEE" not in event
    assert vobject.readOne(invite.data.decode()).vevent.dtstart.value == SLOTS[0].start


def test_the_html_alternative_shows_the_times_in_bold_and_escapes_the_words() -> None:
    contact = alice(first_name="Al <b>")
    email = compose_call_email(contact, SAM, SLOTS, QUARTER)

    html = call_email_html(email, contact)

    assert "<strong>Tuesday, November 24 at 10:00 AM</strong>" in html
    assert "<strong>Wednesday, November 25 at 3:30 PM</strong>" in html
    assert "Hi Al &lt;b&gt;," in html
    assert "Sam Lee<br>+1 646 555 0100" in html


def test_the_message_has_text_html_and_one_calendar_part_per_time() -> None:
    contact = alice()
    email = compose_call_email(contact, SAM, SLOTS, QUARTER)
    invites = slot_invites(contact, SAM, SLOTS, STAMP)

    message = call_email_message(email, contact, SAM, invites)

    assert message["To"] == "Alice Moreno <alice@example.com>"
    assert message["From"] == "Sam Lee <sam@example.com>"
    assert message["Subject"] == "A short call, Tuesday or Wednesday?"
    body = message.get_body(("plain",))
    assert body is not None and "Hi Alice," in body.get_content()
    html = message.get_body(("html",))
    assert html is not None and "<strong>" in html.get_content()
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert [p.get_filename() for p in parts] == [i.filename for i in invites]
    assert all(p.get_param("method") == "REQUEST" for p in parts)
    assert Calendar.from_ical(parts[0].get_content()).walk("VEVENT")
