"""Use cases about contacts: add one, find one from what a user typed, show one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ringback.domain.cadence import DEFAULT_CADENCE
from ringback.domain.errors import NotFound, unknown_cadence
from ringback.domain.model import Appointment, Contact, FollowUpState, Status, Touch
from ringback.domain.phone import lookup_key
from ringback.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def add_contact(uow_factory: UowFactory, contact: Contact, now: datetime) -> Contact:
    """Store a new contact; it is due for a first touch from `now` (R1).

    A cadence key must name a stored cadence or the default: InvalidField otherwise.
    """
    with uow_factory() as uow:
        check_cadence_key(uow, contact.cadence)
        saved = uow.contacts.add(contact)
        assert saved.id is not None
        uow.states.save(FollowUpState(contact_id=saved.id, status=Status.NEW, next_due_at=now))
        uow.commit()
    return saved


def known_cadence_keys(uow: UnitOfWork) -> frozenset[str]:
    return frozenset({DEFAULT_CADENCE.key, *(cadence.key for cadence in uow.cadences.list())})


def check_cadence_key(uow: UnitOfWork, key: str | None) -> None:
    """Refuse a contact's cadence key that names no cadence (issue 3: never a silent
    fallback to the default)."""
    if key is None:
        return
    known = known_cadence_keys(uow)
    if key not in known:
        raise unknown_cadence(key, known)


def find_contact(uow: UnitOfWork, ref: str, default_region: str) -> Contact:
    """Resolve a contact from an id, a phone number in any format, an email or a name.

    A name must match exactly one contact; otherwise the error lists the candidates.
    """
    text = ref.strip()
    if text.isdigit() and len(text) < 9:
        return uow.contacts.get(int(text))
    if "@" in text:
        return _only(uow.contacts.by_email(text), ref)
    key = lookup_key(text, default_region) if any(c.isdigit() for c in text) else None
    if key is not None:
        return _only(uow.contacts.by_phone(key), ref)
    return _only(uow.contacts.search_name(text, limit=10), ref)


def _only(found: list[Contact], ref: str) -> Contact:
    if not found:
        raise NotFound(f"no contact matches {ref!r}")
    exact = [c for c in found if c.full_name.casefold() == ref.strip().casefold()]
    if len(found) > 1 and len(exact) == 1:
        return exact[0]
    if len(found) > 1:
        names = ", ".join(f"{c.full_name} (#{c.id})" for c in found[:10])
        raise NotFound(f"{ref!r} matches several contacts: {names}; use the id")
    return found[0]


@dataclass(frozen=True)
class ContactOverview:
    contact: Contact
    state: FollowUpState
    touches: list[Touch]
    appointments: list[Appointment]


def contact_overview(uow_factory: UowFactory, ref: str, default_region: str) -> ContactOverview:
    with uow_factory() as uow:
        contact = find_contact(uow, ref, default_region)
        assert contact.id is not None
        return ContactOverview(
            contact=contact,
            state=uow.states.get(contact.id),
            touches=uow.touches.for_contact(contact.id),
            appointments=uow.appointments.for_contact(contact.id),
        )
