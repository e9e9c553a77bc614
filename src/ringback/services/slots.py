"""Propose two times for a call, and the email that offers them (R9, R10).

Reads the contact, its follow-up state, the team's policy (calling windows, R5)
and the appointments that make the user busy, then asks domain/slots.py. Busy
means every appointment that is not cancelled and is the user's, the team's (no
user), or with this same contact — a person is never offered a time they already
have. Nothing is stored: the proposal becomes an appointment only when the
contact accepts a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ringback.domain.call_email import CallEmail, compose_call_email
from ringback.domain.clock import Span
from ringback.domain.errors import RuleRefusal
from ringback.domain.model import Appointment, Contact, Status, utc
from ringback.domain.policy import Policy
from ringback.domain.sender import Sender
from ringback.domain.slots import (
    DEFAULT_BUFFER,
    DEFAULT_DURATION,
    DEFAULT_LEAD,
    SlotOptions,
    SlotProposal,
    propose_slots,
)
from ringback.domain.trace import last_refusal
from ringback.services.contacts import UowFactory
from ringback.services.team_settings import stored_policy

# Appointments that started this long before the search may still be running.
LONGEST_APPOINTMENT = timedelta(days=1)


@dataclass(frozen=True)
class CallProposal:
    contact: Contact
    proposal: SlotProposal
    duration: timedelta


def propose_call_times(
    uow_factory: UowFactory,
    contact_id: int,
    now: datetime,
    user: str | None,
    duration: timedelta = DEFAULT_DURATION,
    *,
    lead: timedelta = DEFAULT_LEAD,
    buffer: timedelta = DEFAULT_BUFFER,
    policy: Policy | None = None,
) -> CallProposal:
    """Two call slots for the contact, free in `user`'s appointments (R5, R9).

    RuleRefusal R12 for a contact who asked not to be contacted; RuleRefusal with
    the refusing rule (R5) when no time is free in the search range.
    """
    now = utc(now)
    options = SlotOptions(duration=duration, lead=lead, buffer=buffer)
    with uow_factory() as uow:
        contact = uow.contacts.get(contact_id)
        if uow.states.get(contact_id).status is Status.DO_NOT_CONTACT:
            raise RuleRefusal("R12", f"{contact.first_name} asked not to be contacted")
        policy = policy or stored_policy(uow)
        start = now + lead - LONGEST_APPOINTMENT
        end = now + lead + timedelta(days=policy.search_days + 1)
        appointments = uow.appointments.between(start, end)
    busy = busy_spans(appointments, user, contact_id)
    proposal = propose_slots(contact, policy, busy, now, options)
    if not proposal.slots:
        refusal = last_refusal(proposal.trace)
        rule, message = (refusal.rule, refusal.message) if refusal else ("R5", "no free time")
        raise RuleRefusal(rule, message)
    return CallProposal(contact, proposal, duration)


def busy_spans(
    appointments: Sequence[Appointment], user: str | None, contact_id: int
) -> list[Span]:
    """The spans that keep `user` busy: see the module docstring."""
    return [
        Span(utc(a.start), utc(a.end))
        for a in appointments
        if not a.cancelled and (a.user in (None, user) or a.contact_id == contact_id)
    ]


def call_email(
    proposed: CallProposal,
    sender: Sender,
    *,
    body: str | None = None,
    subject: str | None = None,
) -> CallEmail:
    """The email offering the proposed slots; `body`/`subject` replace the default words."""
    return compose_call_email(
        proposed.contact,
        sender,
        proposed.proposal.slots,
        proposed.duration,
        body=body,
        subject=subject,
    )
