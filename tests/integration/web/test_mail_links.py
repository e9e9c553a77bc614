"""Links that need no sign-in (issue 6): unsubscribe and the calendar feed, both databases.

Tokens are signed: a tampered one is refused and changes nothing. Invites emailed
for an appointment go through a real SMTP server (aiosmtpd) and parse with both
icalendar and vobject; rescheduling grows SEQUENCE, cancelling sends METHOD:CANCEL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import vobject
from fastapi.testclient import TestClient

from ringback.adapters.email.smtp import SmtpSender
from ringback.domain.access import Actor, Role
from ringback.domain.model import Channel, Outcome, Touch
from ringback.services import calendar
from ringback.services.appointments import (
    book_appointment,
    cancel_appointment,
    change_appointment,
)
from ringback.services.outbox import send_due
from ringback.services.touches import log_touch
from tests.integration.mail.conftest import alice
from tests.integration.mail.servers import Collector, smtp_server
from tests.integration.web.conftest import Team

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
OLIVIA = Actor("olivia", Role.OWNER)
FROM = "olivia@brightside.example"


def configure(team: Team) -> None:
    team.app.settings.public_base_url = "https://ringback.example.com"
    team.app.settings.mail_from = FROM


def contact(team: Team, **changes: object) -> int:
    with team.app.uow_factory()() as uow:
        saved = uow.contacts.add(alice(owner="olivia", **changes))
        uow.commit()
    assert saved.id is not None
    return saved.id


def unsubscribe_path(team: Team, contact_id: int) -> str:
    url = team.app.mail_setup().unsubscribe_url(contact_id, "alice@example.com")
    return url.removeprefix("https://ringback.example.com")


def email_state(team: Team, contact_id: int) -> tuple[bool, int]:
    with team.app.uow_factory()() as uow:
        state = uow.states.get(contact_id)
        touches = uow.touches.for_contact(contact_id)
    return state.email_opted_out, len(touches)


def test_unsubscribe_asks_first_then_stops_email_only_r12(team: Team) -> None:
    configure(team)
    contact_id = contact(team)
    path = unsubscribe_path(team, contact_id)
    stranger = TestClient(team.client.app)  # no session: the link works signed out

    page = stranger.get(path)
    assert page.status_code == 200 and "Unsubscribe" in page.text and "Alice" in page.text
    assert email_state(team, contact_id) == (False, 0)  # opening the link changes nothing

    done = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    again = stranger.post(path)

    assert done.status_code == again.status_code == 200
    assert "You are unsubscribed" in done.text
    assert email_state(team, contact_id) == (True, 1)  # logged once
    with team.app.uow_factory()() as uow:
        [touch] = uow.touches.for_contact(contact_id)
        state = uow.states.get(contact_id)
    assert (touch.channel, touch.outcome) == (Channel.EMAIL, Outcome.UNSUBSCRIBED)
    assert state.status.value != "do_not_contact"  # calls may go on


def test_a_tampered_unsubscribe_token_is_refused_and_changes_nothing(team: Team) -> None:
    configure(team)
    contact_id = contact(team)
    other = contact(team, email="bob@example.com")
    path = unsubscribe_path(team, contact_id)
    token = path.rsplit("/", 1)[1]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    payload, _, signature = token.partition(".")
    forged = unsubscribe_path(team, other).rsplit("/", 1)[1].partition(".")[0] + "." + signature

    for bad in (flipped, forged, "nonsense", payload):
        assert team.client.get(f"/unsubscribe/{bad}").status_code == 422
        assert team.client.post(f"/unsubscribe/{bad}").status_code == 422

    assert email_state(team, contact_id) == (False, 0)
    assert email_state(team, other) == (False, 0)


def feed_path(url: str) -> str:
    return url.removeprefix("https://ringback.example.com")


def test_the_calendar_feed_lists_the_users_appointments_and_promised_call_backs(
    team: Team,
) -> None:
    configure(team)
    alice_id = contact(team)
    bob_id = contact(team, full_name="Bob Stone", first_name="Bob", email="bob@example.com")
    factory = team.app.uow_factory()
    mine = book_appointment(factory, OLIVIA, alice_id, NOW + timedelta(days=2), NOW)
    book_appointment(factory, Actor("ravi", Role.ADMIN), alice_id, NOW + timedelta(days=3), NOW)
    promised = NOW + timedelta(days=1, hours=2)
    log_touch(
        factory,
        Touch(bob_id, Channel.CALL, Outcome.CALL_LATER, NOW, user="olivia", next_at=promised),
    )
    url = calendar.calendar_url(factory, team.app.mail_setup(), "olivia")

    response = TestClient(team.client.app).get(feed_path(url))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    assert mine.appointment.uid in events  # ravi's appointment is not olivia's
    assert len(events) == 2
    promise = next(e for uid, e in events.items() if uid.startswith("promise-"))
    assert "Bob Stone" in str(promise["summary"])
    assert promise.decoded("dtstart") == promised
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["America/New_York"]
    assert vobject.readOne(response.text).vevent is not None
    for event in events.values():  # feed_reminder_minutes: 10 by default
        [alarm] = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == -timedelta(minutes=10)
        assert str(alarm["description"]) == str(event["summary"])


def test_the_feed_reminds_as_set_and_drops_cancelled_appointments(team: Team) -> None:
    configure(team)
    alice_id = contact(team)
    factory = team.app.uow_factory()
    kept = book_appointment(factory, OLIVIA, alice_id, NOW + timedelta(days=2), NOW)
    gone = book_appointment(factory, OLIVIA, alice_id, NOW + timedelta(days=4), NOW)
    cancel_appointment(factory, OLIVIA, gone.appointment.id, NOW)
    path = feed_path(calendar.calendar_url(factory, team.app.mail_setup(), "olivia"))

    team.app.settings.feed_reminder_minutes = 30
    thirty = icalendar.Calendar.from_ical(TestClient(team.client.app).get(path).content)
    team.app.settings.feed_reminder_minutes = 0
    none = icalendar.Calendar.from_ical(TestClient(team.client.app).get(path).content)

    alarms = {str(e["uid"]): e.walk("VALARM") for e in thirty.walk("VEVENT")}
    assert [a.decoded("trigger") for a in alarms[kept.appointment.uid]] == [-timedelta(minutes=30)]
    assert gone.appointment.uid not in alarms
    assert [a for e in none.walk("VEVENT") for a in e.walk("VALARM")] == []


def test_rotating_the_feed_turns_the_old_url_off(team: Team) -> None:
    configure(team)
    factory, setup = team.app.uow_factory(), team.app.mail_setup()
    old = calendar.calendar_url(factory, setup, "olivia")
    assert calendar.calendar_url(factory, setup, "olivia") == old  # stable until rotated

    new = calendar.rotate_calendar_url(factory, setup, "olivia", NOW)

    assert new != old
    assert team.client.get(feed_path(old)).status_code == 404
    assert team.client.get(feed_path(new)).status_code == 200
    token = feed_path(new).removeprefix("/calendar/").removesuffix(".ics")
    assert team.client.get(f"/calendar/{token[:-2]}xx.ics").status_code == 422


def _invite(received: Collector, index: int) -> tuple[icalendar.Calendar, str]:
    message = received.received[index].message
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") in ("REQUEST", "CANCEL")
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return icalendar.Calendar.from_ical(data), str(part.get_param("method"))


def test_invites_request_then_update_with_sequence_then_cancel(team: Team) -> None:
    configure(team)
    alice_id = contact(team)
    factory, setup = team.app.uow_factory(), team.app.mail_setup()
    booked = book_appointment(factory, OLIVIA, alice_id, NOW + timedelta(days=2), NOW)
    appointment_id = booked.appointment.id
    assert appointment_id is not None
    calendar.queue_invite(factory, setup, OLIVIA, appointment_id, NOW)
    moved = NOW + timedelta(days=3)
    change_appointment(
        factory, OLIVIA, appointment_id, {"start": moved, "end": moved + timedelta(minutes=30)}, NOW
    )
    calendar.queue_invite(factory, setup, OLIVIA, appointment_id, NOW)
    change_appointment(factory, OLIVIA, appointment_id, {"cancelled": True}, NOW)
    calendar.queue_invite(factory, setup, OLIVIA, appointment_id, NOW)
    collector = Collector()

    with smtp_server(collector) as config:
        report = send_due(factory, SmtpSender(config), FROM, NOW)

    assert len(report.sent) == 3
    seen = []
    for index in range(3):
        parsed, method = _invite(collector, index)
        [event] = parsed.walk("VEVENT")
        assert str(event["uid"]) == booked.appointment.uid
        assert str(parsed["method"]) == method
        assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["America/New_York"]
        assert "alice@example.com" in str(event["attendee"])
        assert vobject.readOne(parsed.to_ical().decode()).vevent.uid.value == booked.appointment.uid
        seen.append((method, int(event["sequence"]), event.decoded("dtstart")))
    assert seen == [
        ("REQUEST", 0, NOW + timedelta(days=2)),
        ("REQUEST", 1, moved),
        ("CANCEL", 2, moved),
    ]
    subjects = [r.message["Subject"] for r in collector.received]
    assert subjects[0].startswith("Invitation") and subjects[2].startswith("Cancelled")
    with factory() as uow:  # invites are not cadence emails: no touch logged
        assert uow.touches.for_contact(alice_id) == []
