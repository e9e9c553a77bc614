"""Fast multi-row writes for imports: ids reserved up front, one bulk write per table.

Reserving ids first lets a batch of contacts and their phones be written without
reading ids back row by row. The rows then bypass SQLAlchemy's generic executemany,
which builds and processes a parameter dict per row and costs more than the
database's own work:

- SQLite: the INSERT is compiled once and the driver gets plain tuples.
- PostgreSQL: COPY (psycopg 3 otherwise sends one INSERT per row); an upsert
  copies into a temporary table, then merges with INSERT ... ON CONFLICT.

Every value still passes through its column type's conversion, so what is stored
is exactly what SQLAlchemy writes and reads elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Connection, MetaData, Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.dml import Insert

from ringback.adapters.db.json_text import dump_json

Row = Mapping[str, Any]
Conversion = tuple[int, Callable[[Any], Any]]


def reserve_ids(connection: Connection, table: Table, count: int) -> Sequence[int]:
    """`count` fresh primary keys for `table`, ascending (on SQLite, a range)."""
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        # The lock an INSERT takes, taken before the ids (timing_repository.py).
        connection.execute(text(f"LOCK TABLE {table.name} IN ROW EXCLUSIVE MODE"))
        sequence = func.pg_get_serial_sequence(table.name, "id")
        query = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        return sorted(connection.execute(query).scalars())
    # SQLite assigns max(rowid) + 1. Our transaction began IMMEDIATE, so it holds
    # the write lock and nobody can take these ids before we insert them.
    highest = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return range(highest + 1, highest + 1 + count)


def insert_many(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """INSERT every row; each mapping holds every column of `table`."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, table.name, table, rows)
    else:
        _sqlite_execute_many(connection, table, None, rows)


def insert_copies(
    connection: Connection, table: Table, template: Row, key: str, keys: Sequence[Any]
) -> None:
    """INSERT one row per value of `keys`: `template` with its `key` column set to it.

    The template's values are converted once, not once per row.
    """
    if not keys:
        return
    (converted,) = _converted([template], table, connection.dialect)
    names = _conversions(table, connection.dialect)[0]
    position = names.index(key)
    before, after = converted[:position], converted[position + 1 :]
    if connection.dialect.name == "sqlite" and isinstance(keys, range) and keys.step == 1:
        # The rows differ only in a run of integers: SQLite generates them itself,
        # a few times faster than binding every row's values from Python.
        sql = _sqlite_copies_sql(table, position)
        connection.exec_driver_sql(sql, (keys.start, keys.stop - 1, *before, *after))
        return
    rows = [(*before, value, *after) for value in keys]
    if connection.dialect.name == "postgresql":
        _copy_converted(connection, table.name, table, rows)
    else:
        connection.exec_driver_sql(_sqlite_sql(table, None, connection.dialect), rows)


@lru_cache(maxsize=8)
def _sqlite_copies_sql(table: Table, position: int) -> str:
    """INSERT ... SELECT of one row per integer from ? to ?, that integer at `position`."""
    width = len(table.columns)
    values = ["?"] * width
    values[position] = "n"
    quote = sqlite.dialect().identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    return (
        "WITH RECURSIVE run(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM run WHERE n < ?) "
        f"INSERT INTO {quote(table.name)} ({columns}) SELECT {', '.join(values)} FROM run"
    )


def upsert_many(connection: Connection, table: Table, rows: Sequence[Row], key: str) -> None:
    """INSERT every row, or UPDATE all its other columns when `key` already exists."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _postgres_upsert(connection, table, rows, key)
    else:
        _sqlite_execute_many(connection, table, key, rows)


# Shared: values converted by their column types


def _converted(rows: Sequence[Row], table: Table, dialect: Dialect) -> list[tuple[Any, ...]]:
    pick = itemgetter(*_conversions(table, dialect)[0])
    return encode_tuples((pick(row) for row in rows), table, dialect)


def encode_tuples(
    rows: Iterable[Sequence[Any]], table: Table, dialect: Dialect
) -> list[tuple[Any, ...]]:
    """Rows holding every column of `table` in order, as the driver takes them."""
    conversions = _conversions(table, dialect)[1]
    converted = []
    # Imports repeat values (every row's created_at is the same instant): a value
    # identical to the previous one in its column reuses that one's conversion.
    last_in: list[Any] = [None] * len(conversions)
    last_out: list[Any] = [None] * len(conversions)
    for row in rows:
        values = list(row)
        try:
            for slot, (index, convert) in enumerate(conversions):
                value = values[index]
                if value is None:  # None is stored as NULL, whatever the type
                    continue
                if value is not last_in[slot]:
                    last_in[slot], last_out[slot] = value, convert(value)
                values[index] = last_out[slot]
        except Exception as error:
            # What SQLAlchemy raises for a value its column type refuses.
            sql = f"bulk write to {table.name}"
            raise StatementError(str(error), sql, list(row), error) from error
        converted.append(tuple(values))
    return converted


def json_positions(
    table: Table, dialect: Dialect, *, skip: int, fixed: Sequence[str]
) -> tuple[int, ...]:
    """Positions, counted after the first `skip` columns, of `table`'s JSON columns.

    For encoders that convert rows without SQLAlchemy: apart from JSON and the
    `fixed` columns (whose value the caller converts once), no column of `table` may
    need a conversion for `dialect`, or rows would be stored differently.
    """
    names, conversions = _conversions(table, dialect)
    positions = []
    for index, convert in conversions:
        if convert is dump_json:
            positions.append(index - skip)
        elif names[index] not in fixed:
            raise AssertionError(f"{table.name}.{names[index]} needs a conversion")
    return tuple(positions)


def driver_value(column: Column[Any], dialect: Dialect, value: Any) -> Any:
    """`value` as `column`'s type hands it to the driver."""
    convert = _driver_value(column, dialect)
    return convert(value) if convert is not None and value is not None else value


def insert_encoded(connection: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT rows already converted for this connection's dialect (all columns)."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy_converted(connection, table.name, table, rows)
    else:
        connection.exec_driver_sql(_sqlite_sql(table, None, connection.dialect), rows)


def insert_numbered(
    connection: Connection, table: Table, ids: Sequence[int], rows: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT rows already converted for the driver, holding every column of `table`
    but its first, the id; the rows get `ids` in order (from reserve_ids)."""
    if not rows:
        return
    if connection.dialect.name == "sqlite" and isinstance(ids, range) and ids.step == 1:
        # SQLite numbers new rows from max(id) + 1, as reserve_ids counted under the
        # same write lock: the rows go as they are, not copied to put an id first.
        connection.exec_driver_sql(_sqlite_sql_without_id(table), rows)
        last = connection.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
        if len(rows) != len(ids) or last != ids[-1]:
            raise AssertionError(f"{table.name}: rows numbered up to {last}, not {ids[-1]}")
        return
    numbered = [(i, *row) for i, row in zip(ids, rows, strict=True)]
    insert_encoded(connection, table, numbered)


@lru_cache(maxsize=8)
def _sqlite_sql_without_id(table: Table) -> str:
    first, *others = table.columns
    if not first.primary_key or list(table.primary_key.columns) != [first]:
        raise AssertionError(f"{table.name}'s first column is not its only key")
    quote = sqlite.dialect().identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in others)
    placeholders = ", ".join("?" * len(others))
    return f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({placeholders})"


@lru_cache(maxsize=32)
def _conversions(table: Table, dialect: Dialect) -> tuple[tuple[str, ...], tuple[Conversion, ...]]:
    """The table's column names, and (position, conversion) for those needing one."""
    names = tuple(column.name for column in table.columns)
    conversions = tuple(
        (index, convert)
        for index, column in enumerate(table.columns)
        if (convert := _driver_value(column, dialect)) is not None
    )
    return names, conversions


def _driver_value(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    # Two shortcuts, storing the same values SQLAlchemy would: JSON goes straight
    # to the engine's serializer, and both drivers take bools as they are.
    if isinstance(column.type, JSON):
        return dump_json
    if isinstance(column.type, Boolean):
        return None
    return column.type.dialect_impl(dialect).bind_processor(dialect)


# SQLite


def _sqlite_execute_many(
    connection: Connection, table: Table, upsert_key: str | None, rows: Sequence[Row]
) -> None:
    sql = _sqlite_sql(table, upsert_key, connection.dialect)
    connection.exec_driver_sql(sql, _converted(rows, table, connection.dialect))


@lru_cache(maxsize=32)
def _sqlite_sql(table: Table, upsert_key: str | None, dialect: Dialect) -> str:
    statement: Insert = table.insert()
    if upsert_key is not None:
        statement = _with_update_on_conflict(sqlite.insert(table), table, upsert_key)
    names = [column.name for column in table.columns]
    compiled = statement.compile(dialect=dialect, column_keys=names)
    if list(compiled.positiontup or ()) != names:
        raise AssertionError(f"unexpected placeholder order for {table.name}")
    return str(compiled)


def _with_update_on_conflict(
    statement: sqlite.Insert | postgresql.Insert, table: Table, key: str
) -> Insert:
    excluded = statement.excluded
    changes = {column.name: excluded[column.name] for column in table.columns if column.name != key}
    return statement.on_conflict_do_update(index_elements=[key], set_=changes)


# PostgreSQL


def _copy(connection: Connection, target: str, table: Table, rows: Sequence[Row]) -> None:
    _copy_converted(connection, target, table, _converted(rows, table, connection.dialect))


def _copy_converted(
    connection: Connection, target: str, table: Table, values: Sequence[tuple[Any, ...]]
) -> None:
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    if not connection.in_transaction():
        connection.begin()  # the COPY goes around SQLAlchemy, which must still commit it
    psycopg_connection = connection.connection.driver_connection
    if psycopg_connection is None:
        raise RuntimeError("the connection was closed")
    sql = f"COPY {quote(target)} ({columns}) FROM STDIN"
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        with psycopg_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in values:
                copy.write_row(row)
    except driver_error as error:
        # The same exception classes (IntegrityError, ...) SQLAlchemy raises elsewhere.
        translated = DBAPIError.instance(sql, None, error, driver_error, dialect=connection.dialect)
        raise translated from error


def _postgres_upsert(connection: Connection, table: Table, rows: Sequence[Row], key: str) -> None:
    stage = _stage(table)
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage.name} (LIKE {table.name}) "
        "ON COMMIT DELETE ROWS"
    )
    _copy(connection, stage.name, table, rows)
    names = [column.name for column in table.columns]
    merge = postgresql.insert(table).from_select(names, select(stage))
    connection.execute(_with_update_on_conflict(merge, table, key))
    connection.exec_driver_sql(f"TRUNCATE {stage.name}")


@lru_cache(maxsize=8)
def _stage(table: Table) -> Table:
    """A session-private copy of `table` that upserts COPY into before merging."""
    columns = [Column(column.name, column.type) for column in table.columns]
    return Table(f"stage_{table.name}", MetaData(), *columns)
