"""Bulk-load generated touches into SQLite, with each contact's follow-up state.

Stores what logging the touches one by one through the repositories stores, at a
bulk-load pace (that path ran at 3,000-4,000 touches/s on two cores):

- the touches are drawn into compact arrays (TouchDraws) in memory shared with the
  processes forked below, in time order;
- a loading process writes them in that order while later ones are still being
  drawn, ids ascending as a dialer would log them. Each row is the repository's
  own row for the touch's kind (`convert.touch_values`, every value through its
  column type's conversion) with the per-touch values filled in and converted the
  same way; the INSERT is compiled once and executed over plain rows on the raw
  driver connection, a transaction per million rows, journal off and no sync. The
  secondary indexes are dropped first and recreated afterwards from the very SQL
  SQLite had stored for them (checked against tables.py);
- once all are drawn, worker processes fold each contact's touches in time order
  through the domain's `advance`, a range of contact ids at a time, from the state
  the import stored; each final state is written once, through
  `SqlStateRepository.save_many`, after the loader is done (the state table's
  secondary indexes dropped and rebuilt the same way meanwhile).

`check_sample` re-derives a sample through the repositories to prove the point.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import random
import sqlite3
import sys
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy import Column, Connection, Engine, Table, func, select
from sqlalchemy.engine import Dialect

from ringback.adapters.db import convert
from ringback.adapters.db.engine import make_engine, sqlite_file_path
from ringback.adapters.db.repositories import SqlStateRepository, SqlTouchRepository
from ringback.adapters.db.tables import contacts, followup_state, metadata, touches
from ringback.domain.model import Channel, Direction, FollowUpState, Outcome, Touch
from ringback.domain.state import advance

TouchKind = tuple[Channel, Outcome, Direction]
FORK = multiprocessing.get_context("fork")  # children share the draws without copies

ROWS_PER_TRANSACTION = 1_000_000
CONTACTS_PER_TASK = 10_000
STATES_PER_TRANSACTION = 50_000
# Bulk-load settings for the loading connection only; the database goes back to
# the product's WAL journal afterwards (synchronous and cache_size are per connection).
LOAD_PRAGMAS = (
    "PRAGMA synchronous=OFF",
    "PRAGMA cache_size=-1048576",  # 1 GiB: the index builds sort in memory
    "PRAGMA temp_store=MEMORY",
)
STATE_WRITE_PRAGMAS = ("PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144")
# The per-touch columns; every other column is the same for all touches of a kind.
PER_TOUCH = ("id", "contact_id", "at", "duration_s", "external_id")


@dataclass
class TouchDraws:
    """Generated touches, index i being the i-th in time order (bench.generate).

    `contact` holds the stored contact's id, 0 where the drawn number belongs to no
    stored contact (its row was rejected on import): such touches are not stored.
    The arrays live in memory shared with the processes forked to load and fold
    them, so the loader can write the first touches while later ones are drawn;
    `drawn` says how many are filled in.
    """

    kinds: tuple[TouchKind, ...]
    contact: memoryview[int]  # int32
    kind: memoryview[int]  # int8, index into kinds
    duration: memoryview[int]  # int16 seconds, 0: none
    drawn: Synchronized[int]
    start: datetime
    step_us: int
    call_id_prefix: str

    @classmethod
    def allocate(
        cls,
        kinds: tuple[TouchKind, ...],
        count: int,
        *,
        start: datetime,
        step_us: int,
        call_id_prefix: str,
    ) -> TouchDraws:
        return cls(
            kinds,
            _shared("i", count),
            _shared("b", count),
            _shared("h", count),
            FORK.Value("q", 0),
            start,
            step_us,
            call_id_prefix,
        )

    def __len__(self) -> int:
        return len(self.contact)

    def at(self, index: int) -> datetime:
        """The instant of touch `index`, to the second (as touches.csv writes it)."""
        return self.start + timedelta(seconds=self.step_us * index // 1_000_000)

    def external_id(self, index: int) -> str:
        return f"{self.call_id_prefix}{index:012d}"

    def touch(self, index: int, contact_id: int) -> Touch:
        channel, outcome, direction = self.kinds[self.kind[index]]
        return Touch(
            contact_id=contact_id,
            channel=channel,
            outcome=outcome,
            at=self.at(index),
            direction=direction,
            duration_s=self.duration[index] or None,
            external_id=self.external_id(index),
        )

    def wait_for(self, count: int) -> None:
        while self.drawn.value < count:
            time.sleep(0.05)


def _shared(typecode: Literal["b", "h", "i"], count: int) -> memoryview[int]:
    """`count` zeros of `typecode` in anonymous shared memory (inherited by fork)."""
    size = array(typecode).itemsize
    return memoryview(mmap.mmap(-1, size * max(count, 1))).cast(typecode)[:count]


class StatusLine(Protocol):
    def __call__(self, line: str, *, final: bool = False) -> None: ...


def no_progress(line: str, *, final: bool = False) -> None:
    pass


class StderrProgress:
    """One status line on stderr, rewritten at most every `every` seconds, headed
    by the seconds since it was made; `final=True` keeps the line and starts another."""

    def __init__(self, every: float = 1.0) -> None:
        self.every = every
        self.started = self.last = time.perf_counter()
        self.width = 0  # of the line on screen, to blank out what a shorter one leaves

    def __call__(self, line: str, *, final: bool = False) -> None:
        now = time.perf_counter()
        if final or now - self.last >= self.every:
            self.last = now
            text = f"{now - self.started:6.0f} s  {line}"
            end = "\n" if final else ""
            print(f"\r{text:<{self.width}}", end=end, file=sys.stderr, flush=True)
            self.width = 0 if final else len(text)


def load_touches(
    url: str, draws: TouchDraws, draw: Callable[[], None], progress: StatusLine = no_progress
) -> None:
    """Store the touches `draw()` fills `draws` with, and their contacts' states, in
    the fresh SQLite database at `url`; the loading starts while they are drawn."""
    path = sqlite_file_path(make_engine(url).url)
    if path is None:
        raise ValueError(f"bulk loading needs a SQLite file database, not {url}")
    engine = make_engine(url)
    with engine.connect() as connection:
        ids = list(connection.execute(select(contacts.c.id).order_by(contacts.c.id)).scalars())
        initial = SqlStateRepository(connection).get_many(ids)
        highest = connection.execute(select(func.max(touches.c.id))).scalar_one()
    progress(f"states: {len(initial):,} read", final=True)
    rows = RowMaker(draws, engine.dialect, (highest or 0) + 1)
    engine.dispose()  # the loader switches the journal: nobody else may be connected

    stored = FORK.Value("q", 0)
    loader = FORK.Process(target=_load_rows, args=(path, rows, stored), daemon=True)
    loader.start()
    try:
        draw()
        starts, order = by_contact(draws.contact)
        written = _fold_and_write(engine, draws, starts, order, initial, loader, stored, progress)
    except BaseException:
        loader.terminate()
        raise
    progress(f"states: {written:,} written", final=True)
    engine.dispose()


def _fold_and_write(
    engine: Engine,
    draws: TouchDraws,
    starts: list[int],
    order: array[int],
    initial: dict[int, FollowUpState],
    loader: BaseProcess,
    stored: Synchronized[int],
    progress: StatusLine,
) -> int:
    """Fold the states in worker processes; write them once the loader is done."""
    top = len(starts) - 1
    tasks = [(lo, min(lo + CONTACTS_PER_TASK, top)) for lo in range(1, top, CONTACTS_PER_TASK)]
    total = len(draws) - (starts[1] - starts[0])
    folded = 0
    pending: list[FollowUpState] = []
    loading: BaseProcess | None = loader
    writer = _StateWriter(engine)
    workers = max(1, min(2, os.cpu_count() or 1))
    fold = _FoldInput(draws, starts, order, initial)
    with FORK.Pool(workers, initializer=_set_fold_input, initargs=(fold,)) as pool:
        for states in pool.imap_unordered(_fold_range, tasks):
            folded += len(states)
            pending += states
            if loading is not None and not loading.is_alive():
                _joined(loading, stored.value, progress)
                loading = None
            if loading is None:
                writer.write(pending)
                pending = []
            progress(
                f"touches: {stored.value:,}/{total:,} stored; states: {folded:,} folded, "
                f"{writer.written:,} written"
            )
    progress(f"states: {folded:,} folded", final=True)
    while loading is not None and loading.is_alive():
        done = stored.value
        progress(f"touches: {done:,}/{total:,} stored" + (", indexing" if done == total else ""))
        loading.join(1.0)
    if loading is not None:
        _joined(loading, stored.value, progress)
    writer.write(pending)
    progress(f"states: {writer.written:,} written, indexing")
    writer.close()
    return writer.written


def by_contact(contact: Sequence[int] | memoryview[int]) -> tuple[list[int], array[int]]:
    """Touch indexes grouped by contact id, each group in time order (a counting sort).

    Contact c's touches are order[starts[c]:starts[c + 1]]; group 0 is the unstored.
    """
    top = max(contact, default=0)
    sizes = [0] * (top + 1)
    for contact_id in contact:
        sizes[contact_id] += 1
    starts = list(accumulate(sizes, initial=0))
    fill = starts[:-1]
    order = array("i", bytes(4 * len(contact)))
    for index, contact_id in enumerate(contact):
        position = fill[contact_id]
        order[position] = index
        fill[contact_id] = position + 1
    return starts, order


# Touch rows


def bound_value(column: Column[Any], value: Any, dialect: Dialect) -> Any:
    """`value` as SQLAlchemy hands it to the driver for `column` (its type's conversion)."""
    if value is None:
        return None
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


class RowMaker:
    """The touches table's rows for ranges of draws, as the repository writes them."""

    def __init__(self, draws: TouchDraws, dialect: Dialect, first_id: int) -> None:
        self.draws = draws
        self.next_id = first_id
        columns = list(touches.columns)
        names = [column.name for column in columns]
        self.sql = str(touches.insert().compile(dialect=dialect, column_keys=names))
        self.templates = []
        for kind in range(len(draws.kinds)):
            values = convert.touch_values(_kind_touch(draws, kind), 0)
            self.templates.append([bound_value(c, values[c.name], dialect) for c in columns])
        self.positions = [names.index(name) for name in PER_TOUCH]
        self.conversions = [_conversion(touches.c[name], dialect) for name in PER_TOUCH]

    def rows(self, lo: int, hi: int) -> list[list[Any]]:
        """Rows for the stored touches among lo <= index < hi; ids continue from the last."""
        draws = self.draws
        contact, kind, duration = draws.contact, draws.kind, draws.duration
        templates = self.templates
        p_id, p_contact, p_at, p_duration, p_external = self.positions
        c_id, c_contact, c_at, c_duration, c_external = self.conversions
        made = []
        next_id = self.next_id
        for index in range(lo, hi):
            contact_id = contact[index]
            if not contact_id:
                continue
            row = templates[kind[index]][:]
            row[p_id] = c_id(next_id)
            row[p_contact] = c_contact(contact_id)
            row[p_at] = c_at(draws.at(index))
            seconds = duration[index]
            row[p_duration] = c_duration(seconds) if seconds else None
            row[p_external] = c_external(draws.external_id(index))
            made.append(row)
            next_id += 1
        self.next_id = next_id
        return made


def _conversion(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any]:
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _same


def _same(value: Any) -> Any:
    return value


def _kind_touch(draws: TouchDraws, kind: int) -> Touch:
    channel, outcome, direction = draws.kinds[kind]
    return Touch(
        contact_id=0, channel=channel, outcome=outcome, at=draws.start, direction=direction
    )


def _load_rows(path: Path, rows: RowMaker, stored: Synchronized[int]) -> None:
    """In the loading process: every touch row, then the secondary indexes."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        (mode,) = db.execute("PRAGMA journal_mode=OFF").fetchone()
        if mode != "off":
            raise RuntimeError(f"could not turn the journal off for the load ({mode})")
        for pragma in LOAD_PRAGMAS:
            db.execute(pragma)
        indexes = _secondary_indexes(db, touches)
        db.execute("BEGIN")
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        db.execute("COMMIT")
        count = len(rows.draws)
        for lo in range(0, count, ROWS_PER_TRANSACTION):
            hi = min(lo + ROWS_PER_TRANSACTION, count)
            rows.draws.wait_for(hi)
            made = rows.rows(lo, hi)
            db.execute("BEGIN")
            db.executemany(rows.sql, made)
            db.execute("COMMIT")
            stored.value += len(made)
        db.execute("BEGIN")
        for _, sql in indexes:
            db.execute(sql)
        db.execute("COMMIT")
    finally:
        db.execute("PRAGMA journal_mode=WAL")  # the product's journal
        db.close()


def _secondary_indexes(db: sqlite3.Connection, table: Table) -> list[tuple[str, str]]:
    """`table`'s named indexes and their SQL, checked against tables.py's."""
    found = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL ORDER BY name",
        (table.name,),
    ).fetchall()
    expected = sorted(str(index.name) for index in table.indexes)
    if [name for name, _ in found] != expected:
        raise RuntimeError(f"{table.name} indexes {found} differ from tables.py's {expected}")
    return [(str(name), str(sql)) for name, sql in found]


def _joined(process: BaseProcess, stored: int, progress: StatusLine) -> None:
    """Wait for the loading process; raise if it failed."""
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"loading the touches failed (exit code {process.exitcode})")
    progress(f"touches: {stored:,} stored and indexed", final=True)


# States


@dataclass
class _FoldInput:
    draws: TouchDraws
    starts: list[int]
    order: array[int]
    initial: dict[int, FollowUpState]


_fold_input: _FoldInput | None = None


def _set_fold_input(fold: _FoldInput) -> None:
    global _fold_input
    _fold_input = fold


def _fold_range(bounds: tuple[int, int]) -> list[FollowUpState]:
    """Each contact's state after its touches, for contact ids lo <= id < hi."""
    fold = _fold_input
    if fold is None:
        raise RuntimeError("fold worker started without its input")
    draws, starts, order = fold.draws, fold.starts, fold.order
    states = []
    for contact_id in range(*bounds):
        first, end = starts[contact_id], starts[contact_id + 1]
        if first == end:
            continue
        state = fold.initial[contact_id]
        for index in order[first:end]:
            state = advance(state, draws.touch(index, contact_id))
        states.append(state)
    return states


class _StateWriter:
    """Saves states through SqlStateRepository.save_many, a transaction per batch.

    The state table's secondary indexes are dropped before the first batch and
    rebuilt by `close` from the SQL SQLite had stored for them.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None
        self.indexes: list[tuple[str, str]] = []
        self.written = 0

    def write(self, states: Sequence[FollowUpState]) -> None:
        if not states:
            return
        connection = self.connection or self._open()
        repository = SqlStateRepository(connection)
        for lo in range(0, len(states), STATES_PER_TRANSACTION):
            repository.save_many(states[lo : lo + STATES_PER_TRANSACTION])
            connection.commit()
        self.written += len(states)

    def close(self) -> None:
        if self.connection is None:
            return
        for _, sql in self.indexes:
            self.connection.exec_driver_sql(sql)
        self.connection.commit()
        self.connection.close()
        self.connection = None

    def _open(self) -> Connection:
        connection = self.connection = self.engine.connect()
        driver = connection.connection.driver_connection
        for pragma in STATE_WRITE_PRAGMAS:  # outside any transaction
            driver.execute(pragma)  # type: ignore[union-attr]
        self.indexes = _secondary_indexes(driver, followup_state)  # type: ignore[arg-type]
        for name, _ in self.indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        connection.commit()
        return connection


# Checks


def check_sample(url: str, draws: TouchDraws, sample: int = 200, seed: int = 1) -> int:
    """Compare `sample` stored contacts with what the repositories make of them.

    A sampled contact's touch rows must equal, all but the id, the rows
    SqlTouchRepository writes for the same touches (into a scratch database), in
    the same order; its stored state must equal `advance` folded over its touches as
    read back through SqlTouchRepository, from a fresh state (what the import stored
    differs only in a due time every generated touch replaces). Returns the number
    of touches compared; raises AssertionError on a difference.
    """
    starts, order = by_contact(draws.contact)
    candidates = [i for i in range(1, len(starts) - 1) if starts[i + 1] > starts[i]]
    chosen = sorted(random.Random(seed).sample(candidates, min(sample, len(candidates))))
    engine = make_engine(url)
    scratch = make_engine("sqlite://", enforce_foreign_keys=False)
    metadata.create_all(scratch)
    compared = 0
    with engine.connect() as connection, scratch.connect() as other:
        for contact_id in chosen:
            indexes = order[starts[contact_id] : starts[contact_id + 1]]
            other.execute(touches.delete())
            SqlTouchRepository(other).add_many([draws.touch(i, contact_id) for i in indexes])
            expected = _raw_rows(other, contact_id)
            stored = _raw_rows(connection, contact_id)
            if stored != expected:
                raise AssertionError(f"contact {contact_id}: touches {stored} != {expected}")
            state = FollowUpState(contact_id)
            for touch in SqlTouchRepository(connection).for_contact(contact_id):
                state = advance(state, touch)
            saved = SqlStateRepository(connection).get(contact_id)
            if saved != state:
                raise AssertionError(f"contact {contact_id}: state {saved} != {state}")
            compared += len(indexes)
    engine.dispose()
    scratch.dispose()
    return compared


def _raw_rows(connection: Connection, contact_id: int) -> list[tuple[Any, ...]]:
    """The contact's touches as stored, by id, without the id itself."""
    names = ", ".join(column.name for column in touches.columns if column.name != "id")
    sql = f"SELECT {names} FROM touches WHERE contact_id = ? ORDER BY id"
    return [tuple(row) for row in connection.exec_driver_sql(sql, (contact_id,))]
