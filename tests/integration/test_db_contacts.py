"""Contacts in SQLite and PostgreSQL: every field survives storage, lookups find them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import Engine, select

from ringback.adapters.db.bulk import insert_numbered, reserve_ids
from ringback.adapters.db.repositories import SqlContactRepository
from ringback.adapters.db.tables import contacts
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.errors import NotFound
from ringback.domain.model import (
    Channel,
    Contact,
    FollowUpState,
    Phone,
    PhoneType,
    PreferredWindow,
    Status,
    Weekday,
)

UowFactory = Callable[[], SqlUnitOfWork]
CREATED = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


def alice() -> Contact:
    """A contact with every field set, including the awkward ones."""
    return Contact(
        full_name="Alice Émilie Müller-Østergaard",
        first_name="Alice",
        phones=(
            Phone("+12125550101", PhoneType.WORK, "US", ("America/New_York",)),
            Phone("+18085550102", PhoneType.MOBILE, "US", ("Pacific/Honolulu", "US/Hawaii")),
        ),
        email="Alice.Muller@Example.COM",
        address="1 Main St\nSpringfield",
        country="US",
        subdivision="NY",
        company="Dental Group",
        title="Practice manager",
        segment="dental clinics, US",
        tags=("referral", "priority"),
        fields={"crm_id": "A-17", "note": "likes mornings; 100% sure"},
        owner="bob",
        referred_by="Carol Jones",
        reason="advice on scheduling software",
        timezone="America/New_York",
        timezone_candidates=("America/New_York", "America/Chicago"),
        timezone_source="user",
        preferred_windows=(
            PreferredWindow((Weekday.TUE, Weekday.THU), time(14, 0), time(17, 30)),
            PreferredWindow((Weekday.FRI,), time(9, 15, 30), time(11, 0)),
        ),
        preferred_channel=Channel.EMAIL,
        email_first=True,
        personal=True,
        cadence="gentle",
        created_at=CREATED,
    )


def person(name: str, **changes: object) -> Contact:
    contact = Contact(full_name=name, first_name=name.split()[0], created_at=CREATED)
    return replace(contact, **changes)


def test_contact_with_every_field_comes_back_equal(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        saved = uow.contacts.add(alice())
        uow.commit()

    with uow_factory() as uow:
        loaded = uow.contacts.get(saved.id or 0)

    assert loaded == replace(alice(), id=saved.id)
    assert loaded.created_at.tzinfo is UTC


def test_instants_in_other_zones_are_stored_as_the_same_instant_in_utc(
    uow_factory: UowFactory,
) -> None:
    tokyo = timezone(timedelta(hours=9))
    with uow_factory() as uow:
        saved = uow.contacts.add(
            person("Ken Sato", created_at=datetime(2026, 3, 2, 18, tzinfo=tokyo))
        )
        uow.commit()

    with uow_factory() as uow:
        created = uow.contacts.get(saved.id or 0).created_at

    assert created == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert created.tzinfo is UTC


def test_add_many_returns_ids_in_input_order(uow_factory: UowFactory) -> None:
    names = [f"Person {n:04d}" for n in range(1500)]
    with uow_factory() as uow:
        ids = uow.contacts.add_many([person(name) for name in names])
        uow.commit()

    with uow_factory() as uow:
        assert [uow.contacts.get(i).full_name for i in ids[::250]] == names[::250]
        assert uow.contacts.count() == 1500
    assert len(set(ids)) == 1500


def test_add_many_keeps_numbering_after_earlier_contacts(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        first = uow.contacts.add(person("Ann Early"))
        later = uow.contacts.add_many([person("Ben Later"), person("Cy Later")])
        uow.commit()

    assert first.id is not None
    assert all(i > first.id for i in later)


def test_get_unknown_contact_raises_not_found(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(NotFound):
        uow.contacts.get(999)


def test_finds_contact_by_any_of_its_numbers(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        saved = uow.contacts.add(alice())
        uow.contacts.add(person("Dan Other", phones=(Phone("+442071838750"),)))
        uow.commit()

        assert [c.id for c in uow.contacts.by_phone("+18085550102")] == [saved.id]
        assert [c.id for c in uow.contacts.by_phone("+12125550101")] == [saved.id]
        assert uow.contacts.by_phone("+19999999999") == []


def test_shared_number_finds_every_contact_having_it(uow_factory: UowFactory) -> None:
    switchboard = Phone("+4930123456", PhoneType.WORK)
    with uow_factory() as uow:
        uow.contacts.add_many([person("Eva Lang", phones=(switchboard,)), person("Fritz Lang")])
        uow.contacts.add(person("Gus Lang", phones=(Phone("+4930999"), switchboard)))
        uow.commit()

        names = sorted(c.full_name for c in uow.contacts.by_phone("+4930123456"))

    assert names == ["Eva Lang", "Gus Lang"]


def test_email_lookup_ignores_case_and_surrounding_spaces(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        saved = uow.contacts.add(alice())
        uow.commit()

        assert [c.id for c in uow.contacts.by_email("alice.muller@example.com")] == [saved.id]
        assert [c.id for c in uow.contacts.by_email(" ALICE.MULLER@EXAMPLE.COM ")] == [saved.id]
        assert uow.contacts.by_email("alice@example.com") == []


def test_name_search_is_a_case_insensitive_substring_match(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add_many([alice(), person("Hal Muller"), person("Ivy Chen")])
        uow.commit()

        assert [c.first_name for c in uow.contacts.search_name("MÜLLER")] == ["Alice"]
        assert [c.first_name for c in uow.contacts.search_name("muller")] == ["Hal"]
        assert {c.first_name for c in uow.contacts.search_name("l")} == {"Alice", "Hal"}
        assert len(uow.contacts.search_name("l", limit=1)) == 1


def test_name_search_treats_wildcards_as_plain_text(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add_many([person("Jo 100% Real"), person("Jo_Under"), person("Jon Doe")])
        uow.commit()

        assert [c.full_name for c in uow.contacts.search_name("100%")] == ["Jo 100% Real"]
        assert [c.full_name for c in uow.contacts.search_name("o_")] == ["Jo_Under"]


def test_update_replaces_fields_and_phones(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        saved = uow.contacts.add(alice())
        uow.commit()

    changed = replace(
        saved,
        email="new@example.org",
        phones=(Phone("+33142685300", PhoneType.HOME, "FR", ("Europe/Paris",)),),
        tags=(),
        preferred_channel=None,
    )
    with uow_factory() as uow:
        uow.contacts.update(changed)
        uow.commit()

    with uow_factory() as uow:
        assert uow.contacts.get(saved.id or 0) == changed
        assert uow.contacts.by_phone("+12125550101") == []
        assert [c.id for c in uow.contacts.by_email("NEW@example.org")] == [saved.id]


def test_update_of_unknown_contact_raises_not_found(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        with pytest.raises(NotFound):
            uow.contacts.update(replace(alice(), id=12345))
        with pytest.raises(NotFound):
            uow.contacts.update(alice())


def test_list_filters_by_segment_and_owner_in_id_order(uow_factory: UowFactory) -> None:
    contacts = [
        person(f"P{n}", segment="dentists" if n % 2 else "lawyers", owner="bob" if n % 3 else "amy")
        for n in range(2500)
    ]
    with uow_factory() as uow:
        ids = uow.contacts.add_many(contacts)
        uow.commit()

        everyone = [c.id for c in uow.contacts.list()]
        dentists_of_bob = list(uow.contacts.list(segment="dentists", owner="bob"))
        first_three = [c.id for c in uow.contacts.list(limit=3)]

    assert everyone == ids
    assert len(dentists_of_bob) == sum(1 for n in range(2500) if n % 2 and n % 3)
    assert {(c.segment, c.owner) for c in dentists_of_bob} == {("dentists", "bob")}
    assert first_three == ids[:3]


def test_identity_keys_list_every_number_and_email_with_the_name(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add_many([alice(), person("Kim Park")])
        uow.commit()

        keys = sorted(uow.contacts.identity_keys())

    name = alice().full_name
    assert keys == sorted(
        [(name, "+12125550101"), (name, "+18085550102"), (name, "Alice.Muller@Example.COM")]
    )


def test_contacts_encoded_for_import_are_stored_with_a_new_state_due_then(
    uow_factory: UowFactory,
) -> None:
    due_at = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    created = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    batch = [alice(), replace(alice(), full_name="Bo", phones=(), tags=())]
    with uow_factory() as uow:
        encode = uow.contacts.import_encoder(created)  # type: ignore[attr-defined]
        ids = uow.contacts.add_encoded(encode(batch), due_at)  # type: ignore[attr-defined]
        uow.commit()
    with uow_factory() as uow:
        stored = [uow.contacts.get(i) for i in ids]
        states = uow.states.get_many(ids)
    expected = [replace(c, id=i, created_at=created) for c, i in zip(batch, ids, strict=True)]
    assert stored == expected
    assert states == {i: FollowUpState(i, status=Status.NEW, next_due_at=due_at) for i in ids}


def test_encoded_rows_equal_what_a_plain_add_writes(
    uow_factory: UowFactory, engine: Engine
) -> None:
    created = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    contact = replace(alice(), created_at=created)
    with uow_factory() as uow:
        (plain_id,) = uow.contacts.add_many([contact])
        encode = uow.contacts.import_encoder(created)  # type: ignore[attr-defined]
        (encoded_id,) = uow.contacts.add_encoded(encode([alice()]), created)  # type: ignore[attr-defined]
        uow.commit()
    with engine.connect() as connection:
        rows = {
            contact_id: connection.execute(
                select(contacts).where(contacts.c.id == contact_id)
            ).one()[1:]
            for contact_id in (plain_id, encoded_id)
        }
    assert rows[plain_id] == rows[encoded_id]


def test_bulk_rows_get_exactly_the_ids_reserved_for_them(engine: Engine) -> None:
    with engine.begin() as connection:
        ids = reserve_ids(connection, contacts, 2)
        encoder = SqlContactRepository(connection).import_encoder(CREATED)
        rows = [row for row, _ in encoder([alice(), replace(alice(), full_name="Bo")])]
        insert_numbered(connection, contacts, ids, rows)
        stored = connection.execute(select(contacts.c.id, contacts.c.full_name)).all()
        assert sorted(stored) == [(ids[0], alice().full_name), (ids[1], "Bo")]


def test_bulk_rows_get_the_reserved_ids_or_none_at_all(engine: Engine) -> None:
    with engine.connect() as connection, connection.begin():
        ids = reserve_ids(connection, contacts, 1)
        # On SQLite, a plain add now takes the id reserved (max + 1); a sequence
        # (PostgreSQL) never hands the same id out twice.
        (cy,) = SqlContactRepository(connection).add_many([replace(alice(), full_name="Cy")])
        encoder = SqlContactRepository(connection).import_encoder(CREATED)
        ((row, _),) = encoder([alice()])
        try:
            insert_numbered(connection, contacts, ids, [row])
        except AssertionError:
            assert cy == ids[0]
            return
        query = select(contacts.c.id).where(contacts.c.full_name == alice().full_name)
        assert connection.execute(query).scalar_one() == ids[0] != cy
