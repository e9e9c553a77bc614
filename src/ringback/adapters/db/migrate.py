"""Schema migrations, run programmatically (`ringback db upgrade`, first use on SQLite).

The Alembic configuration is built in code, pointing at the migrations shipped
inside the package, so it works from an installed wheel without alembic.ini,
and no logging is configured behind the caller's back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, select, text

from ringback.adapters.db.engine import make_engine
from ringback.domain.errors import RingbackError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Serialises concurrent `upgrade` calls on PostgreSQL (several app instances starting).
_POSTGRES_LOCK_KEY = 7_310_431_226


class MigrationError(RingbackError):
    """A migration would leave the database inconsistent; nothing was changed."""


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision` (creating the schema if empty)."""
    with migration_connection(url) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(url: str, revision: str) -> None:
    with migration_connection(url) as connection:
        command.downgrade(alembic_config(connection), revision)


def current(url: str) -> str | None:
    """The revision the database is at; None before the first migration."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head() -> str | None:
    """The newest revision shipped with this version of Ringback."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_current(url: str) -> bool:
    return current(url) == head()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def migration_connection(url: str) -> Iterator[Connection]:
    """One transaction for the whole migration, committed only if it all succeeds."""
    # Foreign keys off: SQLite batch mode rebuilds a table by dropping it, and a
    # DROP with foreign keys on deletes (cascading) every row that references it.
    # They are checked once at the end instead.
    engine = make_engine(url, enforce_foreign_keys=False)
    try:
        with engine.begin() as connection:
            _lock_out_other_migrations(connection)
            yield connection
            _check_foreign_keys(connection)
    finally:
        engine.dispose()


def _lock_out_other_migrations(connection: Connection) -> None:
    # SQLite needs nothing: the transaction began IMMEDIATE and holds the write lock.
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_POSTGRES_LOCK_KEY)))


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.execute(text("PRAGMA foreign_key_check")).all()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise MigrationError(f"migration broke foreign keys in: {', '.join(tables)}")
