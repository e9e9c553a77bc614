"""Imports build table rows straight from a row's values (no Contact in between):
the rows, the rejects and their messages must be exactly what the Contact path gives."""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from ringback.adapters.db.import_rows import ContactRowEncoder
from ringback.adapters.db.repositories import SqlContactRepository
from ringback.domain.contact_input import contact_from_record, contact_parts
from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact
from ringback.services.import_validation import (
    Checked,
    ContactValidation,
    Values,
    identity_texts,
    unpack,
)
from ringback.services.importing import RowList, collector_paused, import_contact_blocks
from tests.unit.fakes import FakeUnitOfWork

CREATED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
CADENCES = frozenset({"default", "slow"})

# Each column's values: valid ones, bad ones (each refused with its own message),
# blanks, and text that needs stripping.
VALUES = {
    "Name": ["Ana Lima", " Dr. Bo  Chen ", "Lima, Ana", "", "  ", None],
    "First": ["Ana", "", None],
    "Mobile": ["+1 212 555 0100", "020 7946 0018", "+49 175 9183 2961", "12", "abc", "", None],
    "Work": ["+1 (808) 555-0102", "+44 20 7946 0018", "+800 1234 5678", "+1 212 555", " "],
    "Mail": ["ana@example.com", " Bo <BO@Example.COM>", "a@b.c; x@example.org", "nope@", ""],
    "Country": ["GB", "Germany", "Atlantis", "", None],
    "Tags": ["vip, dental", "a;b;a", "", None],
    "Zone": ["Europe/Berlin", "Mars/Olympus", "", None],
    "Zone source": ["phone", "user", "", None],
    "Windows": ["tue,thu 14:00-17:00", "someday 1-2", "", None],
    "Channel": ["call", "E-mail", "fax", "", None],
    "Personal": ["yes", "no", "maybe", "", None],
    "Cadence": ["default", "slow", "nope", "", None],
    "Notes": ["called twice", "  left a message ", " ", "", None],
    "Company": [" Acme Dental ", "Blue Fjord", "", None],
}
MAPPING = {
    "Name": "full_name",
    "First": "first_name",
    "Mobile": "mobile",
    "Work": "work_phone",
    "Mail": "email",
    "Country": "country",
    "Tags": "tags",
    "Zone": "timezone",
    "Zone source": "timezone_source",
    "Windows": "preferred_windows",
    "Channel": "preferred_channel",
    "Personal": "personal",
    "Cadence": "cadence",
    "Notes": "field:Notes",
    "Company": "company",
}
# Two columns on one field: the later one wins even when blank, so that mapping
# takes the general path.
SHARED_FIELD = {**MAPPING, "Work": "mobile"}

rows = st.fixed_dictionaries({column: st.sampled_from(pool) for column, pool in VALUES.items()})
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def encoder() -> Iterator[ContactRowEncoder]:
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        yield SqlContactRepository(connection).import_encoder(CREATED)
    engine.dispose()


def mapped(row: Values, mapping: dict[str, str]) -> Values:
    return {mapping[column]: value for column, value in row.items() if column in mapping}


def outcome(build: object, record: Values) -> object:
    try:
        return build(record, default_region="US")  # type: ignore[operator]
    except InvalidField as error:
        return (error.field, error.message)


@SETTINGS
@given(row=rows)
def test_parts_are_the_contact_or_the_same_refusal(row: Values) -> None:
    record = mapped(row, MAPPING)
    parts, contact = outcome(contact_parts, record), outcome(contact_from_record, record)
    if isinstance(contact, Contact):
        assert Contact(*parts) == contact  # type: ignore[misc]
    else:
        assert parts == contact


@SETTINGS
@given(block=st.lists(rows, max_size=8), shared=st.booleans())
def test_a_block_gives_the_rows_and_rejects_of_the_contact_path(
    encoder: ContactRowEncoder, block: list[Values], shared: bool
) -> None:
    mapping = SHARED_FIELD if shared else MAPPING
    one_pass = ContactValidation("US", mapping, encoder, CADENCES).check(RowList(block))
    packed = ContactValidation("US", mapping, None, CADENCES).check(RowList(block))
    assert (one_pass.rows, one_pass.blank, one_pass.rejects) == (
        packed.rows,
        packed.blank,
        packed.rejects,
    )
    contacts = [unpack(p, CREATED) for _, p in packed.valid]
    assert [keys for keys, _ in one_pass.valid] == [identity_texts(c) for c in contacts]
    assert [rows for _, rows in one_pass.valid] == encoder(contacts)


def test_bad_rows_keep_their_place_and_message(encoder: ContactRowEncoder) -> None:
    block = [
        {"Name": "Ana Lima", "Mobile": "+1 212 555 0100"},
        {"Name": "Bo Chen", "Mobile": "12"},
        {"Name": "", "Mobile": ""},
        {"Name": "Cy", "Mail": "cy@example.com", "Cadence": "nope"},
    ]
    checked = ContactValidation("US", MAPPING, encoder, CADENCES).check(RowList(block))
    assert (checked.rows, checked.blank, len(checked.valid)) == (4, 1, 1)
    assert [(r.offset, r.field) for r in checked.rejects] == [(1, "mobile"), (3, "cadence")]
    assert "'12'" in checked.rejects[0].message


def test_a_block_crosses_processes_unchanged(encoder: ContactRowEncoder) -> None:
    block = [{"Name": "Ana Lima", "Mobile": "+1 212 555 0100", "Tags": "vip"}]
    checked = ContactValidation("US", MAPPING, encoder, CADENCES).check(RowList(block))
    shipped = pickle.dumps(checked)
    assert b"marshal" in shipped  # plain values go the fast way
    assert pickle.loads(shipped) == checked


def test_values_marshal_refuses_still_cross_by_pickle() -> None:
    block = [{"full_name": "Ana Lima", "phone": "+1 212 555 0100"}]
    as_dates = ContactRowEncoder(created_at=CREATED, contact_json=(), phone_json=())
    checked: Checked = ContactValidation("US", None, as_dates).check(RowList(block))
    back = pickle.loads(pickle.dumps(checked))
    assert back == checked and back.valid[0][1][0][-1] == CREATED


def test_the_collector_is_paused_meanwhile_and_restored() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_an_import_with_the_collector_paused_stores_the_same() -> None:
    block = [
        {"full_name": "Ana Lima", "phone": "+1 212 555 0100"},
        {"full_name": "Bo Chen", "phone": "12"},
    ]
    reports, stored = [], []
    for pause in (False, True):
        uow = FakeUnitOfWork()
        report = import_contact_blocks(
            [RowList(block)],
            lambda uow=uow: uow,
            default_region="US",
            now=CREATED,
            pause_collector=pause,
        )
        reports.append((report.imported, report.rejected))
        stored.append(list(uow.contacts.list()))
        assert gc.isenabled()
    assert reports == [(1, 1), (1, 1)]
    assert len(stored[0]) == 1 and stored[0] == stored[1]
