"""Statements compiled once and run straight on SQLite's driver: the API's hot path.

Logging one touch runs about ten single-row statements. Through
`Connection.execute` each costs SQLAlchemy about ten times what SQLite spends on
it (the statement's cache key, an execution context, a result object), more than
all the rest of the request. Here a statement is compiled once per dialect; each
call converts the parameters and the returned values with the columns' own types
— the very values SQLAlchemy would write and return — and runs on the driver's
cursor inside the connection's transaction (begun as any other, see engine.py).
Driver errors are raised as SQLAlchemy's exceptions, as `Connection.execute`
raises them.

`available(connection)`: SQLite, where `fetch` and `insert` both run this way.
`fetchable(connection)`: also PostgreSQL through psycopg, for `fetch` only (the
single-row lookups of a screen pop, a sign-in, the cadences): its statements take
named parameters, and psycopg prepares each on the server once a connection has
run it a few times. The repositories keep their ordinary statements elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.dml import Insert

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class Prepared:
    sql: str
    params: tuple[tuple[str, Processor | None], ...]  # bind names in order, converters
    named: bool  # the driver takes a mapping of bind names (psycopg), not a sequence
    names: tuple[str, ...]  # result columns
    converted: tuple[tuple[int, str, Processor], ...]  # the result columns with converters


def available(connection: Connection) -> bool:
    """Whether `fetch` and `insert` run here (SQLite)."""
    return connection.dialect.name == "sqlite"


def fetchable(connection: Connection) -> bool:
    """Whether `fetch` runs here: SQLite, and PostgreSQL through psycopg, which prepares
    a statement on the server once a connection has run it a few times (R15: a call's
    lookup is one of the hot paths that use it)."""
    return connection.dialect.name == "sqlite" or connection.dialect.driver == "psycopg"


def fetch(connection: Connection, statement: Select[Any], **params: Any) -> list[dict[str, Any]]:
    """The rows of `statement` as dicts of column name to value."""
    prepared = _prepare(statement, connection.dialect)
    rows = _run(connection, prepared, params).fetchall()
    names, converted = prepared.names, prepared.converted
    found = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        for index, name, convert in converted:
            value = row[index]
            if value is not None:
                values[name] = convert(value)
        found.append(values)
    return found


def insert(connection: Connection, statement: Insert, values: Mapping[str, Any]) -> int:
    """Run an INSERT of every column of its table; the new row's rowid."""
    rowid: int = _run(connection, _prepare(statement, connection.dialect), values).lastrowid
    return rowid


@lru_cache(maxsize=64)
def _prepare(statement: Select[Any] | Insert, dialect: Dialect) -> Prepared:
    if isinstance(statement, Insert):
        names = [column.name for column in statement.table.columns]
        compiled = statement.compile(dialect=dialect, column_keys=names)
    else:
        compiled = statement.compile(dialect=dialect)
    named = compiled.positiontup is None
    names_in_order = list(compiled.binds) if named else list(compiled.positiontup or ())
    params = tuple(
        (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in names_in_order
    )
    columns: list[tuple[str, Processor | None]] = []
    if isinstance(statement, Select):
        columns = [
            (column.name, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for column in statement.selected_columns
        ]
    selected = tuple(name for name, _ in columns)
    converted = tuple(
        (index, name, convert)
        for index, (name, convert) in enumerate(columns)
        if convert is not None
    )
    return Prepared(str(compiled), params, named, selected, converted)


def _run(connection: Connection, prepared: Prepared, values: Mapping[str, Any]) -> Any:
    if not connection.in_transaction():
        connection.begin()
    parameters: list[Any] = []
    try:
        for name, convert in prepared.params:
            value = values[name]
            parameters.append(value if convert is None or value is None else convert(value))
    except Exception as error:  # a value its column type refuses, as Connection.execute says
        raise StatementError(str(error), prepared.sql, dict(values), error) from error
    if prepared.named:
        named = dict(zip((name for name, _ in prepared.params), parameters, strict=True))
        return _execute(connection, prepared.sql, named)
    return _execute(connection, prepared.sql, parameters)


def _execute(connection: Connection, sql: str, parameters: Any) -> Any:
    driver = connection.dialect.loaded_dbapi
    try:
        return connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            sql, parameters
        )
    except driver.Error as error:
        raise DBAPIError.instance(
            sql, parameters, error, driver.Error, dialect=connection.dialect
        ) from error
