"""Invites go out by themselves (issue 6, R3): booking, moving or cancelling an
appointment through the API or the contact page queues the REQUEST, the updated
REQUEST (SEQUENCE + 1) or the CANCEL for the contact, once mail is set up and
`invite_on_booking` is on. Without mail set up, booking works as before."""

from __future__ import annotations

import email
import re
from dataclasses import replace
from typing import Any

import icalendar
from conftest import Pages, Team

from ringback.domain.outbox import JobKind, OutboxJob

START = "2030-01-07T15:00:00Z"  # a Monday, safely in the future


def set_up_mail(team: Team) -> None:
    settings = team.app.settings
    settings.public_base_url = "https://ringback.example.com"
    settings.mail_from = "olivia@brightside.example"
    settings.sender_name = "Olivia Grant"


def invites(team: Team) -> list[OutboxJob]:
    """The queued invites, oldest first."""
    with team.app.uow_factory()() as uow:
        return [job for job in reversed(uow.outbox.recent()) if job.kind is JobKind.INVITE]


def calendar_of(job: OutboxJob) -> Any:
    message = email.message_from_string(job.message)
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def method_and_sequence(job: OutboxJob) -> tuple[str, int]:
    calendar = calendar_of(job)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), int(event["SEQUENCE"])


def book(team: Team, contact_id: int) -> dict[str, Any]:
    body = {"contact_id": contact_id, "start": START, "title": "Intro call"}
    response = team.api("olivia", "POST", "/appointments", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def test_booking_moving_and_cancelling_through_the_api_send_each_invite(team: Team) -> None:
    set_up_mail(team)
    contact = team.add_contact(email="alice@example.com")
    appointment = book(team, contact["id"])
    path = f"/appointments/{appointment['id']}"

    team.api("olivia", "PATCH", path, json={"scope": "useronly"})  # not in her calendar
    moved = team.api("olivia", "PATCH", path, json={
        "start": "2030-01-08T15:00:00Z", "end": "2030-01-08T15:30:00Z",
    })  # fmt: skip
    cancelled = team.api("olivia", "DELETE", path)

    assert (moved.status_code, cancelled.status_code) == (200, 200)
    sent = invites(team)
    assert [method_and_sequence(job) for job in sent] == [
        ("REQUEST", 0),
        ("REQUEST", 1),
        ("CANCEL", 2),
    ]
    assert {job.to_address for job in sent} == {"alice@example.com"}
    assert [job.subject.split(":")[0] for job in sent] == ["Invitation", "Updated", "Cancelled"]
    (event,) = calendar_of(sent[1]).walk("VEVENT")
    assert str(event["UID"]) == appointment["uid"]  # the same event, moved


def test_with_the_setting_off_invites_go_only_on_request(team: Team) -> None:
    set_up_mail(team)
    team.app.settings.invite_on_booking = False
    contact = team.add_contact(email="alice@example.com")
    appointment = book(team, contact["id"])
    assert invites(team) == []

    asked = team.api("olivia", "POST", f"/appointments/{appointment['id']}/invite")
    assert asked.status_code == 201, asked.text
    assert len(invites(team)) == 1


def test_without_mail_set_up_or_an_address_booking_works_as_before(team: Team) -> None:
    with_email = team.add_contact(email="alice@example.com")
    book(team, with_email["id"])  # no From address, no public URL
    team.app.settings.mail_from = "olivia@brightside.example"
    book(team, with_email["id"])  # no public URL yet
    set_up_mail(team)
    no_email = team.add_contact(full_name="Bo Lindqvist", phone="+1 212 555 0177")
    book(team, no_email["id"])
    assert invites(team) == []


def test_a_contact_who_unsubscribed_from_email_is_booked_without_one_r12(team: Team) -> None:
    set_up_mail(team)
    contact = team.add_contact(email="alice@example.com")
    with team.app.uow_factory()() as uow:
        state = uow.states.get(contact["id"])
        uow.states.save(replace(state, email_opted_out=True))
        uow.commit()

    appointment = book(team, contact["id"])

    assert appointment["sequence"] == 0
    assert invites(team) == []
    asked = team.api("olivia", "POST", f"/appointments/{appointment['id']}/invite")
    assert asked.status_code == 422  # asked for, the refusal is shown
    assert "unsubscribed" in asked.text


def test_the_contact_page_books_and_cancels_with_invites(pages: Pages) -> None:
    team = pages.team
    set_up_mail(team)
    alice = team.add_contact(email="alice@example.com")

    pages.post(
        "rita", f"/contacts/{alice['id']}/appointments",
        {"start": "2026-03-05T11:00", "zone": "contact", "minutes": "45", "title": "Intro"},
    )  # fmt: skip
    page = pages.get("rita", f"/contacts/{alice['id']}").text
    assert "The invite goes to alice@example.com." in page
    (appointment_id,) = re.findall(r'href="/appointments/(\d+)\.ics"', page)
    pages.post("rita", f"/appointments/{appointment_id}/cancel", {})

    assert (
        "the cancellation goes to alice@example.com"
        in pages.get("rita", f"/contacts/{alice['id']}").text
    )
    assert [method_and_sequence(job) for job in invites(team)] == [("REQUEST", 0), ("CANCEL", 1)]


def test_a_logged_touch_that_books_an_appointment_sends_its_invite_r3(team: Team) -> None:
    set_up_mail(team)
    contact = team.add_contact(email="alice@example.com")
    touch = {
        "contact_id": contact["id"],
        "channel": "call",
        "outcome": "connected",
        "next_kind": "appointment",
        "next_at": START,
    }
    logged = team.api("olivia", "POST", "/touches", json=touch)
    assert logged.status_code == 201, logged.text
    no_answer = {"contact_id": contact["id"], "channel": "call", "outcome": "no_answer"}
    assert team.api("olivia", "POST", "/touches", json=no_answer).status_code == 201

    [invite] = invites(team)
    assert method_and_sequence(invite) == ("REQUEST", 0)
    (event,) = calendar_of(invite).walk("VEVENT")
    assert str(event["UID"]) == logged.json()["appointment"]["uid"]


def test_the_log_form_booking_an_appointment_says_where_its_invite_goes(pages: Pages) -> None:
    team = pages.team
    set_up_mail(team)
    alice = team.add_contact(email="alice@example.com")

    pages.post(
        "rita", f"/contacts/{alice['id']}/log",
        {"outcome": "connected", "next_kind": "appointment", "next_at": "2026-03-05T16:00",
         "next_zone": "user"},
    )  # fmt: skip

    assert (
        "The invite goes to alice@example.com."
        in pages.get("rita", f"/contacts/{alice['id']}").text
    )
    assert [method_and_sequence(job) for job in invites(team)] == [("REQUEST", 0)]
