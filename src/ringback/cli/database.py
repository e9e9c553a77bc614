"""`ringback db upgrade` and `ringback backup`."""

from __future__ import annotations

from pathlib import Path

import typer

from ringback.adapters.db import migrate
from ringback.adapters.db.backup import backup as backup_database
from ringback.cli.common import app_of, console, user_errors

db_app = typer.Typer(help="Database schema: create or migrate it.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.command("backup")(backup)


@db_app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    revision: str = typer.Argument("head", help="Alembic revision to migrate to."),
) -> None:
    """Create the schema or migrate it to this version (safe to run again)."""
    app = app_of(ctx)
    with user_errors():
        migrate.upgrade(app.database_url, revision)
        current = migrate.current(app.database_url)
    console.print(f"Database at revision {current}: {_redacted(app.database_url)}")


def backup(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="Where to write the copy."),
) -> None:
    """Write a consistent copy of the database while it is in use."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        backup_database(app.database_url, path)
    console.print(f"Backup written to {path}")


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}@{host}"
