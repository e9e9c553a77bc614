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

import gc
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Protocol, runtime_checkable

from ringback.domain.errors import InvalidField
from ringback.domain.model import FollowUpState, Status
from ringback.domain.phone import fast_parser_in_use
from ringback.services.contacts import UowFactory, known_cadence_keys
from ringback.services.import_validation import (
    ContactValidation,
    Encoder,
    Packed,
    Progress,
    RowBlock,
    Values,
    folded,
    identity_texts,
    key_text,
    unpack,
)
from ringback.services.parallel import map_ordered
from ringback.services.ports import ContactRepository, UnitOfWork

FIRST_DATA_ROW = 2  # a CSV's header is row 1, as a spreadsheet numbers them
DEFAULT_BATCH = 5000
# Contacts are written in larger batches: every commit rewrites the leaf pages of the
# email and phone indexes it touched, and each batch touches most of them.
CONTACT_BATCH = 10_000
CHUNK_ROWS = 2000
# Above this many stored contacts, rows are checked against the database one by one
# instead of loading every stored contact's keys (unless the repository has a cheap
# `identity_keys()`, see ContactKeySource).
PRELOAD_MAX = 100_000


class RejectSink(Protocol):
    def reject(self, row: int, values: Values, error: InvalidField) -> None:
        """Record a refused row: its original values, its number and what was wrong."""


@dataclass(frozen=True)
class RowList:
    """Rows already read, as a RowBlock."""

    items: list[Values]

    def rows(self) -> list[Values]:
        return self.items


@runtime_checkable
class ContactKeySource(Protocol):
    """Optional capability of a contact repository that makes resuming cheap."""

    def identity_keys(self) -> Iterator[tuple[str, str]]:
        """(full name, E.164 or email) for every phone and email of every contact."""


@runtime_checkable
class EncodedContactSink(Protocol):
    """Optional capability of a contact repository: storing imports in bulk.

    Its encoder runs in the validating workers and does the per-row work of turning
    contacts into stored rows, so the one process writing to the database does
    little else (PRODUCT.md §6: imports run at tens of thousands of rows a second).
    """

    def import_encoder(self, created_at: datetime) -> Encoder:
        """A picklable function from contacts (created at `created_at`) to stored rows."""

    def add_encoded(self, encoded: Sequence[Any], due_at: datetime) -> list[int]:
        """Store encoded contacts, each with a NEW follow-up state due at `due_at`."""


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


def import_contact_blocks(
    blocks: Iterable[RowBlock],
    uow_factory: UowFactory,
    *,
    default_region: str,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    batch_size: int = CONTACT_BATCH,
    progress: Progress | None = None,
    rejects: RejectSink | None = None,
    now: datetime | None = None,
    first_row: int = FIRST_DATA_ROW,
    workers: int | None = None,
    pause_collector: bool = False,
) -> ImportReport:
    """Import contacts from consecutive blocks of rows, numbered from `first_row`.

    Rows already read (vCards, tests) become blocks with `row_blocks(rows)`.

    `mapping` maps source columns to record fields (csv_io.detect_mapping); without
    it the keys already are field names (vCard). Each new contact gets a NEW follow-up
    state due at `now`. `progress` receives the number of rows just processed.
    `workers`: validating processes (default: one per core, at most 4; 0 = in-process).
    `pause_collector`: for a process doing nothing but this import (the CLI): Python's
    cyclic garbage collector is paused for the import, as in the workers.
    """
    with collector_paused() if pause_collector else nullcontext():
        return _import_contact_blocks(
            blocks,
            uow_factory,
            default_region=default_region,
            mapping=mapping,
            dry_run=dry_run,
            batch_size=batch_size,
            progress=progress,
            rejects=rejects,
            now=now,
            first_row=first_row,
            workers=workers,
        )


def _import_contact_blocks(
    blocks: Iterable[RowBlock],
    uow_factory: UowFactory,
    *,
    default_region: str,
    mapping: Mapping[str, str] | None,
    dry_run: bool,
    batch_size: int,
    progress: Progress | None,
    rejects: RejectSink | None,
    now: datetime | None,
    first_row: int,
    workers: int | None,
) -> ImportReport:
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    report = ImportReport(dry_run=dry_run)
    writer = _BatchWriter.open(uow_factory, now, dry_run, report)
    validation = ContactValidation(
        default_region,
        dict(mapping) if mapping else None,
        writer.encoder,
        writer.cadences,
        fast_parser_in_use(),
    )
    column_of = {field: column for column, field in (mapping or {}).items()}
    sink = rejects or NoRejects()
    row = first_row
    with closing(map_ordered(validation.check, blocks, workers=workers)) as checked:
        for block in checked:
            for reject in block.rejects:
                # Name the user's own column, not our field name (PRODUCT.md §7).
                column = column_of.get(reject.field, reject.field)
                number = row + reject.offset
                sink.reject(number, reject.values, InvalidField(column, reject.message, number))
            report.rows += block.rows
            report.blank += block.blank
            report.rejected += len(block.rejects)
            writer.pending.extend(block.valid)
            writer.write_full_batches(batch_size)
            row += block.rows
            if progress is not None:
                progress(block.rows)
    writer.write_rest()
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused, for the whole process, meanwhile.

    An import allocates millions of short-lived tuples (the workers' rows) while
    keeping a batch of them alive: collections triggered by their number keep
    re-scanning everything the process holds, about a fifth of the importing
    process's time. Its own cycles (a few per batch written) wait until the end.
    Process-wide, so only for processes that do nothing else meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def row_blocks(rows: Iterable[Values], size: int = CHUNK_ROWS) -> Iterator[RowList]:
    """`rows` in consecutive blocks of `size`."""
    iterator = iter(rows)
    while block := list(islice(iterator, size)):
        yield RowList(block)


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
        encoder: Encoder | None,
        cadences: frozenset[str],
    ) -> None:
        self.uow_factory = uow_factory
        self.seen = seen
        self.now = now
        self.dry_run = dry_run
        self.report = report
        self.encoder = encoder
        self.cadences = cadences
        self.pending: list[tuple[tuple[str, ...], Any]] = []

    @classmethod
    def open(
        cls, uow_factory: UowFactory, now: datetime, dry_run: bool, report: ImportReport
    ) -> _BatchWriter:
        with uow_factory() as uow:
            contacts = uow.contacts
            seen = _Seen.load(contacts)
            # Encoded contacts can't be looked up one by one, hence the key source.
            bulk = isinstance(contacts, EncodedContactSink) and isinstance(
                contacts, ContactKeySource
            )
            encoder = contacts.import_encoder(now) if bulk else None  # type: ignore[attr-defined]
            cadences = known_cadence_keys(uow)
        return cls(uow_factory, seen, now, dry_run, report, encoder, cadences)

    def write_full_batches(self, batch_size: int) -> None:
        while len(self.pending) >= batch_size:
            batch, self.pending = self.pending[:batch_size], self.pending[batch_size:]
            self._write(batch)

    def write_rest(self) -> None:
        if self.pending:
            batch, self.pending = self.pending, []
            self._write(batch)

    def _write(self, batch: list[tuple[tuple[str, ...], Any]]) -> None:
        # A writer thread was tried: it lost more to GIL contention with the thread
        # reading rows than it gained from SQLite releasing the GIL.
        with self.uow_factory() as uow:
            fresh = self.seen.fresh(batch, lambda packed: self._stored(packed, uow))
            if fresh and not self.dry_run:
                self._add(fresh, uow)
                uow.commit()
        self.report.imported += len(fresh)
        self.report.skipped += len(batch) - len(fresh)

    def _stored(self, packed: Packed, uow: UnitOfWork) -> bool:
        """Whether the database already holds this (packed) contact: same name, a number
        or the email in common."""
        contact = unpack(packed, self.now)
        name = folded(contact.full_name)
        found = [c for p in contact.phones for c in uow.contacts.by_phone(p.e164)]
        if contact.email:
            found += uow.contacts.by_email(contact.email)
        return any(folded(c.full_name) == name for c in found)

    def _add(self, fresh: list[Any], uow: UnitOfWork) -> None:
        contacts = uow.contacts
        if self.encoder is not None and isinstance(contacts, EncodedContactSink):
            contacts.add_encoded(fresh, self.now)  # states are new: no upsert needed
            return
        ids = contacts.add_many([unpack(packed, self.now) for packed in fresh])
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
    def load(cls, contacts: ContactRepository) -> _Seen:
        if isinstance(contacts, ContactKeySource):
            return cls({hash(key_text(n, k)) for n, k in contacts.identity_keys()}, False)
        if contacts.count() > PRELOAD_MAX:
            return cls(set(), True)
        return cls({hash(key) for c in contacts.list() for key in identity_texts(c)}, False)

    def fresh(
        self, batch: Iterable[tuple[tuple[str, ...], Any]], stored: Callable[[Any], bool]
    ) -> list[Any]:
        """The encoded contacts of `batch` that are new; `stored` asks the database."""
        fresh: list[Any] = []
        known = self._keys
        for keys, encoded in batch:
            hashes = tuple(map(hash, keys))
            if not known.isdisjoint(hashes):
                continue
            if self._check_database and stored(encoded):
                continue
            known.update(hashes)
            fresh.append(encoded)
        return fresh
