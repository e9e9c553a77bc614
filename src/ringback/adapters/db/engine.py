"""Engine creation for SQLite (the zero-config default) and PostgreSQL (teams).

On a SQLite file, writing transactions queue at the file's WriterGate before
`BEGIN IMMEDIATE` (sqlite_gate.py: no polling for the lock, checkpoints off the
writers' path). Read-only units of work (`READ_ONLY`) begin a plain deferred
transaction, which in WAL mode never waits for writers.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry

from ringback.adapters.db.json_text import dump_json
from ringback.adapters.db.sqlite_gate import (
    AUTOCHECKPOINT_PAGES,
    BUSY_TIMEOUT_MS,
    GatedConnection,
    writer_gate,
)

# Execution option of a connection whose transactions only read (see uow.py).
READ_ONLY = "ringback_read_only"
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",
    # 32 MiB of page cache (default 2 MiB): index pages stay cached during imports.
    "PRAGMA cache_size=-32768",
)
_POSTGRES_ALIASES = frozenset({"postgres", "postgresql"})
_IN_MEMORY = frozenset({"", ":memory:"})


def normalize_url(url: str) -> URL:
    """Parse `url`; plain `postgres://` and `postgresql://` URLs use psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in _POSTGRES_ALIASES:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str, *, enforce_foreign_keys: bool = True) -> Engine:
    """An Engine for `url`; nothing connects until first use.

    `enforce_foreign_keys=False` is only for SQLite migrations, where rebuilding a
    table must not cascade deletes into the tables that reference it.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, enforce_foreign_keys)
    return create_engine(parsed, pool_pre_ping=True, json_serializer=dump_json)


def sqlite_file_path(url: URL) -> Path | None:
    """The database file of a SQLite URL; None for in-memory and `file:` URI databases."""
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in _IN_MEMORY or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _sqlite_engine(url: URL, enforce_foreign_keys: bool) -> Engine:
    path = sqlite_file_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, json_serializer=dump_json, connect_args={"factory": GatedConnection}
    )
    database = None if path is None else path.resolve()
    pragmas = [*SQLITE_PRAGMAS, f"PRAGMA foreign_keys={'ON' if enforce_foreign_keys else 'OFF'}"]
    if database is not None:  # checkpoints: see sqlite_gate.py
        pragmas.append(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the sqlite3 module (it would only
        # BEGIN before DML), so DDL is transactional and "begin" below is exact.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            _execute(connection, "BEGIN")
            return
        # IMMEDIATE takes the write lock up front: a unit of work reads state and
        # then writes, and a deferred transaction upgraded to a writer after
        # another commit fails at once with SQLITE_BUSY instead of waiting.
        gated = _enter_gate(connection, database)
        try:
            _execute(connection, "BEGIN IMMEDIATE")
        except BaseException:
            if gated is not None:
                gated.leave_gate()
            raise

    return engine


def _execute(connection: Connection, sql: str) -> None:
    """Run `sql` on the driver itself (exec_driver_sql costs more than SQLite does)."""
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    try:
        driver.execute(sql)
    except sqlite3.Error as error:
        dialect = connection.dialect
        raise DBAPIError.instance(sql, (), error, sqlite3.Error, dialect=dialect) from error


def _enter_gate(connection: Connection, database: Path | None) -> GatedConnection | None:
    """Wait for this file's WriterGate; the connection leaves it when its transaction ends."""
    driver = connection.connection.driver_connection
    if database is None or not isinstance(driver, GatedConnection):
        return None
    driver.enter_gate(writer_gate(database))
    return driver
