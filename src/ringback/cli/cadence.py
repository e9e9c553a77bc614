"""`ringback cadence add|list|show|assign`: the user's cadences (issue 3).

A cadence file is YAML or JSON (docs/rules.md, "Configuring a cadence"); it is
read here and validated by the service, which stores nothing when a key is bad.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer
import yaml
from rich.table import Table

from ringback.cli.common import app_of, console, print_json, user_errors
from ringback.domain.cadence import Cadence, cadence_to_dict
from ringback.domain.errors import InvalidField
from ringback.domain.parsing import duration_text
from ringback.services.cadences import (
    assign_contact,
    assign_segment,
    get_cadence,
    list_cadences,
    save_cadence,
)

cadence_app = typer.Typer(
    help="Define cadences (YAML or JSON files) and assign them to segments or contacts.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(cadence_app, name="cadence")


@cadence_app.command("add")
def add(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A cadence file, .yaml/.yml or .json."),
) -> None:
    """Store the cadence in FILE (replacing one with the same key); bad keys are named."""
    app = app_of(ctx)
    with user_errors():
        data = read_cadence_file(file)
        app.ensure_schema()
        cadence = save_cadence(app.uow_factory(), data, datetime.now(UTC))
    console.print(f"Stored cadence {cadence.key!r} ({cadence.name}).", highlight=False)


@cadence_app.command("list")
def list_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the cadences as JSON."),
) -> None:
    """The built-in default and every stored cadence."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        found = list_cadences(app.uow_factory())
    if as_json:
        print_json([cadence_to_dict(c) for c in found])
        return
    table = Table("key", "name", "first wait", "then wait", "steps")
    for cadence in found:
        table.add_row(*_summary(cadence))
    console.print(table)


@cadence_app.command("show")
def show(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The cadence's key."),
) -> None:
    """Print a cadence as YAML (a file `cadence add` reads back unchanged)."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        cadence = get_cadence(app.uow_factory(), key)
    plain = json.loads(json.dumps(cadence_to_dict(cadence)))  # enums as their strings
    typer.echo(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), nl=False)


@cadence_app.command("assign")
def assign(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The cadence's key."),
    segment: str | None = typer.Option(
        None, "--segment", help="Contacts of this segment without their own cadence follow it."
    ),
    contact: str | None = typer.Option(
        None, "--contact", help="This contact follows it: id, phone number, email or name."
    ),
) -> None:
    """Assign a cadence to a segment or to one contact (a contact's own one wins)."""
    app = app_of(ctx)
    with user_errors():
        if (segment is None) == (contact is None):
            raise InvalidField("segment", "give exactly one of --segment or --contact")
        app.ensure_schema()
        if segment is not None:
            count = assign_segment(app.uow_factory(), segment, key)
            message = f"Segment {segment!r} follows cadence {key!r} ({count} contacts)."
        else:
            assert contact is not None
            found, _ = assign_contact(app.uow_factory(), contact, key, app.settings.default_region)
            message = f"{found.full_name} follows cadence {key!r}."
    console.print(message, highlight=False)


def read_cadence_file(path: Path) -> dict[str, object]:
    """The mapping in a YAML or JSON file; InvalidField names the file when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidField("file", f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InvalidField("file", f"{path} is not valid {_kind(path)}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidField("file", f"{path} must hold one cadence (a mapping of keys)")
    return {str(k): v for k, v in data.items()}


def _kind(path: Path) -> str:
    return "JSON" if path.suffix.lower() == ".json" else "YAML"


def _summary(cadence: Cadence) -> tuple[str, str, str, str, str]:
    return (
        cadence.key,
        cadence.name,
        duration_text(cadence.first_wait),
        duration_text(cadence.then_wait),
        str(len(cadence.steps)),
    )
