"""Engine creation for SQLite (the zero-config default) and PostgreSQL (teams)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
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


_JSON_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


_TEXT_JSON: dict[tuple[type, tuple[object, ...]], str] = {}
_TEXT_JSON_MAX = 4096


def dump_json(value: object) -> str:
    """Compact JSON; imports write several JSON columns per row, mostly empty.

    The same few small lists and dicts of text (a phone's zones, a custom field's
    value) recur on row after row of an import: their JSON is kept, not recomputed.
    """
    kind = type(value)
    if not value:
        if kind is list or kind is tuple:
            return "[]"
        if kind is dict:
            return "{}"
    key = _text_key(value, kind)
    if key is None:
        return _JSON_ENCODER.encode(value)
    text = _TEXT_JSON.get(key)
    if text is None:
        text = _JSON_ENCODER.encode(value)
        if len(_TEXT_JSON) < _TEXT_JSON_MAX:
            _TEXT_JSON[key] = text
    return text


def _text_key(value: object, kind: type) -> tuple[type, tuple[object, ...]] | None:
    """A cache key for a short list or dict holding only strings, else None."""
    if isinstance(value, list):
        items: tuple[object, ...] = tuple(value)
        strings = items
    elif isinstance(value, dict):
        items = tuple(value.items())
        strings = (*value.keys(), *value.values())
    else:
        return None
    if len(strings) > 8 or not all(type(item) is str for item in strings):
        return None
    return kind, items


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
    engine = create_engine(url, json_serializer=dump_json)
    foreign_keys = "ON" if enforce_foreign_keys else "OFF"

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the sqlite3 module (it would only
        # BEGIN before DML), so DDL is transactional and "begin" below is exact.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (*SQLITE_PRAGMAS, f"PRAGMA foreign_keys={foreign_keys}"):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a unit of work reads state and
        # then writes, and a deferred transaction upgraded to a writer after
        # another commit fails at once with SQLITE_BUSY instead of waiting.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
