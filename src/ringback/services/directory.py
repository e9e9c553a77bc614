"""Contacts as each signed-in user may see and change them (domain/access.py).

Every function takes the acting user; a contact the actor may not see is reported
exactly like one that does not exist (NotFound), so its existence does not leak.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from ringback.domain.access import Actor, can_see_contact, contact_filter, may_assign
from ringback.domain.contact_input import contact_from_record, contact_to_record
from ringback.domain.errors import InvalidField, NotFound
from ringback.domain.model import Contact, FollowUpState, Touch
from ringback.domain.phone import parse_phone
from ringback.domain.state import reassess
from ringback.services.cadences import stored_cadence_for
from ringback.services.contacts import UowFactory, add_contact, check_cadence_key
from ringback.services.ports import ContactQuery, UnitOfWork


def visible_contact(uow: UnitOfWork, actor: Actor, contact_id: int) -> Contact:
    """The contact, or NotFound when it does not exist *or* the actor may not see it."""
    contact = uow.contacts.get(contact_id)
    if not can_see_contact(actor, contact.owner):
        raise NotFound(f"no contact with id {contact_id}")
    return contact


Listed = list[tuple[Contact, FollowUpState]]


def get_contact(
    uow_factory: UowFactory, actor: Actor, contact_id: int
) -> tuple[Contact, FollowUpState]:
    with uow_factory() as uow:
        contact = visible_contact(uow, actor, contact_id)
        return contact, uow.states.get(contact_id)


def list_contacts(uow_factory: UowFactory, actor: Actor, query: ContactQuery) -> Listed:
    """A page of the contacts the actor may see, with their follow-up states."""
    with uow_factory() as uow:
        found = uow.contacts.find(replace(query, visible=contact_filter(actor)))
        return _with_states(uow, found)


def lookup_phone(
    uow_factory: UowFactory, actor: Actor, raw: str, default_region: str
) -> tuple[str, Listed]:
    """(E.164, visible contacts having it) for a number in any format (R15)."""
    e164 = parse_phone(raw, default_region, field="phone").e164
    with uow_factory() as uow:
        found = [c for c in uow.contacts.by_phone(e164) if can_see_contact(actor, c.owner)]
        return e164, _with_states(uow, found)


def contact_touches(
    uow_factory: UowFactory, actor: Actor, contact_id: int, limit: int | None = None
) -> list[Touch]:
    """The contact's touches, oldest first (the last `limit` when given)."""
    with uow_factory() as uow:
        visible_contact(uow, actor, contact_id)
        return uow.touches.for_contact(contact_id, limit)


def _with_states(uow: UnitOfWork, contacts: list[Contact]) -> Listed:
    states = uow.states.get_many([c.id for c in contacts if c.id is not None])
    return [(c, states[c.id]) for c in contacts if c.id is not None]


def create_contact(
    uow_factory: UowFactory, actor: Actor, contact: Contact, now: datetime
) -> tuple[Contact, FollowUpState]:
    """Store a new contact; its owner must be one the actor may give contacts to."""
    _check_owner(uow_factory, actor, contact.owner)
    saved = add_contact(uow_factory, contact, now)
    assert saved.id is not None
    with uow_factory() as uow:
        return saved, uow.states.get(saved.id)


def update_contact(
    uow_factory: UowFactory,
    actor: Actor,
    contact_id: int,
    changes: Mapping[str, str | None],
    default_region: str,
) -> tuple[Contact, FollowUpState]:
    """Apply `changes` (record fields, as contact_from_record reads; None clears one).

    The contact is re-validated whole; its state is reassessed (a new number can
    revive a missed contact, R11; new windows move the next call, R4).
    """
    if "owner" in changes:
        _check_owner(uow_factory, actor, changes["owner"])
    with uow_factory() as uow:
        current = visible_contact(uow, actor, contact_id)
        record = contact_to_record(current)
        if "timezone" in changes:
            record.pop("timezone_source")
        if "full_name" in changes and "first_name" not in changes:
            record.pop("first_name")  # derived again from the new name
        record.update(changes)
        updated = contact_from_record(record, default_region=default_region)
        updated.id, updated.created_at = current.id, current.created_at
        if updated.cadence != current.cadence:
            check_cadence_key(uow, updated.cadence)
        uow.contacts.update(updated)
        state = uow.states.get(contact_id)
        if _new_address(current, updated):
            state = replace(state, email_bounced=False)  # a new address may work (R11)
        state = reassess(state, updated, stored_cadence_for(uow)(updated))
        uow.states.save(state)
        uow.commit()
    return updated, state


def _new_address(current: Contact, updated: Contact) -> bool:
    new, old = (updated.email or "").strip().lower(), (current.email or "").strip().lower()
    return bool(new) and new != old


def delete_contact(uow_factory: UowFactory, actor: Actor, contact_id: int) -> None:
    with uow_factory() as uow:
        visible_contact(uow, actor, contact_id)
        uow.contacts.delete(contact_id)
        uow.commit()


def _check_owner(uow_factory: UowFactory, actor: Actor, owner: str | None) -> None:
    """The owner must be a user (or None: the team) the actor may give contacts to."""
    if owner is None:
        return
    if not may_assign(actor, owner):
        raise InvalidField("owner", "you can give a contact to the team or to yourself only")
    with uow_factory() as uow:
        if uow.users.by_name(owner) is None:
            raise InvalidField("owner", f"{owner!r} is not a user")
