"""Calendars (issue 6): appointment invites by email, and each user's calendar feed.

An invite is the appointment's iCalendar file (R3): METHOD:REQUEST while it stands,
with SEQUENCE grown on every change so calendars update the one event, and
METHOD:CANCEL once cancelled; it goes to the contact through the outbox.

The feed is a secret URL per user, signed (adapters/auth/signed_links.py) with the
feed's generation: `rotate_calendar_url` bumps the generation, which turns every
older URL off. It lists the user's appointments and the promised call-backs on
contacts they own or that are reserved for them, from 30 days back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from ringback.adapters.auth.signed_links import feed_token, read_feed_token
from ringback.adapters.documents.ics import Promise, appointment_ics, feed_ics, in_zone
from ringback.adapters.email.message import Address, CalendarPart, Outgoing
from ringback.domain.access import Actor
from ringback.domain.errors import InvalidField, NotFound, RuleRefusal
from ringback.domain.model import Appointment, Contact, utc
from ringback.domain.outbox import JobKind, OutboxJob
from ringback.services.appointments import Booked, get_appointment
from ringback.services.contacts import UowFactory
from ringback.services.outbox import MailSetup, enqueue
from ringback.services.ports import AppointmentQuery, UnitOfWork
from ringback.services.touches import Logged

FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=366)
_PAGE = 500


def queue_invite(
    uow_factory: UowFactory, setup: MailSetup, actor: Actor, appointment_id: int, now: datetime
) -> OutboxJob:
    """Email the appointment's current invite (or its cancellation) to the contact."""
    booked = get_appointment(uow_factory, actor, appointment_id)
    appointment, contact = booked.appointment, booked.contact
    sender = setup.from_address()
    organizer = (sender.name or sender.email, sender.email)
    data = appointment_ics(appointment, contact, utc(now), organizer=organizer)
    method = "CANCEL" if appointment.cancelled else "REQUEST"
    outgoing = Outgoing(
        sender=sender,
        recipient=Address(contact.email or "", contact.full_name),
        subject=_invite_subject(appointment, contact),
        text=_invite_text(appointment, contact, sender),
        date=utc(now),
        calendar=CalendarPart(data, method, f"{method.lower()}-{appointment.id}.ics"),
    )
    return enqueue(uow_factory, contact, outgoing, JobKind.INVITE, utc(now), actor.name)


def invite_on_change(
    uow_factory: UowFactory,
    setup: MailSetup,
    actor: Actor,
    booked: Booked,
    now: datetime,
    *,
    enabled: bool = True,
) -> OutboxJob | None:
    """After booking, moving or cancelling: queue the new REQUEST (SEQUENCE grown) or the
    CANCEL for the contact, when the setting `invite_on_booking` (`enabled`) is on, mail
    is set up (a From address and the public URL) and the contact has an email address.
    None when nothing was queued: the booking stands either way, as without mail. A
    contact who asked for no email (R12) or whose address bounced (R11) gets none."""
    appointment_id = booked.appointment.id
    if not (_invites_go_out(setup, enabled) and booked.new_invite and booked.contact.email):
        return None
    if appointment_id is None:
        return None
    try:
        return queue_invite(uow_factory, setup, actor, appointment_id, now)
    except (RuleRefusal, InvalidField):
        return None


def invite_for_logged(
    uow_factory: UowFactory,
    setup: MailSetup,
    actor: Actor,
    logged: Logged,
    now: datetime,
    *,
    enabled: bool = True,
) -> OutboxJob | None:
    """A touch whose next step is an appointment booked it (R3): its invite, as
    `invite_on_change` sends one. None for other touches and for a repeated one."""
    appointment = logged.appointment
    if appointment is None or appointment.id is None or logged.duplicate:
        return None
    if not _invites_go_out(setup, enabled):
        return None
    booked = replace(get_appointment(uow_factory, actor, appointment.id), new_invite=True)
    return invite_on_change(uow_factory, setup, actor, booked, now, enabled=enabled)


def _invites_go_out(setup: MailSetup, enabled: bool) -> bool:
    return enabled and setup.sender is not None and bool(setup.public_url)


def _invite_subject(appointment: Appointment, contact: Contact) -> str:
    when = _local(appointment.start, contact)
    if appointment.cancelled:
        return f"Cancelled: {appointment.title} on {when}"
    if appointment.sequence > 0:
        return f"Updated: {appointment.title} on {when}"
    return f"Invitation: {appointment.title} on {when}"


def _invite_text(appointment: Appointment, contact: Contact, sender: Address) -> str:
    when = _local(appointment.start, contact)
    who = sender.name or sender.email
    if appointment.cancelled:
        return f"Hello {contact.first_name},\n\nOur call on {when} is cancelled.\n\n{who}"
    moved = "has moved to" if appointment.sequence > 0 else "is set for"
    return (
        f"Hello {contact.first_name},\n\nOur call {moved} {when} (your time). "
        f"The invite is attached for your calendar.\n\n{who}"
    )


def _local(instant: datetime, contact: Contact) -> str:
    return in_zone(instant, contact.timezone).strftime("%a %d %b %Y, %H:%M %Z")


def _feed_key(user: str) -> str:
    return f"calendar_feed.{user}"


def _generation(uow: UnitOfWork, user: str) -> int:
    stored = uow.settings.get(_feed_key(user))
    return int(stored["generation"]) if isinstance(stored, dict) else 0


def calendar_url(uow_factory: UowFactory, setup: MailSetup, user: str) -> str:
    """The user's secret feed URL (the same until rotated)."""
    with uow_factory() as uow:
        generation = _generation(uow, user)
    return setup.link(f"calendar/{feed_token(setup.secret, user, generation)}.ics")


def rotate_calendar_url(uow_factory: UowFactory, setup: MailSetup, user: str, now: datetime) -> str:
    """A new feed URL for the user; the old one stops working at once."""
    with uow_factory() as uow:
        generation = _generation(uow, user) + 1
        uow.settings.save(_feed_key(user), {"generation": generation}, utc(now))
        uow.commit()
    return setup.link(f"calendar/{feed_token(setup.secret, user, generation)}.ics")


def calendar_feed(
    uow_factory: UowFactory,
    secret: str,
    token: str,
    now: datetime,
    remind_before: timedelta | None = None,
) -> bytes:
    """The feed a genuine, current token names, each event with a reminder
    `remind_before` it (None: none); InvalidField or NotFound otherwise."""
    user, generation = read_feed_token(secret, token)
    now = utc(now)
    with uow_factory() as uow:
        account = uow.users.by_name(user)
        if account is None or not account.active or _generation(uow, user) != generation:
            raise NotFound("no such calendar (the link may have been replaced)")
        appointments = _appointments_of(uow, user, now)
        promises = _promises_of(uow, user, now)
    return feed_ics(f"Ringback: {user}", appointments, promises, now, remind_before)


def _appointments_of(
    uow: UnitOfWork, user: str, now: datetime
) -> list[tuple[Appointment, Contact]]:
    query = AppointmentQuery(start=now - FEED_PAST, end=now + FEED_FUTURE, limit=_PAGE)
    mine: list[Appointment] = []
    while True:
        page = uow.appointments.find(query)
        mine.extend(a for a in page if a.user == user)
        if len(page) < _PAGE:
            break
        query = replace(query, after_id=page[-1].id or 0)
    contacts = uow.contacts.get_many(sorted({a.contact_id for a in mine}))
    return [(a, contacts[a.contact_id]) for a in mine if a.contact_id in contacts]


def _promises_of(uow: UnitOfWork, user: str, now: datetime) -> list[Promise]:
    states = [
        s
        for s in uow.states.booked(now + FEED_FUTURE)
        if s.promised_at is not None and s.promised_at >= now - FEED_PAST
    ]
    contacts = uow.contacts.get_many([s.contact_id for s in states])
    promises = []
    for state in states:
        contact = contacts.get(state.contact_id)
        mine = state.booked_for == user or (
            state.booked_for is None and contact and contact.owner == user
        )
        if contact is not None and mine and state.promised_at is not None:
            promises.append(Promise(contact, state.promised_at))
    return promises
