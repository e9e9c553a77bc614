"""Appointments: book, reschedule and cancel calls at a set time (R3, R18).

An appointment is a row (with an iCalendar UID and SEQUENCE, so invites can be
updated and cancelled); the contact's follow-up state keeps the earliest upcoming
one in `appointment_at`, which puts it first in the plan (R18). Cancelling keeps
the row, marked cancelled, so a CANCEL invite can still be produced.

Visibility follows domain/access.py: a rep sees appointments of contacts they may
see, except another user's USERONLY ones; anything else is NotFound.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ringback.domain.access import Actor, can_see_appointment, contact_filter
from ringback.domain.errors import InvalidField, NotFound, RuleRefusal
from ringback.domain.model import (
    Appointment,
    CallbackScope,
    Contact,
    FollowUpState,
    Status,
    utc,
)
from ringback.domain.state import BOOKED_GRACE, reassess
from ringback.services.cadences import stored_cadence_for
from ringback.services.contacts import UowFactory
from ringback.services.directory import visible_contact
from ringback.services.ports import AppointmentQuery, UnitOfWork

DEFAULT_LENGTH = timedelta(minutes=30)
# Changing any of these makes a new version of the invite (RFC 5545 SEQUENCE).
_SCHEDULE_FIELDS = frozenset({"start", "end", "cancelled", "title", "phone", "we_call"})
EDITABLE = frozenset({*_SCHEDULE_FIELDS, "scope"})


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    contact: Contact
    new_invite: bool = False  # booked, moved or cancelled: the contact's calendar needs it


@dataclass(frozen=True)
class AppointmentPage:
    items: list[Appointment]
    next_after: int | None  # pass as `after_id` for the next page; None: no more


def list_appointments(
    uow_factory: UowFactory, actor: Actor, query: AppointmentQuery
) -> AppointmentPage:
    """A page of the appointments `actor` may see, by id.

    Another user's USERONLY appointments are left out after reading, so a page may
    hold fewer than `query.limit` items and still have a next one.
    """
    with uow_factory() as uow:
        found = uow.appointments.find(replace(query, visible=contact_filter(actor)))
        owners = uow.contacts.owners(sorted({a.contact_id for a in found}))
    visible = [a for a in found if _visible(actor, a, owners.get(a.contact_id))]
    full = len(found) == query.limit and found
    return AppointmentPage(visible, found[-1].id if full else None)


def get_appointment(uow_factory: UowFactory, actor: Actor, appointment_id: int) -> Booked:
    with uow_factory() as uow:
        return _visible_booked(uow, actor, appointment_id)


def book_appointment(
    uow_factory: UowFactory,
    actor: Actor,
    contact_id: int,
    start: datetime,
    now: datetime,
    *,
    end: datetime | None = None,
    title: str = "Call",
    we_call: bool = True,
    phone: str | None = None,
    scope: CallbackScope = CallbackScope.ANYONE,
) -> Booked:
    """A new appointment on a contact the actor may see, booked by the actor."""
    start = utc(start)
    appointment = Appointment(
        contact_id=contact_id,
        start=start,
        end=utc(end) if end is not None else start + DEFAULT_LENGTH,
        uid=f"{uuid.uuid4()}@ringback",
        title=title,
        we_call=we_call,
        phone=phone,
        user=actor.name,
        scope=scope,
    )
    _check_times(appointment)
    with uow_factory() as uow:
        contact = visible_contact(uow, actor, contact_id)
        if uow.states.get(contact_id).status is Status.DO_NOT_CONTACT:
            raise RuleRefusal("R12", "this contact asked not to be contacted; nothing is booked")
        saved = uow.appointments.add(appointment)
        _sync_state(uow, contact, now)
        uow.commit()
    return Booked(saved, contact, new_invite=True)


def change_appointment(
    uow_factory: UowFactory,
    actor: Actor,
    appointment_id: int,
    changes: Mapping[str, Any],
    now: datetime,
) -> Booked:
    """Apply `changes` (keys of EDITABLE); a new time or a cancellation bumps SEQUENCE."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidField(sorted(unknown)[0], "cannot be changed")
    with uow_factory() as uow:
        booked = _visible_booked(uow, actor, appointment_id)
        current = booked.appointment
        values: dict[str, Any] = {
            k: utc(v) if isinstance(v, datetime) else v for k, v in changes.items()
        }
        changed = replace(current, **values)
        rescheduled = any(getattr(changed, k) != getattr(current, k) for k in _SCHEDULE_FIELDS)
        if rescheduled:
            changed.sequence += 1
        _check_times(changed)
        uow.appointments.update(changed)
        _sync_state(uow, booked.contact, now)
        uow.commit()
    return Booked(changed, booked.contact, new_invite=rescheduled)


def cancel_appointment(
    uow_factory: UowFactory, actor: Actor, appointment_id: int, now: datetime
) -> Booked:
    return change_appointment(uow_factory, actor, appointment_id, {"cancelled": True}, now)


def _check_times(appointment: Appointment) -> None:
    if appointment.end <= appointment.start:
        raise InvalidField("end", "must come after start")


def _visible(actor: Actor, appointment: Appointment, owner: str | None) -> bool:
    return can_see_appointment(actor, owner, appointment.user, appointment.scope)


def _visible_booked(uow: UnitOfWork, actor: Actor, appointment_id: int) -> Booked:
    appointment = uow.appointments.get(appointment_id)
    contact = uow.contacts.get(appointment.contact_id)
    if not _visible(actor, appointment, contact.owner):
        raise NotFound(f"no appointment with id {appointment_id}")
    return Booked(appointment, contact)


def _sync_state(uow: UnitOfWork, contact: Contact, now: datetime) -> None:
    """The state's `appointment_at` is the earliest upcoming appointment (R3, R18)."""
    assert contact.id is not None
    state = uow.states.get(contact.id)
    upcoming = sorted(
        (
            a
            for a in uow.appointments.for_contact(contact.id)
            if not a.cancelled and a.start >= now - BOOKED_GRACE
        ),
        key=lambda a: a.start,
    )
    state = _with_appointment(state, upcoming[0] if upcoming else None)
    uow.states.save(reassess(state, contact, stored_cadence_for(uow)(contact)))


def _with_appointment(state: FollowUpState, first: Appointment | None) -> FollowUpState:
    if first is None:
        booked_for = state.booked_for if state.promised_at is not None else None
        return replace(state, appointment_at=None, booked_for=booked_for)
    promise_reserved = state.booked_for if state.promised_at is not None else None
    reserved = first.user if first.scope is CallbackScope.USERONLY else promise_reserved
    return replace(state, appointment_at=first.start, booked_for=reserved)
