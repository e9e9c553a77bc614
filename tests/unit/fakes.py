"""In-memory implementations of services/ports.py for unit tests of services."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from ringback.domain.access import TEAM, ApiToken, User
from ringback.domain.answer_rates import Cell, Tally
from ringback.domain.cadence import Cadence
from ringback.domain.calls import Call
from ringback.domain.errors import InvalidField, NotFound
from ringback.domain.model import (
    Appointment,
    Channel,
    Contact,
    Direction,
    FollowUpState,
    Status,
    Touch,
)
from ringback.domain.scripts import MessageTemplate
from ringback.services.ports import AppointmentQuery, CallRecord, ContactQuery


class _Store:
    def __init__(self) -> None:
        self.contacts: dict[int, Contact] = {}
        self.touches: list[Touch] = []
        self.states: dict[int, FollowUpState] = {}
        self.appointments: dict[int, Appointment] = {}
        self.cadences: dict[str, Cadence] = {}
        self.segment_cadences: dict[str, str] = {}
        self.users: dict[int, User] = {}
        self.tokens: dict[int, ApiToken] = {}
        self.login_failures: list[tuple[str, str, datetime]] = []
        self.settings: dict[str, Any] = {}
        self.templates: dict[tuple[str, str, str], MessageTemplate] = {}
        self.answer_counts: dict[Cell, Tally] = {}
        self.answer_watermark = 0
        self.calls: dict[tuple[str, str], Call] = {}
        self.call_events: set[tuple[str, str, str]] = set()


class FakeContacts:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def add(self, contact: Contact) -> Contact:
        contact = copy.deepcopy(contact)
        contact.id = len(self.store.contacts) + 1
        self.store.contacts[contact.id] = contact
        return copy.deepcopy(contact)

    def add_many(self, contacts: Sequence[Contact]) -> list[int]:
        return [self.add(c).id or 0 for c in contacts]

    def lock(self, contact_id: int) -> None:
        pass  # one thread, one store: nothing to wait for

    def get(self, contact_id: int) -> Contact:
        if contact_id not in self.store.contacts:
            raise NotFound(f"no contact with id {contact_id}")
        return copy.deepcopy(self.store.contacts[contact_id])

    def get_many(self, contact_ids: Sequence[int]) -> dict[int, Contact]:
        found = self.store.contacts
        return {i: copy.deepcopy(found[i]) for i in contact_ids if i in found}

    def update(self, contact: Contact) -> None:
        assert contact.id is not None
        self.store.contacts[contact.id] = copy.deepcopy(contact)

    def by_phone(self, e164: str) -> list[Contact]:
        found = self.store.contacts.values()
        return [c for c in found if any(p.e164 == e164 for p in c.phones)]

    def by_email(self, email: str) -> list[Contact]:
        wanted = email.casefold()
        return [c for c in self.store.contacts.values() if (c.email or "").casefold() == wanted]

    def search_name(self, text: str, limit: int = 20) -> list[Contact]:
        wanted = text.casefold()
        found = [c for c in self.store.contacts.values() if wanted in c.full_name.casefold()]
        return found[:limit]

    def list(
        self, *, segment: str | None = None, owner: str | None = None, limit: int | None = None
    ) -> Iterator[Contact]:
        found = [
            c
            for c in self.store.contacts.values()
            if (segment is None or c.segment == segment) and (owner is None or c.owner == owner)
        ]
        return iter(found[:limit])

    def count(self) -> int:
        return len(self.store.contacts)

    def find(self, query: ContactQuery) -> list[Contact]:
        found = [
            c
            for i, c in sorted(self.store.contacts.items())
            if i > query.after_id
            and query.visible.allows(c.owner)
            and _matches(self.store, c, query)
        ]
        return copy.deepcopy(found[: query.limit])

    def owners(self, contact_ids: Sequence[int]) -> dict[int, str | None]:
        found = self.store.contacts
        return {i: found[i].owner for i in contact_ids if i in found}

    def delete(self, contact_id: int) -> None:
        if self.store.contacts.pop(contact_id, None) is None:
            raise NotFound(f"no contact with id {contact_id}")
        self.store.states.pop(contact_id, None)


def _matches(store: _Store, contact: Contact, query: ContactQuery) -> bool:
    state = store.states.get(contact.id or 0) or FollowUpState(contact_id=contact.id or 0)
    due = state.next_due_at
    text = (query.text or "").casefold()
    checks = (
        query.owner is None or contact.owner == (None if query.owner == TEAM else query.owner),
        query.segment is None or contact.segment == query.segment,
        query.status is None or state.status is query.status,
        query.due_before is None or (due is not None and due <= query.due_before),
        (query.text is None and query.phone is None)
        or (bool(text) and text in contact.full_name.casefold())
        or (bool(text) and text == (contact.email or "").casefold())
        or (bool(text) and text in (contact.company or "").casefold())
        or any(p.e164 == query.phone for p in contact.phones),
    )
    return all(checks)


class FakeTouches:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def add(self, touch: Touch) -> Touch:
        from dataclasses import replace

        saved = replace(touch, id=len(self.store.touches) + 1)
        self.store.touches.append(saved)
        return saved

    def add_many(self, touches: Sequence[Touch]) -> list[int]:
        return [self.add(t).id or 0 for t in touches]

    def for_contact(self, contact_id: int, limit: int | None = None) -> list[Touch]:
        found = sorted((t for t in self.store.touches if t.contact_id == contact_id), key=_at)
        return found[-limit:] if limit else found

    def by_external_id(self, external_id: str) -> Touch | None:
        return next((t for t in self.store.touches if t.external_id == external_id), None)

    def count(self) -> int:
        return len(self.store.touches)


def _at(touch: Touch) -> datetime:
    return touch.at


class FakeStates:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def get(self, contact_id: int) -> FollowUpState:
        found = self.store.states.get(contact_id)
        return copy.deepcopy(found) if found else FollowUpState(contact_id=contact_id)

    def get_many(self, contact_ids: Sequence[int]) -> dict[int, FollowUpState]:
        return {i: self.get(i) for i in contact_ids}

    def save(self, state: FollowUpState) -> None:
        self.store.states[state.contact_id] = copy.deepcopy(state)

    def save_many(self, states: Sequence[FollowUpState]) -> None:
        for state in states:
            self.save(state)

    def due(
        self, until: datetime, *, statuses: Sequence[Status] | None = None, limit: int | None = None
    ) -> list[FollowUpState]:
        found = [
            s
            for s in self.store.states.values()
            if s.next_due_at is not None
            and s.next_due_at <= until
            and (statuses is None or s.status in statuses)
        ]
        found.sort(key=lambda s: s.next_due_at or until)
        return copy.deepcopy(found[:limit])

    def booked(self, until: datetime) -> list[FollowUpState]:
        due = self.due(until)
        return [
            s
            for s in due
            if any(b is not None and b <= until for b in (s.appointment_at, s.promised_at))
        ]

    def count_due(self, until: datetime) -> dict[Status, int]:
        counts: dict[Status, int] = {}
        for state in self.due(until):
            counts[state.status] = counts.get(state.status, 0) + 1
        return counts

    def count_by_status(self) -> dict[Status, int]:
        counts: dict[Status, int] = {}
        for state in self.store.states.values():
            counts[state.status] = counts.get(state.status, 0) + 1
        return counts


class FakeAppointments:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def add(self, appointment: Appointment) -> Appointment:
        saved = copy.deepcopy(appointment)
        saved.id = len(self.store.appointments) + 1
        self.store.appointments[saved.id] = saved
        return copy.deepcopy(saved)

    def update(self, appointment: Appointment) -> None:
        assert appointment.id is not None
        self.store.appointments[appointment.id] = copy.deepcopy(appointment)

    def get(self, appointment_id: int) -> Appointment:
        if appointment_id not in self.store.appointments:
            raise NotFound(f"no appointment with id {appointment_id}")
        return copy.deepcopy(self.store.appointments[appointment_id])

    def find(self, query: AppointmentQuery) -> list[Appointment]:
        owners = {i: c.owner for i, c in self.store.contacts.items()}
        found = [
            a
            for i, a in sorted(self.store.appointments.items())
            if i > query.after_id
            and query.visible.allows(owners.get(a.contact_id))
            and query.contact_id in (None, a.contact_id)
            and (query.start is None or a.start >= query.start)
            and (query.end is None or a.start < query.end)
            and (query.include_cancelled or not a.cancelled)
        ]
        return copy.deepcopy(found[: query.limit])

    def for_contact(self, contact_id: int) -> list[Appointment]:
        return [a for a in self.store.appointments.values() if a.contact_id == contact_id]

    def between(self, start: datetime, end: datetime) -> list[Appointment]:
        found = self.store.appointments.values()
        return [a for a in found if start <= a.start < end and not a.cancelled]


class FakeCadences:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def save(self, cadence: Cadence, at: datetime) -> None:
        self.store.cadences[cadence.key] = cadence

    def get(self, key: str) -> Cadence | None:
        return self.store.cadences.get(key)

    def list(self) -> list[Cadence]:
        return [self.store.cadences[k] for k in sorted(self.store.cadences)]

    def assign_segment(self, segment: str, key: str) -> None:
        self.store.segment_cadences[segment] = key

    def segments(self) -> dict[str, str]:
        return dict(self.store.segment_cadences)


class FakeUsers:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def add(self, user: User) -> User:
        if self.by_name(user.name) is not None:
            raise InvalidField("name", f"a user named {user.name!r} already exists")
        saved = replace(user, id=len(self.store.users) + 1)
        self.store.users[saved.id or 0] = saved
        return saved

    def get(self, user_id: int) -> User:
        if user_id not in self.store.users:
            raise NotFound(f"no user with id {user_id}")
        return self.store.users[user_id]

    def by_name(self, name: str) -> User | None:
        return next((u for u in self.store.users.values() if u.name == name), None)

    def update(self, user: User) -> None:
        self.store.users[user.id or 0] = user

    def list(self) -> list[User]:
        return sorted(self.store.users.values(), key=lambda u: u.name)


class FakeTokens:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def add(self, token: ApiToken) -> ApiToken:
        saved = replace(token, id=max(self.store.tokens, default=0) + 1)
        self.store.tokens[saved.id or 0] = saved
        return saved

    def by_hash(self, token_hash: str) -> ApiToken | None:
        return next((t for t in self.store.tokens.values() if t.token_hash == token_hash), None)

    def for_user(self, user_id: int) -> list[ApiToken]:
        return [t for t in self.store.tokens.values() if t.user_id == user_id]

    def delete(self, token_id: int) -> None:
        if self.store.tokens.pop(token_id, None) is None:
            raise NotFound(f"no token with id {token_id}")


class FakeLoginFailures:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def add(self, user_name: str, address: str, at: datetime) -> None:
        self.store.login_failures.append((user_name, address, at))

    def count_since(self, user_name: str, address: str, since: datetime) -> int:
        return sum(
            1
            for n, a, at in self.store.login_failures
            if (n, a) == (user_name, address) and at >= since
        )

    def clear(self, user_name: str, address: str, before: datetime | None = None) -> None:
        self.store.login_failures = [
            (n, a, at)
            for n, a, at in self.store.login_failures
            if (n, a) != (user_name, address) or (before is not None and at >= before)
        ]


class FakeSettings:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def get(self, key: str) -> Any | None:
        return copy.deepcopy(self.store.settings.get(key))

    def save(self, key: str, value: Any, at: datetime) -> None:
        self.store.settings[key] = copy.deepcopy(value)


class FakeTemplates:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def save(self, template: MessageTemplate, at: datetime) -> None:
        self.store.templates[template.identity] = template

    def get(self, key: str, audience: str, variant: str) -> MessageTemplate | None:
        return self.store.templates.get((key, audience, variant))

    def list(self, key: str | None = None) -> list[MessageTemplate]:
        found = self.store.templates.values()
        chosen = [t for t in found if key is None or t.key == key]
        return sorted(chosen, key=lambda t: (t.audience, t.key, t.variant))


class FakeTiming:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def watermark(self) -> int:
        return self.store.answer_watermark

    def counts(self) -> dict[Cell, Tally]:
        return dict(self.store.answer_counts)

    def settled_touch_id(self) -> int | None:
        return max((t.id or 0 for t in self.store.touches), default=0)

    def calls_after(self, touch_id: int, limit: int, up_to: int) -> list[CallRecord]:
        found = []
        for t in sorted(self._calls(), key=lambda t: t.id or 0):
            contact = self.store.contacts.get(t.contact_id)
            if touch_id < (t.id or 0) <= up_to and contact is not None:
                found.append(
                    CallRecord(t.id or 0, t.outcome.value, t.at, contact.timezone, contact.segment)
                )
        return found[:limit]

    def advance(self, seen: int, to: int, delta: Mapping[Cell, Tally]) -> bool:
        if self.store.answer_watermark != seen:
            return False
        self.store.answer_watermark = to
        for cell, tally in delta.items():
            self.store.answer_counts[cell] = self.store.answer_counts.get(cell, Tally()) + tally
        return True

    def calls_of(self, contact_ids: Sequence[int]) -> dict[int, list[Touch]]:
        found: dict[int, list[Touch]] = {i: [] for i in contact_ids}
        for t in sorted(self._calls(), key=_at):
            if t.contact_id in found:
                found[t.contact_id].append(t)
        return found

    def _calls(self) -> list[Touch]:
        return [
            t
            for t in self.store.touches
            if t.channel is Channel.CALL and t.direction is Direction.OUTBOUND
        ]


class FakeCalls:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def add(self, call: Call) -> None:
        self.store.calls[(call.provider, call.call_id)] = copy.deepcopy(call)

    def get(self, provider: str, call_id: str) -> Call | None:
        return copy.deepcopy(self.store.calls.get((provider, call_id)))

    def update(self, call: Call) -> None:
        self.add(call)

    def first_time(self, provider: str, call_id: str, event: str, at: datetime) -> bool:
        key = (provider, call_id, event)
        if key in self.store.call_events:
            return False
        self.store.call_events.add(key)
        return True


class FakeUnitOfWork:
    """Works on a copy of the committed store; commit() publishes it, exit discards it."""

    def __init__(self, committed: _Store | None = None) -> None:
        self.committed = committed or _Store()
        self.commits = 0

    def __enter__(self) -> Self:
        self._begin()
        return self

    def _begin(self) -> None:
        self.working = copy.deepcopy(self.committed)
        self.contacts = FakeContacts(self.working)
        self.touches = FakeTouches(self.working)
        self.states = FakeStates(self.working)
        self.appointments = FakeAppointments(self.working)
        self.cadences = FakeCadences(self.working)
        self.users = FakeUsers(self.working)
        self.tokens = FakeTokens(self.working)
        self.login_failures = FakeLoginFailures(self.working)
        self.settings = FakeSettings(self.working)
        self.templates = FakeTemplates(self.working)
        self.timing = FakeTiming(self.working)
        self.calls = FakeCalls(self.working)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.committed.__dict__.update(copy.deepcopy(self.working).__dict__)
        self.commits += 1

    def rollback(self) -> None:
        self._begin()
