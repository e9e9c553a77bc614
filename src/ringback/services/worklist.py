"""What the web app's pages show in one go: the day's work with each contact, and one
contact's file (details, timeline, appointments, next action and why).

Both build on the use cases (services/plan.py, directory.py, appointments.py) and the
visibility rule of domain/access.py: a rep plans the team's contacts and their own,
and another rep's private contact does not exist for them (NotFound).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ringback.domain.access import Actor
from ringback.domain.model import Appointment, Contact, FollowUpState, Touch
from ringback.domain.planner import Plan, PlanItem
from ringback.domain.policy import Policy
from ringback.services.appointments import list_appointments
from ringback.services.contacts import UowFactory
from ringback.services.directory import visible_contact
from ringback.services.plan import Why, plan_range, why_contact
from ringback.services.ports import AppointmentQuery

TIMELINE_LIMIT = 200  # the latest touches shown on a contact's page


@dataclass(frozen=True)
class WorkItem:
    item: PlanItem
    contact: Contact
    state: FollowUpState


@dataclass(frozen=True)
class Worklist:
    plan: Plan
    items: list[WorkItem]


def planned_for(actor: Actor) -> str | None:
    """Whose work the actor's Today shows: a rep's own; owners and admins, everyone's."""
    return None if actor.sees_everything else actor.name


def todays_work(
    uow_factory: UowFactory,
    actor: Actor,
    start: datetime,
    end: datetime,
    policy: Policy | None = None,
) -> Worklist:
    """The plan for [start, end) (R18, capacity R14) with each item's contact and state."""
    plan = plan_range(uow_factory, start, end, user=planned_for(actor), policy=policy)
    ids = [item.contact_id for item in plan.items if item.contact_id is not None]
    with uow_factory() as uow:
        contacts = uow.contacts.get_many(ids)
        states = uow.states.get_many(ids)
    items = [
        WorkItem(item, contacts[item.contact_id], states[item.contact_id])
        for item in plan.items
        if item.contact_id in contacts and item.contact_id in states
    ]
    return Worklist(plan, items)


@dataclass(frozen=True)
class ContactFile:
    contact: Contact
    state: FollowUpState
    touches: list[Touch]  # the latest TIMELINE_LIMIT, newest first
    appointments: list[Appointment]  # those the actor may see, by start
    why: Why
    more_touches: bool


def contact_file(
    uow_factory: UowFactory, actor: Actor, contact_id: int, now: datetime
) -> ContactFile:
    """Everything the contact page shows; NotFound unless the actor may see the contact."""
    with uow_factory() as uow:
        contact = visible_contact(uow, actor, contact_id)
        state = uow.states.get(contact_id)
        touches = uow.touches.for_contact(contact_id, TIMELINE_LIMIT + 1)
    query = AppointmentQuery(contact_id=contact_id, include_cancelled=True, limit=500)
    booked = list_appointments(uow_factory, actor, query).items
    found = why_contact(uow_factory, contact_id, now)
    newest_first = list(reversed(touches))
    return ContactFile(
        contact,
        state,
        newest_first[:TIMELINE_LIMIT],
        sorted(booked, key=lambda a: (a.start, a.id or 0)),
        found,
        len(touches) > TIMELINE_LIMIT,
    )
