"""Importing contacts into SQLite and PostgreSQL (PRODUCT.md §6, §7).

Valid rows are kept, bad ones go to the rejects file with row and field, a dry run
writes nothing, a crash leaves no partial batch, and a re-run resumes without
duplicating anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.adapters.documents.csv_io import (
    BLOCK_CHARS,
    RejectsCsv,
    contacts_csv_text,
    detect_mapping,
    read_csv,
    read_csv_blocks,
)
from ringback.adapters.documents.vcard import read_vcards, write_vcards
from ringback.domain.contact_input import contact_from_record
from ringback.domain.model import Contact, Status
from ringback.services.importing import ImportReport, import_contact_blocks, row_blocks

UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DATA = Path(__file__).parent.parent / "data"

MIXED_CSV = """\
Name,Cell,E-mail,Company,Lead source,Best time to call
Alice Moreno,+1 415 555 0100,alice@example.com,Dental Group,web,"tue,thu 14:00-17:00"
Bob Stone,12345,bob@example.com,Acme,list,
Carol Jones,(212) 555-0142,,Acme,event,
Dan Brown,+44 20 7946 0958,dan@example,Acme,web,
,,,,,
Eve Adams,,eve@example.org,,referral,
"""


def run_import(
    text: str,
    uow_factory: Callable[[], Any],
    tmp_path: Path,
    block_chars: int = BLOCK_CHARS,
    **options: Any,
) -> tuple[ImportReport, list[dict[str, str]]]:
    """Import CSV `text` as `ringback import` does; returns the report and the rejects."""
    table = read_csv_blocks(io.StringIO(text), block_chars)
    rejects_path = tmp_path / "rejects.csv"
    with RejectsCsv(rejects_path, table.columns) as rejects:
        report = import_contact_blocks(
            table.blocks,
            uow_factory,
            default_region="US",
            mapping=detect_mapping(table.columns),
            rejects=rejects,
            now=NOW,
            **options,
        )
    if not rejects_path.exists():
        return report, []
    with rejects_path.open(encoding="utf-8") as stream:
        return report, list(csv.DictReader(stream))


def stored(uow_factory: UowFactory) -> list[Contact]:
    with uow_factory() as uow:
        return list(uow.contacts.list())


def people_csv(count: int, bad_rows: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    """`count` valid people; data rows listed in `bad_rows` get an invalid number."""
    lines = ["Full name,Phone,Email"]
    for index in range(count):
        row = index + 2
        phone = "555" if row in bad_rows else f"+1 212 555 {index:04d}"
        lines.append(f"Person {index},{phone},person{index}@example.com")
    return "\n".join(lines) + "\n"


def test_valid_rows_are_kept_and_bad_rows_rejected_with_row_and_column(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    report, rejects = run_import(MIXED_CSV, uow_factory, tmp_path)
    assert (report.imported, report.rejected, report.blank, report.rows) == (3, 2, 1, 6)
    assert sorted(c.full_name for c in stored(uow_factory)) == [
        "Alice Moreno",
        "Carol Jones",
        "Eve Adams",
    ]
    assert [(r["row"], r["field"], r["Name"]) for r in rejects] == [
        ("3", "Cell", "Bob Stone"),
        ("5", "E-mail", "Dan Brown"),
    ]
    assert "'12345' is not a valid phone number" in rejects[0]["error"]


def test_imported_contacts_keep_fields_and_are_due_now(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    run_import(MIXED_CSV, uow_factory, tmp_path)
    alice = next(c for c in stored(uow_factory) if c.full_name == "Alice Moreno")
    assert alice.phones[0].e164 == "+14155550100"
    assert alice.fields == {"Lead source": "web"}
    assert [w.start.hour for w in alice.preferred_windows] == [14]
    assert alice.created_at == NOW
    with uow_factory() as uow:
        due = uow.states.due(NOW)
    assert len(due) == 3
    assert {state.status for state in due} == {Status.NEW}


def test_dry_run_writes_nothing_but_reports_and_rejects(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    report, rejects = run_import(MIXED_CSV, uow_factory, tmp_path, dry_run=True)
    assert (report.imported, report.rejected, report.dry_run) == (3, 2, True)
    assert len(rejects) == 2
    assert stored(uow_factory) == []


class PowerCut:
    """A unit-of-work factory whose Nth commit fails: the batch was written, not kept."""

    def __init__(self, uow_factory: UowFactory, failing_commit: int) -> None:
        self.uow_factory = uow_factory
        self.failing_commit = failing_commit
        self.commits = 0

    def __call__(self) -> _CutUnitOfWork:
        return _CutUnitOfWork(self)


class _CutUnitOfWork:
    def __init__(self, cut: PowerCut) -> None:
        self.cut = cut
        self.inner = cut.uow_factory()

    def __enter__(self) -> _CutUnitOfWork:
        inner = self.inner.__enter__()
        self.contacts, self.states = inner.contacts, inner.states
        self.touches, self.appointments = inner.touches, inner.appointments
        self.cadences = inner.cadences
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self.cut.commits += 1
        if self.cut.commits == self.cut.failing_commit:
            raise RuntimeError("power cut")
        self.inner.commit()

    def rollback(self) -> None:
        self.inner.rollback()


def test_crash_mid_import_leaves_whole_batches_and_a_rerun_completes_it(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    text = people_csv(8)
    with pytest.raises(RuntimeError, match="power cut"):
        run_import(text, PowerCut(uow_factory, failing_commit=2), tmp_path, batch_size=3)
    with uow_factory() as uow:
        assert uow.contacts.count() == 3  # the first batch only, never part of the second
        assert len(uow.states.get_many([c.id or 0 for c in uow.contacts.list()])) == 3

    report, _ = run_import(text, uow_factory, tmp_path, batch_size=3)
    assert (report.imported, report.skipped) == (5, 3)
    names = sorted(c.full_name for c in stored(uow_factory))
    assert names == sorted(f"Person {i}" for i in range(8))


def test_rerun_does_not_duplicate(uow_factory: UowFactory, tmp_path: Path) -> None:
    run_import(MIXED_CSV, uow_factory, tmp_path)
    again, _ = run_import(MIXED_CSV, uow_factory, tmp_path)
    assert (again.imported, again.skipped) == (0, 3)
    assert len(stored(uow_factory)) == 3


def test_repeats_in_a_file_are_imported_once_but_colleagues_sharing_a_number_are_not_merged(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    text = (
        "Name,Work phone\n"
        "Ana Lima,+1 212 555 0100\n"
        "ana  lima,(212) 555-0100\n"
        "Bo Chen,+1 212 555 0100\n"
    )
    report, _ = run_import(text, uow_factory, tmp_path)
    assert (report.imported, report.skipped) == (2, 1)


def test_large_file_is_validated_in_worker_processes_keeping_row_numbers(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    bad_rows = {2, 2500, 4001, 6001}
    report, rejects = run_import(
        people_csv(6000, bad_rows),
        uow_factory,
        tmp_path,
        block_chars=50_000,  # about 1,100 rows a block: several blocks, so workers
        workers=2,
        batch_size=1000,
    )
    assert (report.imported, report.rejected) == (5996, 4)
    assert [int(r["row"]) for r in rejects] == sorted(bad_rows)
    assert {r["field"] for r in rejects} == {"Phone"}
    with uow_factory() as uow:
        assert uow.contacts.count() == 5996
        [person] = uow.contacts.by_phone("+12125552499")  # data row 2501, after a reject
        assert person.full_name == "Person 2499"


def test_progress_reports_every_row(uow_factory: UowFactory, tmp_path: Path) -> None:
    seen: list[int] = []
    run_import(MIXED_CSV, uow_factory, tmp_path, progress=seen.append)
    assert sum(seen) == 6


def test_vcards_3_and_4_import_with_rejects(uow_factory: UowFactory) -> None:
    refused: list[tuple[int, str]] = []

    class Rejects:
        def reject(self, row: int, values: Any, error: Any) -> None:
            refused.append((row, error.field))

    for name in ("contacts_v3.vcf", "contacts_v4.vcf"):
        with (DATA / name).open(encoding="utf-8") as stream:
            records = read_vcards(stream)
        import_contact_blocks(
            row_blocks(records),
            uow_factory,
            default_region="US",
            rejects=Rejects(),
            first_row=1,
            now=NOW,
        )
    assert refused == [(3, "mobile")]
    names = sorted(c.full_name for c in stored(uow_factory))
    assert names == ["Ana Lima", "Chidi Okafor", "Dr. Jörg Müller", "Hiro Tanaka"]


def _comparable(contacts: list[Contact]) -> list[Contact]:
    for contact in contacts:
        contact.id = None
        contact.created_at = NOW
    return sorted(contacts, key=lambda c: c.full_name)


def test_csv_export_of_stored_contacts_imports_back_identically(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    run_import(MIXED_CSV, uow_factory, tmp_path)
    contacts = stored(uow_factory)
    table = read_csv(io.StringIO(contacts_csv_text(contacts)))
    mapping = detect_mapping(table.columns)
    again = [
        contact_from_record(
            {mapping[c]: v for c, v in row.items() if c in mapping}, default_region="US"
        )
        for row in table.rows
    ]
    assert _comparable(again) == _comparable(contacts)


def test_vcard_export_of_stored_contacts_imports_back_identically(
    uow_factory: UowFactory,
) -> None:
    with (DATA / "contacts_v4.vcf").open(encoding="utf-8") as stream:
        blocks = row_blocks(read_vcards(stream))
        import_contact_blocks(blocks, uow_factory, default_region="US", now=NOW)
    contacts = stored(uow_factory)
    exported = io.StringIO()
    write_vcards(contacts, exported)
    exported.seek(0)
    again = [contact_from_record(r, default_region="US") for r in read_vcards(exported)]
    assert _comparable(again) == _comparable(contacts)
