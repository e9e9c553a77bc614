"""UTCDateTime on SQLite converts in one step exactly what SQLAlchemy's two steps give."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from ringback.adapters.db.coltypes import UTCDateTime

DIALECT = sqlite.dialect()
THEIRS = sqlite.DATETIME()


def _instants() -> list[datetime]:
    pick = random.Random(11)
    found = [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)]
    for _ in range(2000):
        zone = timezone(timedelta(minutes=pick.randrange(-14 * 60, 14 * 60 + 1, 15)))
        moment = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=pick.randrange(10**9))
        micro = 0 if pick.random() < 0.3 else pick.randrange(10**6)
        found.append(moment.replace(microsecond=micro).astimezone(zone))
    return found


def test_instants_are_written_as_sqlalchemy_writes_them() -> None:
    ours = UTCDateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
    theirs = THEIRS.bind_processor(DIALECT)
    assert ours is not None and theirs is not None
    for instant in _instants():
        assert ours(instant) == theirs(instant.astimezone(UTC).replace(tzinfo=None)), instant
    assert ours(None) is None


def test_instants_are_read_back_as_aware_utc() -> None:
    write = UTCDateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
    ours = UTCDateTime().dialect_impl(DIALECT).result_processor(DIALECT, None)
    theirs = THEIRS.result_processor(DIALECT, None)
    assert write is not None and ours is not None and theirs is not None
    for instant in _instants():
        text = write(instant)
        assert ours(text) == theirs(text).replace(tzinfo=UTC) == instant
        assert ours(text).tzinfo is UTC
    assert ours("2026-03-02 15:00:00") == datetime(2026, 3, 2, 15, tzinfo=UTC)  # no fraction
    assert ours(None) is None


def test_a_naive_datetime_is_refused() -> None:
    write = UTCDateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
    assert write is not None
    with pytest.raises(ValueError, match="naive"):
        write(datetime(2026, 3, 2, 15))
