"""Which cadence a contact follows, and the user's cadences (R1, R2, issue 3).

A contact follows its own cadence key, else the one assigned to its segment, else
the default. Cadences are stored as plain data validated by `cadence_from_dict`;
reading YAML or JSON files is the caller's business (the CLI).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from ringback.domain.cadence import DEFAULT_CADENCE, Cadence, cadence_from_dict
from ringback.domain.errors import InvalidField, NotFound
from ringback.domain.model import Contact, FollowUpState
from ringback.domain.state import reassess
from ringback.services.contacts import UowFactory, find_contact
from ringback.services.ports import UnitOfWork

CadenceFor = Callable[[Contact], Cadence]
BUILT_IN: Mapping[str, Cadence] = {DEFAULT_CADENCE.key: DEFAULT_CADENCE}


def cadence_picker(
    catalogue: Mapping[str, Cadence] | None = None,
    segments: Mapping[str, str] | None = None,
) -> CadenceFor:
    """A function giving each contact its cadence from `catalogue`.

    The contact's own key comes first, then its segment's key in `segments`; a
    contact with neither, or with a key the catalogue lacks, follows the default
    (a stored cadence with the key `default` replaces the built-in one).
    """
    known = {**BUILT_IN, **(catalogue or {})}
    fallback = known[DEFAULT_CADENCE.key]
    by_segment = dict(segments or {})

    def cadence_for(contact: Contact) -> Cadence:
        if contact.cadence and contact.cadence in known:
            return known[contact.cadence]
        key = by_segment.get(contact.segment or "")
        return known.get(key or "", fallback)

    return cadence_for


default_cadence_for = cadence_picker()


def stored_cadence_for(uow: UnitOfWork) -> CadenceFor:
    """The picker over every stored cadence and segment assignment (read once)."""
    catalogue = {cadence.key: cadence for cadence in uow.cadences.list()}
    return cadence_picker(catalogue, uow.cadences.segments())


def load_cadence_for(uow_factory: UowFactory) -> CadenceFor:
    with uow_factory() as uow:
        return stored_cadence_for(uow)


def save_cadence(uow_factory: UowFactory, data: Mapping[str, object], now: datetime) -> Cadence:
    """Validate `data` (InvalidField names a bad key; nothing is stored) and store it.

    A cadence with a key already stored replaces it; contacts following it keep
    their current due time until their next touch.
    """
    cadence = cadence_from_dict(data)
    with uow_factory() as uow:
        uow.cadences.save(cadence, now)
        uow.commit()
    return cadence


def list_cadences(uow_factory: UowFactory) -> list[Cadence]:
    """The built-in default, then the stored cadences by key (a stored `default` wins)."""
    with uow_factory() as uow:
        stored = uow.cadences.list()
    keys = {cadence.key for cadence in stored}
    return [c for c in BUILT_IN.values() if c.key not in keys] + stored


def get_cadence(uow_factory: UowFactory, key: str) -> Cadence:
    with uow_factory() as uow:
        return _known(uow, key)


def _known(uow: UnitOfWork, key: str) -> Cadence:
    found = uow.cadences.get(key) or BUILT_IN.get(key)
    if found is None:
        known = ", ".join(sorted({*BUILT_IN, *(c.key for c in uow.cadences.list())}))
        raise NotFound(f"no cadence with key {key!r} (known: {known})")
    return found


def assign_segment(uow_factory: UowFactory, segment: str, key: str) -> int:
    """Contacts of `segment` without a cadence of their own follow `key`.

    Their states are reassessed at once; returns how many contacts the segment has.
    """
    if not segment.strip():
        raise InvalidField("segment", "a segment name cannot be empty")
    with uow_factory() as uow:
        _known(uow, key)
        uow.cadences.assign_segment(segment, key)
        cadence_for = stored_cadence_for(uow)
        members = list(uow.contacts.list(segment=segment))
        for contact in members:
            _reassess(uow, contact, cadence_for)
        uow.commit()
    return len(members)


def assign_contact(
    uow_factory: UowFactory, ref: str, key: str, default_region: str
) -> tuple[Contact, FollowUpState]:
    """The contact follows `key` (its state is reassessed); NotFound for an unknown key."""
    with uow_factory() as uow:
        _known(uow, key)
        contact = replace(find_contact(uow, ref, default_region), cadence=key)
        uow.contacts.update(contact)
        state = _reassess(uow, contact, stored_cadence_for(uow))
        uow.commit()
    return contact, state


def _reassess(uow: UnitOfWork, contact: Contact, cadence_for: CadenceFor) -> FollowUpState:
    assert contact.id is not None
    state = reassess(uow.states.get(contact.id), contact, cadence_for(contact))
    uow.states.save(state)
    return state
