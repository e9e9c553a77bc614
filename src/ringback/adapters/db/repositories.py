"""SQLAlchemy Core repositories: the storage ports of services/ports.py.

Each repository works on the connection of the unit of work that created it, so
everything it writes commits or rolls back together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import islice
from typing import TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    delete,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from ringback.adapters.db import convert, prepared
from ringback.adapters.db.bulk import (
    driver_value,
    insert_copies,
    insert_encoded,
    insert_many,
    insert_numbered,
    json_positions,
    reserve_ids,
    upsert_many,
)
from ringback.adapters.db.import_rows import ContactRowEncoder, EncodedContact
from ringback.adapters.db.tables import (
    BOOKED,
    appointments,
    contact_phones,
    contacts,
    followup_state,
    touches,
)
from ringback.domain.access import TEAM, OwnerFilter
from ringback.domain.errors import NotFound
from ringback.domain.model import Appointment, Contact, FollowUpState, Phone, Status, Touch
from ringback.services.ports import AppointmentQuery, ContactQuery

# Ids per IN (...) list: far below SQLite's and PostgreSQL's bind parameter limits.
IN_CHUNK = 1000
LIST_PAGE = 1000
KEY_PAGE = 10_000


# Single-row statements of logging a touch, run through prepared.py on SQLite.
# A contact and its phones in one statement: a row per phone (one with no phone's
# columns when it has none), the phone's columns named with PHONE_PREFIX.
PHONE_PREFIX = "phone_"
_PHONE_COLUMNS = ("e164", "kind", "country", "timezones")
_CONTACT_WITH_PHONES = (
    select(
        contacts,
        *(contact_phones.c[name].label(PHONE_PREFIX + name) for name in _PHONE_COLUMNS),
    )
    .select_from(contacts.outerjoin(contact_phones, contact_phones.c.contact_id == contacts.c.id))
    .where(contacts.c.id == bindparam("id"))
    .order_by(contact_phones.c.position)
)
_IDS_BY_PHONE = (
    select(contact_phones.c.contact_id)
    .where(contact_phones.c.e164 == bindparam("e164"))
    .distinct()
    .order_by(contact_phones.c.contact_id)
)
_STATE = select(followup_state).where(followup_state.c.contact_id == bindparam("contact_id"))
_Upsert = TypeVar("_Upsert", sqlite.Insert, postgresql.Insert)


def _state_upsert(statement: _Upsert) -> _Upsert:
    """INSERT of a state that updates every other column when its contact has one."""
    columns = (c.name for c in followup_state.columns if c.name != "contact_id")
    return statement.on_conflict_do_update(
        index_elements=["contact_id"], set_={name: statement.excluded[name] for name in columns}
    )


_SAVE_STATE = _state_upsert(sqlite.insert(followup_state))
# PostgreSQL: one state or touch is one plain statement (psycopg prepares it once a
# connection has run it a few times), not the COPY through a staging table that the
# bulk writers use: for a single row that costs several round trips and a TRUNCATE.
_PG_SAVE_STATE = _state_upsert(postgresql.insert(followup_state))
_PG_ADD_TOUCH = touches.insert().returning(touches.c.id)
_TOUCH_BY_EXTERNAL_ID = select(touches).where(touches.c.external_id == bindparam("external_id"))
_ADD_TOUCH = touches.insert()


def chunks(items: Sequence[int], size: int = IN_CHUNK) -> Iterator[Sequence[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SqlContactRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, contact: Contact) -> Contact:
        (contact_id,) = self.add_many([contact])
        return replace(contact, id=contact_id)

    def add_many(self, new_contacts: Sequence[Contact]) -> list[int]:
        ids = reserve_ids(self._connection, contacts, len(new_contacts))
        pairs = list(zip(new_contacts, ids, strict=True))
        insert_many(self._connection, contacts, [convert.contact_values(c, i) for c, i in pairs])
        phone_rows = [row for c, i in pairs for row in convert.phone_values(i, c.phones)]
        insert_many(self._connection, contact_phones, phone_rows)
        return list(ids)

    def import_encoder(self, created_at: datetime) -> ContactRowEncoder:
        """What turns contacts into rows in import workers (EncodedContactSink)."""
        dialect = self._connection.dialect
        return ContactRowEncoder(
            created_at=driver_value(contacts.c.created_at, dialect, created_at),
            contact_json=json_positions(contacts, dialect, skip=1, fixed=("created_at",)),
            phone_json=json_positions(contact_phones, dialect, skip=1, fixed=()),
        )

    def add_encoded(self, encoded: Sequence[EncodedContact], due_at: datetime) -> list[int]:
        """Store contacts made by `import_encoder`, each with a NEW state due at `due_at`."""
        ids = reserve_ids(self._connection, contacts, len(encoded))
        insert_numbered(self._connection, contacts, ids, [row for row, _ in encoded])
        pairs = zip(ids, encoded, strict=True)
        phone_rows = [(i, *phone) for i, (_, phones) in pairs for phone in phones]
        insert_encoded(self._connection, contact_phones, phone_rows)
        template = convert.state_values(FollowUpState(0, status=Status.NEW, next_due_at=due_at))
        insert_copies(self._connection, followup_state, template, "contact_id", ids)
        return list(ids)

    def lock(self, contact_id: int) -> None:
        # SQLite needs nothing: every writing transaction already holds the
        # database's write lock from its first statement (BEGIN IMMEDIATE).
        if self._connection.dialect.name == "sqlite":
            return
        query = select(contacts.c.id).where(contacts.c.id == contact_id).with_for_update()
        self._connection.execute(query)

    def get(self, contact_id: int) -> Contact:
        if prepared.fetchable(self._connection):
            return self._get_prepared(contact_id)
        found = self._load(select(contacts).where(contacts.c.id == contact_id))
        if not found:
            raise NotFound(f"no contact with id {contact_id}")
        return found[0]

    def _get_prepared(self, contact_id: int) -> Contact:
        found = prepared.fetch(self._connection, _CONTACT_WITH_PHONES, id=contact_id)
        if not found:
            raise NotFound(f"no contact with id {contact_id}")
        phones = [
            convert.phone_from_row({name: row[PHONE_PREFIX + name] for name in _PHONE_COLUMNS})
            for row in found
            if row[PHONE_PREFIX + "e164"] is not None
        ]
        return convert.contact_from_row(found[0], phones)

    def get_many(self, contact_ids: Sequence[int]) -> dict[int, Contact]:
        """The contacts with these ids that exist, by id (IN lists in chunks)."""
        found: dict[int, Contact] = {}
        for chunk in chunks(contact_ids):
            loaded = self._load(select(contacts).where(contacts.c.id.in_(chunk)))
            found.update((c.id, c) for c in loaded if c.id is not None)
        return found

    def update(self, contact: Contact) -> None:
        contact_id = self._require_id(contact)
        values = convert.contact_values(contact, contact_id)
        del values["id"]
        result = self._connection.execute(
            update(contacts).where(contacts.c.id == contact_id).values(values)
        )
        if result.rowcount == 0:
            raise NotFound(f"no contact with id {contact_id}")
        self._connection.execute(
            contact_phones.delete().where(contact_phones.c.contact_id == contact_id)
        )
        phone_rows = convert.phone_values(contact_id, contact.phones)
        insert_many(self._connection, contact_phones, phone_rows)

    def by_phone(self, e164: str) -> list[Contact]:
        if prepared.fetchable(self._connection):  # a call's lookup (R15) is a hot path
            rows = prepared.fetch(self._connection, _IDS_BY_PHONE, e164=e164)
            return [self._get_prepared(row["contact_id"]) for row in rows]
        having_number = select(contact_phones.c.contact_id).where(contact_phones.c.e164 == e164)
        return self._load(select(contacts).where(contacts.c.id.in_(having_number)))

    def by_email(self, email: str) -> list[Contact]:
        key = convert.email_key(email)
        return self._load(select(contacts).where(contacts.c.email_key == key))

    def search_name(self, text: str, limit: int = 20) -> list[Contact]:
        pattern = convert.name_key(text)
        query = (
            select(contacts)
            .where(contacts.c.name_key.contains(pattern, autoescape=True))
            .order_by(contacts.c.name_key, contacts.c.id)
            .limit(limit)
        )
        return self._load(query)

    def count(self) -> int:
        return self._connection.execute(select(func.count()).select_from(contacts)).scalar_one()

    def find(self, query: ContactQuery) -> list[Contact]:
        """One page of contacts matching `query`, by id (keyset: `after_id`)."""
        c = contacts.c
        statement = select(contacts).where(owner_allowed(query.visible), c.id > query.after_id)
        if query.owner is not None:
            statement = statement.where(
                c.owner.is_(None) if query.owner == TEAM else c.owner == query.owner
            )
        if query.segment is not None:
            statement = statement.where(c.segment == query.segment)
        if query.status is not None or query.due_before is not None:
            statement = statement.where(c.id.in_(_states_matching(query)))
        if query.text is not None or query.phone is not None:
            statement = statement.where(_text_matches(query))
        return self._load(statement.order_by(c.id).limit(query.limit))

    def owners(self, contact_ids: Sequence[int]) -> dict[int, str | None]:
        found: dict[int, str | None] = {}
        for chunk in chunks(contact_ids):
            query = select(contacts.c.id, contacts.c.owner).where(contacts.c.id.in_(chunk))
            found.update((i, owner) for i, owner in self._connection.execute(query))
        return found

    def delete(self, contact_id: int) -> None:
        """Phones, touches, state and appointments go with it (ON DELETE CASCADE)."""
        result = self._connection.execute(delete(contacts).where(contacts.c.id == contact_id))
        if result.rowcount == 0:
            raise NotFound(f"no contact with id {contact_id}")

    def _pages(self, query: Select[tuple[object, ...]], page_size: int) -> Iterator[Contact]:
        last_id = 0
        while page := self._load(query.where(contacts.c.id > last_id).limit(page_size)):
            yield from page
            last_id = page[-1].id or 0

    def _load(self, query: Select[tuple[object, ...]]) -> list[Contact]:
        rows = self._connection.execute(query).mappings().all()
        phones = self._phones_of([row["id"] for row in rows])
        return [convert.contact_from_row(row, phones.get(row["id"], ())) for row in rows]

    def _phones_of(self, contact_ids: Sequence[int]) -> dict[int, list[Phone]]:
        phones: dict[int, list[Phone]] = defaultdict(list)
        for chunk in chunks(contact_ids):
            query = (
                select(contact_phones)
                .where(contact_phones.c.contact_id.in_(chunk))
                .order_by(contact_phones.c.contact_id, contact_phones.c.position)
            )
            for row in self._connection.execute(query).mappings():
                phones[row["contact_id"]].append(convert.phone_from_row(row))
        return phones

    @staticmethod
    def _require_id(contact: Contact) -> int:
        if contact.id is None:
            raise NotFound(f"contact {contact.full_name!r} has no id: add it first")
        return contact.id

    def identity_keys(self) -> Iterator[tuple[str, str]]:
        """(full name, E.164 or email) for every phone and email: what imports dedupe on."""
        with_phones = select(contacts.c.full_name, contact_phones.c.e164).join(contact_phones)
        with_email = select(contacts.c.full_name, contacts.c.email).where(
            contacts.c.email.is_not(None)
        )
        for query in (with_phones, with_email):
            streamed = {"yield_per": KEY_PAGE}
            rows = self._connection.execute(query, execution_options=streamed)
            yield from ((name, key) for name, key in rows)

    # Last: below this line `list` names the method, not the builtin.
    def list(
        self, *, segment: str | None = None, owner: str | None = None, limit: int | None = None
    ) -> Iterator[Contact]:
        """Contacts by id, fetched a page at a time; consume inside the unit of work."""
        query = select(contacts).order_by(contacts.c.id)
        if segment is not None:
            query = query.where(contacts.c.segment == segment)
        if owner is not None:
            query = query.where(contacts.c.owner == owner)
        page_size = min(limit, LIST_PAGE) if limit else LIST_PAGE
        return islice(self._pages(query, page_size), limit)


def owner_allowed(visible: OwnerFilter) -> ColumnElement[bool]:
    """`visible` (domain/access.py) as SQL on contacts.owner."""
    if visible.owners is None:
        return contacts.c.id.is_not(None)
    names = [owner for owner in visible.owners if owner is not None]
    allowed = contacts.c.owner.in_(names) if names else false()
    if None in visible.owners:
        return or_(contacts.c.owner.is_(None), allowed)
    return allowed


def _states_matching(query: ContactQuery) -> Select[tuple[int]]:
    state = followup_state.c
    matching = select(state.contact_id)
    if query.status is not None:
        matching = matching.where(state.status == query.status.value)
    if query.due_before is not None:
        matching = matching.where(state.next_due_at <= query.due_before)
    return matching


def _text_matches(query: ContactQuery) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if query.text is not None:
        conditions.append(
            contacts.c.name_key.contains(convert.name_key(query.text), autoescape=True)
        )
        conditions.append(contacts.c.email_key == convert.email_key(query.text))
        conditions.append(contacts.c.company.icontains(query.text.strip(), autoescape=True))
    if query.phone is not None:
        having = select(contact_phones.c.contact_id).where(contact_phones.c.e164 == query.phone)
        conditions.append(contacts.c.id.in_(having))
    return or_(*conditions)


class SqlTouchRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, touch: Touch) -> Touch:
        if prepared.available(self._connection):
            # The id SQLite gives a new row: max(id) + 1, as reserve_ids does.
            values = convert.touch_values(touch, None)
            return replace(touch, id=prepared.insert(self._connection, _ADD_TOUCH, values))
        if self._connection.dialect.name == "postgresql":
            values = convert.touch_values(touch, None)
            del values["id"]  # the column's sequence gives it
            added = self._connection.execute(_PG_ADD_TOUCH, values).scalar_one()
            return replace(touch, id=added)
        (touch_id,) = self.add_many([touch])
        return replace(touch, id=touch_id)

    def add_many(self, new_touches: Sequence[Touch]) -> list[int]:
        ids = reserve_ids(self._connection, touches, len(new_touches))
        rows = [convert.touch_values(t, i) for t, i in zip(new_touches, ids, strict=True)]
        insert_many(self._connection, touches, rows)
        return list(ids)

    def for_contact(self, contact_id: int, limit: int | None = None) -> list[Touch]:
        query = select(touches).where(touches.c.contact_id == contact_id)
        if limit is None:
            return self._load(query.order_by(touches.c.at, touches.c.id))
        latest_first = query.order_by(touches.c.at.desc(), touches.c.id.desc()).limit(limit)
        return self._load(latest_first)[::-1]

    def by_external_id(self, external_id: str) -> Touch | None:
        if prepared.fetchable(self._connection):
            rows = prepared.fetch(self._connection, _TOUCH_BY_EXTERNAL_ID, external_id=external_id)
            return convert.touch_from_row(rows[0]) if rows else None
        found = self._load(select(touches).where(touches.c.external_id == external_id))
        return found[0] if found else None

    def count(self) -> int:
        return self._connection.execute(select(func.count()).select_from(touches)).scalar_one()

    def _load(self, query: Select[tuple[object, ...]]) -> list[Touch]:
        rows = self._connection.execute(query).mappings()
        return [convert.touch_from_row(row) for row in rows]


class SqlStateRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, contact_id: int) -> FollowUpState:
        if prepared.fetchable(self._connection):
            rows = prepared.fetch(self._connection, _STATE, contact_id=contact_id)
            return convert.state_from_row(rows[0]) if rows else FollowUpState(contact_id)
        return self.get_many([contact_id])[contact_id]

    def get_many(self, contact_ids: Sequence[int]) -> dict[int, FollowUpState]:
        """A state for every id asked; a fresh one where none was saved yet."""
        found: dict[int, FollowUpState] = {}
        for chunk in chunks(contact_ids):
            query = select(followup_state).where(followup_state.c.contact_id.in_(chunk))
            found.update((s.contact_id, s) for s in self._load(query))
        return {i: found.get(i) or FollowUpState(contact_id=i) for i in contact_ids}

    def save(self, state: FollowUpState) -> None:
        if prepared.available(self._connection):
            prepared.insert(self._connection, _SAVE_STATE, convert.state_values(state))
            return
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(_PG_SAVE_STATE, convert.state_values(state))
            return
        self.save_many([state])

    def save_many(self, states: Sequence[FollowUpState]) -> None:
        """Insert or update each; when a contact appears twice, the last state wins."""
        latest = {state.contact_id: state for state in states}
        rows = [convert.state_values(state) for state in latest.values()]
        upsert_many(self._connection, followup_state, rows, key="contact_id")

    def due(
        self, until: datetime, *, statuses: Sequence[Status] | None = None, limit: int | None = None
    ) -> list[FollowUpState]:
        due_at = followup_state.c.next_due_at
        query = select(followup_state).where(due_at <= until)
        if statuses is not None:
            query = query.where(followup_state.c.status.in_([s.value for s in statuses]))
        query = query.order_by(due_at, followup_state.c.contact_id).limit(limit)
        return self._load(query)

    def booked(self, until: datetime) -> list[FollowUpState]:
        """States with an appointment or promised call-back at or before `until` (R3, R4)."""
        state = followup_state.c
        booked = or_(state.appointment_at <= until, state.promised_at <= until)
        query = select(followup_state).where(state.next_due_at <= until, BOOKED, booked)
        return self._load(query.order_by(state.next_due_at, state.contact_id))

    def count_due(self, until: datetime) -> dict[Status, int]:
        """How many states are due at or before `until`, per status (index only)."""
        state = followup_state.c
        query = (
            select(state.status, func.count())
            .where(state.next_due_at <= until)
            .group_by(state.status)
        )
        return {Status(name): count for name, count in self._connection.execute(query)}

    def count_by_status(self) -> dict[Status, int]:
        """Contacts per status; contacts without a saved state count as NEW."""
        status = func.coalesce(followup_state.c.status, Status.NEW.value)
        joined = contacts.outerjoin(followup_state, followup_state.c.contact_id == contacts.c.id)
        query = select(status, func.count()).select_from(joined).group_by(status)
        return {Status(name): count for name, count in self._connection.execute(query)}

    def _load(self, query: Select[tuple[object, ...]]) -> list[FollowUpState]:
        rows = self._connection.execute(query).mappings()
        return [convert.state_from_row(row) for row in rows]


class SqlAppointmentRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, appointment: Appointment) -> Appointment:
        values = convert.appointment_values(appointment)
        statement = appointments.insert().values(values).returning(appointments.c.id)
        new_id = self._connection.execute(statement).scalar_one()
        return replace(appointment, id=new_id)

    def update(self, appointment: Appointment) -> None:
        if appointment.id is None:
            raise NotFound("appointment has no id: add it first")
        values = convert.appointment_values(appointment)
        statement = update(appointments).where(appointments.c.id == appointment.id).values(values)
        if self._connection.execute(statement).rowcount == 0:
            raise NotFound(f"no appointment with id {appointment.id}")

    def get(self, appointment_id: int) -> Appointment:
        found = self._load(select(appointments).where(appointments.c.id == appointment_id))
        if not found:
            raise NotFound(f"no appointment with id {appointment_id}")
        return found[0]

    def find(self, query: AppointmentQuery) -> list[Appointment]:
        a = appointments.c
        visible = select(contacts.c.id).where(owner_allowed(query.visible))
        statement = select(appointments).where(a.id > query.after_id)
        if query.visible.owners is not None:
            statement = statement.where(a.contact_id.in_(visible))
        if query.contact_id is not None:
            statement = statement.where(a.contact_id == query.contact_id)
        if query.start is not None:
            statement = statement.where(a.starts_at >= query.start)
        if query.end is not None:
            statement = statement.where(a.starts_at < query.end)
        if not query.include_cancelled:
            statement = statement.where(a.cancelled.is_(False))
        return self._load(statement.order_by(a.id).limit(query.limit))

    def for_contact(self, contact_id: int) -> list[Appointment]:
        query = select(appointments).where(appointments.c.contact_id == contact_id)
        return self._load(query.order_by(appointments.c.starts_at, appointments.c.id))

    def between(self, start: datetime, end: datetime) -> list[Appointment]:
        starts_at = appointments.c.starts_at
        query = (
            select(appointments)
            .where(starts_at >= start, starts_at < end, appointments.c.cancelled.is_(False))
            .order_by(starts_at, appointments.c.id)
        )
        return self._load(query)

    def _load(self, query: Select[tuple[object, ...]]) -> list[Appointment]:
        rows = self._connection.execute(query).mappings()
        return [convert.appointment_from_row(row) for row in rows]
