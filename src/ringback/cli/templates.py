"""`ringback template list|show|add|lint`: the message templates and their variants.

A template file is a YAML header between `---` lines, then the Jinja body
(docs/messages.md). `show` prints exactly what `add` reads back, so editing a
default is: show, edit, add (with a new `variant:` for an A/B test).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.table import Table

from ringback.bootstrap import read_phrases
from ringback.cli.common import app_of, console, print_json, user_errors
from ringback.cli.scripts import print_message
from ringback.domain.errors import InvalidField
from ringback.domain.scripts import (
    MessageTemplate,
    Script,
    parse_ref,
    template_from_text,
    template_to_text,
)
from ringback.services.templates import (
    get_template,
    lint_message_template,
    list_templates,
    save_template,
)
from ringback.views import lint_public, template_public

template_app = typer.Typer(
    help="Message templates: list, show, add and lint (voicemails, emails, letters).",
    no_args_is_help=True,
)
AUDIENCE_HELP = "sales, networking, freelance or your own (default: the audience setting)."


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")


@template_app.command("list")
def list_command(
    ctx: typer.Context,
    audience: str | None = typer.Option(None, "--audience", help="Only this audience."),
    key: str | None = typer.Option(None, "--key", help="Only this key, e.g. call.intro."),
    as_json: bool = typer.Option(False, "--json", help="Print the templates as JSON."),
) -> None:
    """The templates in use: the defaults and yours (a stored one replaces a default)."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        found = list_templates(app.uow_factory(), key=key, audience=audience)
    if as_json:
        print_json([template_public(t) for t in found])
        return
    table = Table("template", "audience", "step", "source", "subject")
    for template in found:
        source = "built-in" if template.built_in else "stored"
        table.add_row(
            template.ref, template.audience, template.step.label, source, template.subject or ""
        )
    console.print(table)


@template_app.command("show")
def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="KEY or KEY:VARIANT, e.g. call.intro:b."),
    audience: str | None = typer.Option(None, "--audience", help=AUDIENCE_HELP),
) -> None:
    """Print a template as a file that `template add` reads back unchanged."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        template = get_template(
            app.uow_factory(), parse_ref(ref), audience or app.settings.audience
        )
    typer.echo(template_to_text(template), nl=False)


@template_app.command("add")
def add(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A template file (YAML header, then the body)."),
    audience: str | None = typer.Option(
        None, "--audience", help="For a file whose header names none. " + AUDIENCE_HELP
    ),
) -> None:
    """Lint and store the template in FILE (same key, audience and variant: replaced).
    A template with an error finding is refused and nothing is stored (exit 1)."""
    app = app_of(ctx)
    with user_errors():
        template = read_template(file, audience or app.settings.audience)
        app.ensure_schema()
        report = save_template(
            app.uow_factory(), template, datetime.now(UTC), app.flagged_phrases()
        )
    if not report.ready:
        print_message(report)
        console.print(f"Refused: {template.ref} was not stored.", style="bold red")
        raise typer.Exit(1)
    console.print(
        f"Stored template {template.ref} ({template.audience}, {template.step.label}).",
        highlight=False,
    )
    if report.findings:
        print_message(report)


@template_app.command("lint")
def lint(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A template file (YAML header, then the body)."),
    audience: str | None = typer.Option(None, "--audience", help=AUDIENCE_HELP),
    phrases: Path | None = typer.Option(
        None, "--phrases", help="A file of extra phrases to flag (R13), one per line."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Render FILE for a sample contact and print the linter's findings (R7–R9, R13,
    R19); exit 1 when one is an error. Nothing is stored."""
    app = app_of(ctx)
    with user_errors():
        template = read_template(file, audience or app.settings.audience)
        extra = read_phrases(phrases) if phrases is not None else ()
        app.ensure_schema()
        report = lint_message_template(
            app.uow_factory(), template, (*app.flagged_phrases(), *extra)
        )
    _show_lint(report, as_json)
    if not report.ready:
        raise typer.Exit(1)


def _show_lint(report: Script, as_json: bool) -> None:
    if as_json:
        print_json(lint_public(report))
        return
    console.print(
        f"[bold]{report.template}[/] ({report.audience}, {report.step.label}) for a sample "
        f"contact · about {report.seconds:.0f} s spoken",
        highlight=False,
    )
    print_message(report)


def read_template(path: Path, audience: str) -> MessageTemplate:
    """The template in a file; InvalidField names the file or the header key at fault."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidField("file", f"cannot read {path}: {exc.strerror or exc}") from None
    return template_from_text(text, audience)
