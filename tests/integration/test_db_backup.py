"""`backup`: a consistent copy of a database that stays in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ringback.adapters.db import backup as backup_module
from ringback.adapters.db.backup import BackupError, backup
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.model import Contact


def add_people(url: str, count: int, *, commit: bool = True) -> None:
    engine = make_engine(url)
    try:
        with SqlUnitOfWork(engine) as uow:
            uow.contacts.add_many([Contact(f"Person {n}", "Person") for n in range(count)])
            if commit:
                uow.commit()
    finally:
        engine.dispose()


def stored_contacts(path: Path) -> int:
    with sqlite3.connect(path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count: int = copy.execute("SELECT count(*) FROM contacts").fetchone()[0]
    return count


def test_sqlite_backup_is_a_readable_database_with_the_data(
    sqlite_url: str, tmp_path: Path
) -> None:
    add_people(sqlite_url, 120)
    dest = tmp_path / "backups" / "copy.sqlite"

    backup(sqlite_url, dest)

    assert stored_contacts(dest) == 120


def test_sqlite_backup_taken_during_a_write_holds_only_committed_data(
    sqlite_url: str, tmp_path: Path
) -> None:
    add_people(sqlite_url, 3)
    engine = make_engine(sqlite_url)
    try:
        with SqlUnitOfWork(engine) as uow:
            uow.contacts.add_many([Contact("Not Yet", "Not")] * 50)
            backup(sqlite_url, tmp_path / "copy.sqlite")
            uow.commit()
    finally:
        engine.dispose()

    assert stored_contacts(tmp_path / "copy.sqlite") == 3


def test_sqlite_backup_of_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no SQLite database"):
        backup(f"sqlite:///{tmp_path / 'absent.sqlite'}", tmp_path / "copy.sqlite")


@pytest.mark.postgres
def test_postgres_backup_writes_a_pg_dump_archive(postgres_db_url: str, tmp_path: Path) -> None:
    dest = tmp_path / "ringback.dump"

    backup(postgres_db_url, dest)

    assert dest.read_bytes()[:5] == b"PGDMP"


def test_postgres_backup_without_pg_dump_explains_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(backup_module.shutil, "which", lambda _name: None)

    with pytest.raises(BackupError, match="pg_dump was not found"):
        backup("postgresql://postgres@127.0.0.1/none", tmp_path / "x.dump")
