"""Contact imports on in-memory fakes: how a re-run recognises contacts already stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from ringback.domain.errors import InvalidField
from ringback.services import importing
from ringback.services.importing import import_contact_blocks, row_blocks
from tests.unit.fakes import FakeContacts, FakeUnitOfWork

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROWS = [
    {"full_name": "Ana Lima", "phone": "+1 212 555 0100"},
    {"full_name": "Bo Chen", "email": "bo@example.com"},
    {"full_name": "Bo Chen", "email": "BO@example.com"},  # the same person again
]


def run(uow: FakeUnitOfWork) -> importing.ImportReport:
    return import_contact_blocks(
        row_blocks(ROWS), lambda: uow, default_region="US", now=NOW, first_row=1
    )


def test_rerun_with_keys_preloaded_skips_everyone(uow: FakeUnitOfWork) -> None:
    assert (run(uow).imported, run(uow).imported) == (2, 0)
    assert uow.contacts.count() == 2


def test_rerun_checking_a_large_database_row_by_row_skips_everyone(
    uow: FakeUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(uow)
    monkeypatch.setattr(importing, "PRELOAD_MAX", 0)
    again = run(uow)
    assert (again.imported, again.skipped) == (0, 3)


def test_repository_identity_keys_are_used_when_offered(
    uow: FakeUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(uow)
    asked: list[bool] = []

    def identity_keys(self: FakeContacts) -> Iterator[tuple[str, str]]:
        asked.append(True)
        for contact in self.list():
            for phone in contact.phones:
                yield contact.full_name, phone.e164
            if contact.email:
                yield contact.full_name, contact.email

    monkeypatch.setattr(FakeContacts, "identity_keys", identity_keys, raising=False)
    again = run(uow)
    assert asked and (again.imported, again.skipped) == (0, 3)


def test_new_contacts_are_due_at_import_time(uow: FakeUnitOfWork) -> None:
    run(uow)
    with uow:
        due = uow.states.due(NOW)
    assert len(due) == 2
    assert {state.next_due_at for state in due} == {NOW}


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def test_rows_naming_an_unknown_cadence_are_rejected_and_the_rest_kept(
    uow: FakeUnitOfWork,
) -> None:
    rows = [
        {"full_name": "Ana Lima", "phone": "+1 212 555 0100", "cadence": "default"},
        {"full_name": "Bo Chen", "phone": "+1 212 555 0101", "cadence": "nope"},
    ]
    refused: list[tuple[int, str, str]] = []

    class Sink:
        def reject(self, row: int, values: object, error: InvalidField) -> None:
            refused.append((row, error.field, error.message))

    report = import_contact_blocks(
        row_blocks(rows), lambda: uow, default_region="US", now=NOW, first_row=1, rejects=Sink()
    )
    assert (report.imported, report.rejected) == (1, 1)
    [(row, field, message)] = refused
    assert (row, field) == (2, "cadence") and "'nope'" in message
