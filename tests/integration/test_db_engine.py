"""Engine creation: URLs, SQLite settings per connection, UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from ringback.adapters.db.coltypes import UTCDateTime
from ringback.adapters.db.engine import make_engine, normalize_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgres://u:p@db:5432/ringback", "postgresql+psycopg"),
        ("postgresql://u@db/ringback", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db/ringback", "postgresql+psycopg"),
        ("sqlite:////tmp/ringback.sqlite", "sqlite"),
    ],
)
def test_postgres_urls_use_psycopg_3(given: str, driver: str) -> None:
    url = normalize_url(given)

    assert url.drivername == driver
    assert url.database in {"ringback", "/tmp/ringback.sqlite"}


def test_sqlite_engine_creates_the_directory_and_sets_every_pragma(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "ringback.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragmas = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        engine.dispose()

    assert path.exists()
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 1,
    }


def test_sqlite_foreign_keys_can_be_left_off_for_migrations(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", enforce_foreign_keys=False)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 0
    finally:
        engine.dispose()


def test_in_memory_sqlite_needs_no_directory() -> None:
    engine = make_engine("sqlite://")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "pg"])
def test_utc_datetime_refuses_naive_values(dialect: object) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        UTCDateTime().process_bind_param(datetime(2026, 3, 2, 15), dialect)  # type: ignore[arg-type]


def test_utc_datetime_stores_utc_and_reads_back_aware_utc() -> None:
    column = UTCDateTime()
    in_new_york = datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=-5)))

    stored = column.process_bind_param(in_new_york, sqlite.dialect())
    read = column.process_result_value(stored, sqlite.dialect())

    assert stored == datetime(2026, 3, 2, 15)
    assert read == in_new_york and read is not None and read.tzinfo is UTC
