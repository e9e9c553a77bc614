"""`ringback log` booking an appointment as the next step (R3) emails its invite by
itself once mail is set up (issue 6), unless `invite_on_booking` is off."""

from __future__ import annotations

import email
import json

import icalendar

from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import sql_uow_factory
from ringback.domain.outbox import JobKind
from tests.integration.mail.test_cli_mail import add, run

BOOKING = ("--channel", "call", "--outcome", "connected", "--next-kind", "appointment",
           "--next-at", "2030-01-07T15:00:00Z", "--json")  # fmt: skip


def invite_methods(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    try:
        with sql_uow_factory(engine)() as uow:
            jobs = [job for job in uow.outbox.recent() if job.kind is JobKind.INVITE]
    finally:
        engine.dispose()
    methods = []
    for job in jobs:
        message = email.message_from_string(job.message)
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        methods.append(str(icalendar.Calendar.from_ical(part.get_payload(decode=True))["METHOD"]))
    return methods


def test_logging_a_call_that_books_an_appointment_queues_its_invite(db_url: str) -> None:
    contact = add(db_url)
    code, out, err = run(db_url, "log", contact, *BOOKING)
    assert code == 0, err
    assert json.loads(out)["invite_to"] == "alice@example.com"
    assert invite_methods(db_url) == ["REQUEST"]

    code, out, err = run(db_url, "log", contact, "--channel", "call", "--outcome", "no_answer")
    assert code == 0, err
    assert invite_methods(db_url) == ["REQUEST"]  # no appointment booked: no invite


def test_with_invites_on_booking_off_the_cli_books_without_one(db_url: str) -> None:
    contact = add(db_url)
    off = {"RINGBACK_INVITE_ON_BOOKING": "false"}
    code, out, err = run(db_url, "log", contact, *BOOKING, env=off)
    assert code == 0, err
    assert json.loads(out)["invite_to"] is None
    assert invite_methods(db_url) == []
