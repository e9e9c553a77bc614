"""Contact imports started from the Import page: the uploaded file, its column mapping,
a preview, and the import itself running in a background thread with progress.

A job lives in a folder of its own under `data_dir/imports/<id>/` (the upload and
its rejects file) and in this process's memory (status and counts), so the page
that started an import follows it on the same app instance. The import is
services/importing.import_contact_blocks, exactly what `ringback import` runs:
valid rows are kept, each refused row goes to the rejects file (PRODUCT.md §7).

Who imports decides who owns the new contacts (domain/access.py): a rep imports
for the team or themselves, so a rep's file may not carry an owner column.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO

from ringback.adapters.documents.csv_io import (
    IGNORE,
    RejectsCsv,
    detect_mapping,
    estimate_rows,
    open_csv,
    read_csv,
    read_csv_blocks,
)
from ringback.adapters.documents.vcard import read_vcards
from ringback.domain.access import Actor
from ringback.domain.contact_input import CUSTOM_PREFIX, KNOWN_FIELDS, contact_from_record
from ringback.domain.errors import InvalidField, NotFound, RingbackError
from ringback.domain.model import Contact
from ringback.services.contacts import UowFactory
from ringback.services.import_validation import RowBlock, Values
from ringback.services.importing import (
    FIRST_DATA_ROW,
    ImportReport,
    import_contact_blocks,
    row_blocks,
)

log = logging.getLogger(__name__)
PREVIEW_ROWS = 10
OWNER_COLUMN = "__ringback_owner"  # the chosen owner, added to every row (see OwnedBlock)
MAX_KEPT_JOBS = 50
TARGETS = (IGNORE, *sorted(KNOWN_FIELDS - {"timezone_source"}))


class Kind(StrEnum):
    CSV = "csv"
    VCARD = "vcard"


class JobStatus(StrEnum):
    MAPPING = "mapping"  # uploaded; columns mapped and previewed, not imported yet
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class ImportJob:
    id: str
    user: str
    kind: Kind
    filename: str
    folder: Path
    columns: list[str]
    mapping: dict[str, str]  # column → record field (CSV only)
    total: int | None  # rows, estimated from line breaks (None for vCard until read)
    owner: str | None = None  # owner of the new contacts; None: the team
    status: JobStatus = JobStatus.MAPPING
    processed: int = 0
    report: ImportReport | None = None
    error: str | None = None
    rejected: int = 0

    @property
    def upload(self) -> Path:
        return self.folder / ("upload.vcf" if self.kind is Kind.VCARD else "upload.csv")

    @property
    def rejects_path(self) -> Path:
        return self.folder / "rejects.csv"

    @property
    def has_rejects(self) -> bool:
        return self.rejects_path.exists()

    @property
    def percent(self) -> int:
        if self.status is JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.processed * 100 // self.total)


@dataclass(frozen=True)
class OwnedBlock:
    """A block of rows, each given the chosen owner of the import (picklable)."""

    block: RowBlock
    owner: str | None

    def rows(self) -> list[Values]:
        # A blank row stays blank (it is counted, not refused).
        return [
            {**row, OWNER_COLUMN: self.owner} if any(row.values()) else row
            for row in self.block.rows()
        ]


@dataclass(frozen=True)
class PreviewRow:
    row: int
    values: Values
    contact: Contact | None
    error: str | None


@dataclass
class ImportJobs:
    """The jobs of this app instance, by id; each user sees only their own."""

    root: Path
    jobs: dict[str, ImportJob] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, actor: Actor, filename: str, stream: IO[bytes]) -> ImportJob:
        """Store the upload and read its header; InvalidField when it is unreadable."""
        job_id = secrets.token_urlsafe(9)
        folder = self.root / job_id
        folder.mkdir(parents=True, exist_ok=True)
        kind = _kind(filename, stream)
        target = folder / ("upload.vcf" if kind is Kind.VCARD else "upload.csv")
        with target.open("wb") as out:
            shutil.copyfileobj(stream, out)
        try:
            job = self._describe(job_id, actor, kind, filename, folder, target)
        except (InvalidField, UnicodeDecodeError) as error:
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(error, InvalidField):
                raise
            raise InvalidField("file", "is not UTF-8 text (save the CSV as UTF-8)") from None
        with self.lock:
            self.jobs[job_id] = job
            self._forget_oldest()
        return job

    def _describe(
        self, job_id: str, actor: Actor, kind: Kind, filename: str, folder: Path, target: Path
    ) -> ImportJob:
        if kind is Kind.VCARD:
            with target.open(encoding="utf-8-sig") as stream:
                total = len(read_vcards(stream))
            return ImportJob(job_id, actor.name, kind, filename, folder, [], {}, total)
        with open_csv(target) as stream:
            columns = read_csv(stream).columns
        if not any(columns):
            raise InvalidField("file", "has no header row")
        mapping = detect_mapping(columns)
        total = estimate_rows(target)
        return ImportJob(job_id, actor.name, kind, filename, folder, columns, mapping, total)

    def get(self, actor: Actor, job_id: str) -> ImportJob:
        job = self.jobs.get(job_id)
        if job is None or job.user != actor.name:
            raise NotFound(f"no import {job_id!r}")
        return job

    def of(self, actor: Actor) -> list[ImportJob]:
        return [job for job in reversed(self.jobs.values()) if job.user == actor.name]

    def _forget_oldest(self) -> None:
        while len(self.jobs) > MAX_KEPT_JOBS:
            oldest = next(iter(self.jobs))
            if self.jobs[oldest].status is JobStatus.RUNNING:
                break
            shutil.rmtree(self.jobs.pop(oldest).folder, ignore_errors=True)

    def start(
        self, job: ImportJob, uow_factory: UowFactory, region: str, now: datetime
    ) -> threading.Thread:
        with self.lock:
            if job.status is not JobStatus.MAPPING:
                raise InvalidField("import", "this file was imported already")
            job.status = JobStatus.RUNNING
        thread = threading.Thread(
            target=run_import, args=(job, uow_factory, region, now), daemon=True
        )
        thread.start()
        return thread


def _kind(filename: str, stream: IO[bytes]) -> Kind:
    head = stream.read(64)
    stream.seek(0)
    looks_vcard = head.lstrip(b"\xef\xbb\xbf \r\n").upper().startswith(b"BEGIN:VCARD")
    if filename.lower().endswith((".vcf", ".vcard")) or looks_vcard:
        return Kind.VCARD
    return Kind.CSV


def set_mapping(job: ImportJob, actor: Actor, chosen: Mapping[str, str], owner: str | None) -> None:
    """The user's mapping (column → field) and owner; InvalidField names what is wrong."""
    if job.kind is Kind.CSV:
        mapping = detect_mapping(job.columns, chosen)
        if "owner" in mapping.values() and not actor.sees_everything:
            raise InvalidField(
                "owner", "a rep imports for the team or themselves: choose the owner below"
            )
        job.mapping = mapping
    job.owner = owner


def target_options(column: str) -> list[tuple[str, str]]:
    """(value, label) for a column's mapping select: skip, custom field, known fields."""
    return [
        (IGNORE, "skip this column"),
        (CUSTOM_PREFIX + column.strip(), "custom field"),
        *((name, name.replace("_", " ")) for name in TARGETS[1:]),
    ]


def preview(job: ImportJob, region: str) -> list[PreviewRow]:
    """The first rows as they would be imported: the contact, or why the row is refused."""
    with job.upload.open(encoding="utf-8-sig", newline="") as stream:
        if job.kind is Kind.VCARD:
            records: Iterable[Values] = read_vcards(stream)
            first = 1
        else:
            records = read_csv(stream).rows
            first = FIRST_DATA_ROW
        shown: list[PreviewRow] = []
        for offset, values in enumerate(records):
            if offset >= PREVIEW_ROWS:
                break
            shown.append(_preview_row(job, values, first + offset, region))
    return shown


def _preview_row(job: ImportJob, values: Values, row: int, region: str) -> PreviewRow:
    record = _record(job, values)
    try:
        return PreviewRow(row, values, contact_from_record(record, default_region=region), None)
    except InvalidField as refused:
        column = {f: c for c, f in job.mapping.items()}.get(refused.field, refused.field)
        return PreviewRow(row, values, None, f"{column}: {refused.message}")


def _record(job: ImportJob, values: Values) -> dict[str, str | None]:
    if job.kind is Kind.VCARD:
        return {**values, "owner": job.owner}
    record = {job.mapping[c]: v for c, v in values.items() if c in job.mapping}
    if "owner" not in record:
        record["owner"] = job.owner
    return record


def run_import(job: ImportJob, uow_factory: UowFactory, region: str, now: datetime) -> None:
    """The whole import; its outcome lands on `job` (never raises)."""

    def advance(rows: int) -> None:
        job.processed += rows

    try:
        job.report = _import(job, uow_factory, region, now, advance)
        job.rejected = job.report.rejected
        job.status = JobStatus.DONE
    except RingbackError as error:
        job.error, job.status = str(error), JobStatus.FAILED
    except Exception:  # a bug: the page says so instead of spinning forever
        log.exception("import %s failed", job.id)
        job.error, job.status = (
            "the import failed unexpectedly; see the server log",
            JobStatus.FAILED,
        )


def _import(
    job: ImportJob,
    uow_factory: UowFactory,
    region: str,
    now: datetime,
    advance: Callable[[int], None],
) -> ImportReport:
    with job.upload.open(encoding="utf-8-sig", newline="") as stream:
        if job.kind is Kind.VCARD:
            records = read_vcards(stream)
            job.total = len(records)
            vcard_rows = [{**r, "owner": r.get("owner") or job.owner} for r in records]
            blocks: Iterable[RowBlock] = row_blocks(vcard_rows)
            mapping, first_row, columns = None, 1, None
        else:
            table = read_csv_blocks(stream)
            mapping = _with_owner(job.mapping)
            blocks = (OwnedBlock(block, job.owner) for block in table.blocks)
            first_row, columns = FIRST_DATA_ROW, table.columns
        with RejectsCsv(job.rejects_path, columns) as sink:
            return import_contact_blocks(
                blocks,
                uow_factory,
                default_region=region,
                mapping=mapping,
                progress=advance,
                rejects=sink,
                now=now,
                first_row=first_row,
            )


def _with_owner(mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping plus the chosen owner's column, unless the file names owners."""
    if "owner" in mapping.values():
        return dict(mapping)
    return {**mapping, OWNER_COLUMN: "owner"}


def mapping_rows(job: ImportJob) -> Sequence[tuple[int, str, str]]:
    """(index, column, chosen target) for the mapping form."""
    return [(i, c, job.mapping.get(c, IGNORE)) for i, c in enumerate(job.columns)]
