"""Logging touches: append to history and update the follow-up state in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from ringback.domain.access import Actor, can_see_contact
from ringback.domain.errors import NotFound, RingbackError
from ringback.domain.model import Appointment, Contact, FollowUpState, NextStepKind, Touch
from ringback.domain.state import advance
from ringback.domain.touches import check_touch, implied_next_kind
from ringback.services.cadences import CadenceFor, stored_cadence_for
from ringback.services.contacts import UowFactory
from ringback.services.ports import UnitOfWork

DEFAULT_APPOINTMENT_LENGTH = timedelta(minutes=30)


@dataclass(frozen=True)
class Logged:
    touch: Touch
    state: FollowUpState
    appointment: Appointment | None = None
    duplicate: bool = False


def log_touch(uow_factory: UowFactory, touch: Touch) -> Logged:
    """Append `touch` and advance the contact's state (O(1) in history length).

    A touch whose `external_id` was already logged (a retried webhook or a re-run
    import) is not logged again; the earlier one is returned.
    """
    with uow_factory() as uow:
        logged = record_touch(uow, touch)
        uow.commit()
    return logged


class BatchRefused(RingbackError):
    """One touch of a batch was refused, so none of the batch was logged."""

    def __init__(self, index: int, error: RingbackError) -> None:
        self.index = index
        self.error = error
        super().__init__(f"touch {index}: {error}")


def log_touches(uow_factory: UowFactory, touches: Sequence[Touch], actor: Actor) -> list[Logged]:
    """Log `touches` in order in one transaction: all of them, or none (PRODUCT.md §7).

    Each must be on a contact `actor` may see (domain/access.py); an unseen one is
    NotFound. Touches already logged (same `external_id`) come back as duplicates.
    """
    logged: list[Logged] = []
    with uow_factory() as uow:
        cadence_for = stored_cadence_for(uow)
        for index, touch in enumerate(touches):
            try:
                logged.append(_record_as(uow, touch, actor, cadence_for))
            except RingbackError as error:
                raise BatchRefused(index, error) from error
        uow.commit()
    return logged


def _record_as(uow: UnitOfWork, touch: Touch, actor: Actor, cadence_for: CadenceFor) -> Logged:
    contact = uow.contacts.get(touch.contact_id)  # NotFound for an unknown contact
    if not can_see_contact(actor, contact.owner):
        raise NotFound(f"no contact with id {touch.contact_id}")
    for contact_id in _earlier_contact(uow, touch):
        owners = uow.contacts.owners([contact_id])
        if contact_id not in owners or not can_see_contact(actor, owners[contact_id]):
            raise NotFound(f"no contact with id {contact_id}")
    return record_touch(uow, touch, cadence_for, contact=contact)


def _earlier_contact(uow: UnitOfWork, touch: Touch) -> tuple[int, ...]:
    """A retried touch's original contact: its owner must be visible too."""
    if touch.external_id is None:
        return ()
    earlier = uow.touches.by_external_id(touch.external_id)
    return () if earlier is None else (earlier.contact_id,)


def record_touch(
    uow: UnitOfWork,
    touch: Touch,
    cadence_for: CadenceFor | None = None,
    *,
    contact: Contact | None = None,
) -> Logged:
    """The body of log_touch inside a caller's unit of work (batch imports use it).

    Without `cadence_for` the stored cadences are read; a batch passes them once.
    `contact` is the touch's contact when the caller has just loaded it.
    """
    if touch.external_id is not None:
        earlier = uow.touches.by_external_id(touch.external_id)
        if earlier is not None:
            return Logged(earlier, uow.states.get(earlier.contact_id), duplicate=True)
    uow.contacts.lock(touch.contact_id)  # state read, advanced and saved by one writer
    if contact is None or contact.id != touch.contact_id:
        contact = uow.contacts.get(touch.contact_id)  # NotFound for an unknown contact
    state = uow.states.get(touch.contact_id)
    next_kind = implied_next_kind(touch)
    if next_kind is not touch.next_kind:
        touch = replace(touch, next_kind=next_kind)
    check_touch(touch, state)
    saved = uow.touches.add(touch)
    cadence = (cadence_for or stored_cadence_for(uow))(contact)
    new_state = advance(state, saved, cadence, contact=contact)
    uow.states.save(new_state)
    appointment = _book_if_appointment(uow, saved)
    return Logged(saved, new_state, appointment)


def _book_if_appointment(uow: UnitOfWork, touch: Touch) -> Appointment | None:
    if touch.next_kind is not NextStepKind.APPOINTMENT or touch.next_at is None:
        return None
    appointment = Appointment(
        contact_id=touch.contact_id,
        start=touch.next_at,
        end=touch.next_at + DEFAULT_APPOINTMENT_LENGTH,
        uid=f"{uuid.uuid4()}@ringback",
        phone=touch.phone,
        user=touch.user,
        scope=touch.next_scope,
    )
    return uow.appointments.add(appointment)
