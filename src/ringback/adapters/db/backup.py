"""Consistent copies of a live database (`ringback backup`)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from ringback.adapters.db.engine import normalize_url, sqlite_file_path
from ringback.domain.errors import RingbackError


class BackupError(RingbackError):
    """The backup could not be written."""


def backup(url: str, dest: Path) -> None:
    """Copy the database at `url` to `dest` while it stays in use.

    SQLite: a page-by-page online copy (sqlite3's backup API), itself a SQLite file.
    PostgreSQL: `pg_dump` in its custom format, to restore with `pg_restore`.
    """
    parsed = normalize_url(url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        _backup_sqlite(parsed, dest)
    elif parsed.get_backend_name() == "postgresql":
        _backup_postgres(parsed, dest)
    else:
        raise BackupError(f"backup of {parsed.get_backend_name()} databases is not supported")


def _backup_sqlite(url: URL, dest: Path) -> None:
    source_path = sqlite_file_path(url)
    if source_path is None or not source_path.exists():
        raise BackupError(f"no SQLite database file at {url.database!r}")
    if dest.exists() and dest.resolve() == source_path.resolve():
        raise BackupError("the backup destination is the database itself")
    source = sqlite3.connect(source_path)
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _backup_postgres(url: URL, dest: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump was not found on PATH: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) to back up a PostgreSQL database"
        )
    # The password travels in the environment, not on the command line (visible in ps).
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string()
    command = [pg_dump, "--format=custom", f"--file={dest}", f"--dbname={conninfo}"]
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
