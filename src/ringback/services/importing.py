"""Bulk import of contacts (CSV, vCard); touches are in services/touch_import.py.

Bad rows never stop an import: they go to a rejects sink naming row and field, and
the valid rows are kept (PRODUCT.md §7). Rows are written in batches, each batch one
transaction, so a crash leaves no partial batch; a re-run skips what was already
imported, so an interrupted import is resumed by running it again.

Contacts are validated in worker processes while this process writes batches: phone
parsing (libphonenumber, pure Python) is the bottleneck, and the spec asks for tens
of thousands of rows a second (PRODUCT.md §6).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from operator import attrgetter
from typing import Any, NamedTuple, Protocol, runtime_checkable

from ringback.domain.contact_input import contact_from_record
from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Contact, FollowUpState, Phone, PhoneType, Status
from ringback.domain.value_input import format_windows, parse_windows
from ringback.services.contacts import UowFactory
from ringback.services.parallel import Chunk, map_chunks
from ringback.services.ports import UnitOfWork

FIRST_DATA_ROW = 2  # a CSV's header is row 1, as a spreadsheet numbers them
DEFAULT_BATCH = 5000
CHUNK_ROWS = 2000
# Above this many stored contacts, rows are checked against the database one by one
# instead of loading every stored contact's keys (unless the repository has a cheap
# `identity_keys()`, see ContactKeySource).
PRELOAD_MAX = 100_000

Values = Mapping[str, str | None]
Progress = Callable[[int], None]
PackedPhone = tuple[str, str, str | None, tuple[str, ...]]
Packed = tuple[
    tuple[str, str], tuple[PackedPhone, ...], tuple[Any, ...], str, str | None, tuple[Any, ...]
]


class InvalidRow(NamedTuple):
    field: str
    message: str


# A valid row as a packed Contact (see _pack), a refused one as InvalidRow, a blank
# one as None.
Checked = Packed | InvalidRow | None


class RejectSink(Protocol):
    def reject(self, row: int, values: Values, error: InvalidField) -> None:
        """Record a refused row: its original values, its number and what was wrong."""


@runtime_checkable
class ContactKeySource(Protocol):
    """Optional capability of a contact repository that makes resuming cheap."""

    def identity_keys(self) -> Iterator[tuple[str, str]]:
        """(full name, E.164 or email) for every phone and email of every contact."""


@runtime_checkable
class ContactImportSink(Protocol):
    """Optional capability of a contact repository: imported contacts in one go."""

    def add_imported(self, new_contacts: Sequence[Contact], due_at: datetime) -> list[int]:
        """add_many, each with a NEW follow-up state due at `due_at`; the new ids."""


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    rejected: int = 0
    skipped: int = 0  # already in the database, or repeated in the file
    blank: int = 0
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# --- contacts ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactValidation:
    """Row → Contact for a whole import; picklable, so worker processes can run it."""

    default_region: str
    mapping: Mapping[str, str] | None

    def check(self, rows: Sequence[Values]) -> list[Checked]:
        return [self._check_one(values) for values in rows]

    def _check_one(self, values: Values) -> Checked:
        if not any(values.values()):
            return None
        record = self._record(values)
        try:
            contact = contact_from_record(record, default_region=self.default_region)
        except InvalidField as exc:  # exceptions with custom __init__ don't unpickle
            return InvalidRow(exc.field, exc.message)
        return _pack(contact)

    def _record(self, values: Values) -> Values:
        if self.mapping is None:
            return values
        mapping = self.mapping
        return {mapping[column]: value for column, value in values.items() if column in mapping}


# Pickling a Contact (a dataclass holding enums and dataclasses) costs more to load
# than validating it took; plain tuples of strings load several times faster, and
# positional construction is the cheapest way back.
_ORDER = [f.name for f in dataclasses.fields(Contact)]
_MIDDLE = tuple(_ORDER[_ORDER.index("email") : _ORDER.index("preferred_windows")])
_TAIL = tuple(_ORDER[_ORDER.index("email_first") : _ORDER.index("created_at")])
_EXPECTED = ["full_name", "first_name", "phones", *_MIDDLE, "preferred_windows"]
if _ORDER != [*_EXPECTED, "preferred_channel", *_TAIL, "created_at", "id"]:
    raise RuntimeError("Contact's fields changed order: update _pack and _unpack")
_middle_of = attrgetter(*_MIDDLE)
_tail_of = attrgetter(*_TAIL)
_PHONE_TYPES = {kind.value: kind for kind in PhoneType}
_CHANNELS = {channel.value: channel for channel in Channel}


def _pack(contact: Contact) -> Packed:
    phones = tuple((p.e164, p.kind.value, p.country, p.timezones) for p in contact.phones)
    channel = contact.preferred_channel
    return (
        (contact.full_name, contact.first_name),
        phones,
        _middle_of(contact),
        format_windows(contact.preferred_windows),
        channel.value if channel else None,
        _tail_of(contact),
    )


def _unpack(packed: Packed, created_at: datetime) -> Contact:
    (full_name, first_name), phones, middle, windows, channel, tail = packed
    return Contact(  # type: ignore[call-arg]  # field order checked above
        full_name,
        first_name,
        tuple(
            Phone(e164, _PHONE_TYPES[kind], country, zones) for e164, kind, country, zones in phones
        ),
        *middle,
        parse_windows(windows) if windows else (),
        _CHANNELS[channel] if channel else None,
        *tail,
        created_at,
    )


def import_contacts(
    rows: Iterable[Values],
    uow_factory: UowFactory,
    *,
    default_region: str,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    rejects: RejectSink | None = None,
    now: datetime | None = None,
    first_row: int = FIRST_DATA_ROW,
    workers: int | None = None,
) -> ImportReport:
    """Import contacts from `rows` (source column → text).

    `mapping` maps source columns to record fields (csv_io.detect_mapping); without
    it the keys already are field names (vCard). Each new contact gets a NEW follow-up
    state due at `now`. `progress` receives the number of rows just processed.
    `workers`: validating processes (default: one per core, at most 4; 0 = in-process).
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    validation = ContactValidation(default_region, dict(mapping) if mapping else None)
    report = ImportReport(dry_run=dry_run)
    writer = _BatchWriter(uow_factory, _Seen.load(uow_factory), now, dry_run, report)
    column_of = {field: column for column, field in (mapping or {}).items()}
    sink = rejects or NoRejects()
    chunks = _chunks(rows, first_row, CHUNK_ROWS)
    with closing(map_chunks(validation.check, chunks, workers=workers)) as checked:
        for chunk, results in checked:
            for offset, (values, result) in enumerate(zip(chunk.rows, results, strict=True)):
                _route(chunk.first_row + offset, values, result, writer, sink, column_of)
            writer.write_full_batches(batch_size)
            if progress is not None:
                progress(len(chunk.rows))
    writer.write_rest()
    report.seconds = time.perf_counter() - started
    return report


def _chunks(rows: Iterable[Values], first_row: int, size: int) -> Iterator[Chunk[Values]]:
    iterator = iter(rows)
    number = first_row
    while block := list(islice(iterator, size)):
        yield Chunk(number, block)
        number += len(block)


def _route(
    row: int,
    values: Values,
    result: Checked,
    writer: _BatchWriter,
    sink: RejectSink,
    column_of: Mapping[str, str],
) -> None:
    report = writer.report
    report.rows += 1
    if result is None:
        report.blank += 1
    elif isinstance(result, InvalidRow):
        field, message = result
        # Name the user's own column, not our field name (PRODUCT.md §7).
        sink.reject(row, values, InvalidField(column_of.get(field, field), message, row))
        report.rejected += 1
    else:
        writer.pending.append(_unpack(result, writer.now))


class NoRejects:
    """A sink for callers that only want the counts."""

    def reject(self, row: int, values: Values, error: InvalidField) -> None:
        pass


class _BatchWriter:
    """Writes pending contacts a batch per transaction, with their follow-up states."""

    def __init__(
        self,
        uow_factory: UowFactory,
        seen: _Seen,
        now: datetime,
        dry_run: bool,
        report: ImportReport,
    ) -> None:
        self.uow_factory = uow_factory
        self.seen = seen
        self.now = now
        self.dry_run = dry_run
        self.report = report
        self.pending: list[Contact] = []

    def write_full_batches(self, batch_size: int) -> None:
        while len(self.pending) >= batch_size:
            batch, self.pending = self.pending[:batch_size], self.pending[batch_size:]
            self._write(batch)

    def write_rest(self) -> None:
        if self.pending:
            batch, self.pending = self.pending, []
            self._write(batch)

    def _write(self, batch: list[Contact]) -> None:
        # A writer thread was tried: it lost more to GIL contention with the thread
        # reading rows than it gained from SQLite releasing the GIL.
        with self.uow_factory() as uow:
            fresh = self.seen.fresh(batch, uow)
            if fresh and not self.dry_run:
                self._add(fresh, uow)
                uow.commit()
        self.report.imported += len(fresh)
        self.report.skipped += len(batch) - len(fresh)

    def _add(self, fresh: list[Contact], uow: UnitOfWork) -> None:
        contacts = uow.contacts
        if isinstance(contacts, ContactImportSink):  # states are new: no upsert needed
            contacts.add_imported(fresh, self.now)
            return
        ids = contacts.add_many(fresh)
        uow.states.save_many(
            [FollowUpState(i, status=Status.NEW, next_due_at=self.now) for i in ids]
        )


class _Seen:
    """Who is already stored or already read: what makes a re-run resume, not repeat.

    A contact is the same person as a stored one when the name and any phone (E.164)
    or the email match; the name matters because colleagues share a switchboard.
    Keys are kept as hashes: a million contacts cost tens of megabytes, not hundreds.
    """

    def __init__(self, keys: set[int], check_database: bool) -> None:
        self._keys = keys
        self._check_database = check_database

    @classmethod
    def load(cls, uow_factory: UowFactory) -> _Seen:
        with uow_factory() as uow:
            contacts = uow.contacts
            if isinstance(contacts, ContactKeySource):
                return cls({hash(_key(n, k)) for n, k in contacts.identity_keys()}, False)
            if contacts.count() > PRELOAD_MAX:
                return cls(set(), True)
            return cls({key for c in contacts.list() for key in _identity(c)}, False)

    def fresh(self, contacts: Iterable[Contact], uow: UnitOfWork) -> list[Contact]:
        fresh: list[Contact] = []
        for contact in contacts:
            keys = _identity(contact)
            if any(key in self._keys for key in keys) or self._stored(contact, uow):
                continue
            self._keys.update(keys)
            fresh.append(contact)
        return fresh

    def _stored(self, contact: Contact, uow: UnitOfWork) -> bool:
        if not self._check_database:
            return False
        name = _folded(contact.full_name)
        found = [c for p in contact.phones for c in uow.contacts.by_phone(p.e164)]
        if contact.email:
            found += uow.contacts.by_email(contact.email)
        return any(_folded(c.full_name) == name for c in found)


def _identity(contact: Contact) -> list[int]:
    keys = [phone.e164 for phone in contact.phones]
    if contact.email:
        keys.append(contact.email)
    return [hash(_key(contact.full_name, key)) for key in keys]


def _key(name: str, phone_or_email: str) -> tuple[str, str]:
    return _folded(name), phone_or_email.casefold()


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())
