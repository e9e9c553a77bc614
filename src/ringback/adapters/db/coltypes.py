"""Column types shared by the tables: instants are stored in UTC on every database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, written as UTC and always read back as aware UTC.

    PostgreSQL keeps the offset (timestamptz); SQLite has no time zone type and
    returns naive values, so UTC is stripped on write and re-attached on read.
    Naive input is refused: guessing its zone would silently shift instants.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: pass an aware datetime")
        in_utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return in_utc.replace(tzinfo=None)
        return in_utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]

    # On SQLite, both directions in one step: SQLAlchemy's way converts each value
    # twice (here, then its DATETIME type's own text format), several times a
    # request on the API's busiest route. The text is the same (tested against
    # SQLAlchemy's own conversion in tests/unit/test_coltypes.py).

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return _sqlite_text

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return _sqlite_instant


def _sqlite_text(value: datetime | None) -> str | None:
    """`value` as SQLite stores it: UTC, "YYYY-MM-DD HH:MM:SS.ffffff"."""
    if value is None:
        return None
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} refused: pass an aware datetime")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_instant(value: str | None) -> datetime | None:
    """The aware UTC instant SQLite's text stands for."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)
