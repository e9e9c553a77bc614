"""`ringback import`, `ringback import-touches` and `ringback export` (CSV, vCard, JSON Lines)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from ringback.adapters.documents.csv_io import (
    RejectsCsv,
    detect_mapping,
    estimate_rows,
    open_csv,
    read_csv,
    read_csv_blocks,
    read_jsonl,
    write_contacts_csv,
)
from ringback.adapters.documents.vcard import read_vcards, write_vcards
from ringback.bootstrap import App
from ringback.cli.common import (
    EXIT_SOME_REJECTED,
    app_of,
    console,
    errors,
    fail,
    print_json,
    user_errors,
)
from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact
from ringback.services.import_validation import RowBlock
from ringback.services.importing import ImportReport, import_contact_blocks, row_blocks
from ringback.services.scoring import current_model, score_contacts
from ringback.services.touch_import import import_touches


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
    app.command("import-touches")(import_touches_file)
    app.command("export")(export)


def import_file(
    ctx: typer.Context,
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .csv or .vcf file."),
    map_: list[str] = typer.Option(
        [], "--map", help="csvcol=field, e.g. 'Cell=mobile'; field '-' ignores a column."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row, write nothing."),
    rejects: Path | None = typer.Option(
        None, "--rejects", help="Where invalid rows go (default: <input>.rejects.csv)."
    ),
    region: str | None = typer.Option(None, "--region", help="Region for numbers without +code."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import contacts from CSV (headers auto-detected) or vCard 3.0/4.0.

    Valid rows are kept; each invalid row goes to the rejects file with its row number,
    the field and the reason. Exit status 3 when some rows were rejected. Every batch
    is one transaction, and a re-run skips contacts already imported.
    """
    app = app_of(ctx)
    rejects_path = rejects or path.with_name(path.name + ".rejects.csv")
    with user_errors():
        app.ensure_schema()
        overrides = _pairs(map_)
        is_vcard = path.suffix.lower() in (".vcf", ".vcard")
        with _source(path) as stream, RejectsCsv(rejects_path) as sink, _bar(path) as advance:
            blocks: Iterable[RowBlock]
            if is_vcard:
                blocks = row_blocks(read_vcards(stream))
                mapping, first_row = None, 1
            else:
                table = read_csv_blocks(stream)
                blocks, first_row = table.blocks, 2
                mapping = detect_mapping(table.columns, overrides)
            report = import_contact_blocks(
                blocks,
                app.uow_factory(),
                default_region=region or app.settings.default_region,
                mapping=mapping,
                dry_run=dry_run,
                progress=advance,
                rejects=sink,
                first_row=first_row,
                pause_collector=True,  # this process does nothing else meanwhile
            )
    _report(report, rejects_path, as_json)


def import_touches_file(
    ctx: typer.Context,
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .csv or .jsonl file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row, write nothing."),
    rejects: Path | None = typer.Option(None, "--rejects", help="Default: <input>.rejects.csv."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import touches exported by a dialer or phone system (CSV or JSON Lines).

    Columns: contact (id, phone or email), channel, outcome, direction, at (ISO 8601),
    duration, notes, call_id. A touch already imported (same call_id) is skipped.
    """
    app = app_of(ctx)
    rejects_path = rejects or path.with_name(path.name + ".rejects.csv")
    with user_errors():
        app.ensure_schema()
        with _source(path) as stream, RejectsCsv(rejects_path) as sink, _bar(path) as advance:
            jsonl = path.suffix.lower() in (".jsonl", ".ndjson", ".json")
            rows = read_jsonl(stream) if jsonl else read_csv(stream).rows
            report = import_touches(
                rows,
                app.uow_factory(),
                default_region=app.settings.default_region,
                default_zone=app.settings.user_timezone,
                dry_run=dry_run,
                progress=advance,
                rejects=sink,
                first_row=1 if jsonl else 2,
            )
    _report(report, rejects_path, as_json)


def export(
    ctx: typer.Context,
    format_: str = typer.Option("csv", "--format", help="csv or vcard."),
    output: Path | None = typer.Option(None, "-o", "--output", help="File (default: stdout)."),
    segment: str | None = typer.Option(None, "--segment", help="Only this segment."),
    owner: str | None = typer.Option(None, "--owner", help="Only this owner's contacts."),
    with_score: bool = typer.Option(
        False, "--score", help="CSV only: add a lead_score column (R11; empty: no score)."
    ),
) -> None:
    """Export contacts as CSV (re-importable) or vCard 4.0.

    Examples:

      ringback export -o contacts.csv --score
    """
    app = app_of(ctx)
    if format_ not in ("csv", "vcard"):
        fail(f"--format: {format_!r} is unknown; use csv or vcard")
    if with_score and format_ != "csv":
        fail("--score: only a CSV export has a lead_score column")
    with user_errors():
        app.ensure_schema()
        with app.uow_factory()() as uow:
            contacts = list(uow.contacts.list(segment=segment, owner=owner))
        extra = {"lead_score": _scores(app, contacts)} if with_score else None
    with _target(output) as stream:
        if format_ == "vcard":
            count = write_vcards(contacts, stream)
        else:
            count = write_contacts_csv(contacts, stream, extra=extra)
    if output is not None:
        console.print(f"Exported {count} contacts to {output}")


def _scores(app: App, contacts: list[Contact]) -> dict[int, str]:
    """Each contact's R11 lead score with 4 decimals; no entry when there is none."""
    model = current_model(app.uow_factory(), datetime.now(UTC)).model
    scored = score_contacts(app.uow_factory(), contacts, model)
    return {i: f"{s.score:.4f}" for i, s in scored.items() if s.score is not None}


def _pairs(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column.strip():
            raise InvalidField("map", f"{pair!r} is not csvcol=field")
        mapping[column.strip()] = field.strip()
    return mapping


@contextmanager
def _source(path: Path) -> Iterator[IO[str]]:
    with open_csv(path) as stream:
        yield stream


@contextmanager
def _target(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as stream:
        yield stream


@contextmanager
def _bar(path: Path) -> Iterator[Callable[[int], None]]:
    total = estimate_rows(path) if path.suffix.lower() not in (".vcf", ".vcard") else None
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task(f"Importing {path.name}", total=total)
        yield lambda done: progress.advance(task, done)


def _report(report: ImportReport, rejects_path: Path, as_json: bool) -> None:
    summary = {
        "rows": report.rows,
        "imported": report.imported,
        "rejected": report.rejected,
        "skipped": report.skipped,
        "dry_run": report.dry_run,
        "seconds": round(report.seconds, 3),
        "rejects_file": str(rejects_path) if report.rejected else None,
    }
    if as_json:
        print_json(summary)
    else:
        verb = "Would import" if report.dry_run else "Imported"
        console.print(
            f"{verb} {report.imported} of {report.rows} rows in {report.seconds:.1f} s; "
            f"{report.skipped} already there, {report.rejected} rejected."
        )
        if report.rejected:
            console.print(f"Rejected rows, with row, field and reason: {rejects_path}")
    if report.rejected:
        raise typer.Exit(EXIT_SOME_REJECTED)
