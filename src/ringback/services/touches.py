"""Logging touches: append to history and update the follow-up state in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from ringback.domain.model import Appointment, FollowUpState, NextStepKind, Touch
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


def record_touch(uow: UnitOfWork, touch: Touch, cadence_for: CadenceFor | None = None) -> Logged:
    """The body of log_touch inside a caller's unit of work (batch imports use it).

    Without `cadence_for` the stored cadences are read; a batch passes them once.
    """
    if touch.external_id is not None:
        earlier = uow.touches.by_external_id(touch.external_id)
        if earlier is not None:
            return Logged(earlier, uow.states.get(earlier.contact_id), duplicate=True)
    contact = uow.contacts.get(touch.contact_id)  # NotFound for an unknown contact
    state = uow.states.get(touch.contact_id)
    touch = replace(touch, next_kind=implied_next_kind(touch))
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
    )
    return uow.appointments.add(appointment)
