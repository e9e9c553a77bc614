"""The `ringback` command line: thin commands over services (PRODUCT.md §5)."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError

from ringback.bootstrap import App
from ringback.cli import (
    accounts,
    cadence,
    contacts,
    database,
    demo,
    learning,
    letters,
    mail,
    plan,
    scripts,
    serve,
    simulate,
    templates,
    touches,
    transfer,
)
from ringback.cli.common import fail
from ringback.settings import Settings

app = typer.Typer(
    name="ringback",
    help=(
        "Ringback gets your calls returned: it remembers every touch and decides whom to "
        "contact next, when, on which channel and with what words.\n\n"
        "The database is SQLite in your data directory unless --db or RINGBACK_DATABASE_URL "
        "names another (e.g. postgresql://user@host/db)."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        envvar="RINGBACK_DATABASE_URL",
        help="Database URL, e.g. sqlite:///path/to/file.sqlite or postgresql://user@host/db.",
        show_envvar=True,
    ),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Folder for the default SQLite database and demo data."
    ),
) -> None:
    overrides: dict[str, object] = {}
    if db:
        overrides["database_url"] = db
    if data_dir:
        overrides["data_dir"] = data_dir
    try:
        ctx.obj = App(Settings(**overrides))  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"RINGBACK_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        fail(f"bad setting — {problems}")


contacts.register(app)
touches.register(app)
database.register(app)
demo.register(app)
plan.register(app)
transfer.register(app)
cadence.register(app)
serve.register(app)
accounts.register(app)
letters.register(app)
mail.register(app)
scripts.register(app)
templates.register(app)
simulate.register(app)
learning.register(app)


def main() -> None:
    app()
