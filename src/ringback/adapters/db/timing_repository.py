"""SQLAlchemy Core storage of the answer counts behind the best time to call (R16).

`answer_counts` holds answers and attempts per segment × contact-local weekday ×
hour; `answer_watermark` the id of the last touch folded in. A fold moves the
watermark with a compare-and-set, so two plans folding at once count each call once.

A watermark over ids is only sound if no touch can still appear below it. SQLite's
writers take turns, so ids appear in order. On PostgreSQL a transaction may take
id 100, and commit after another took 101 and committed: a fold in between would
step over 100 for good. So folds stop at `settled_touch_id()`: on PostgreSQL, the
highest id committed, once every transaction that was writing touches when it was
read has ended (as CREATE INDEX CONCURRENTLY waits for older transactions). Ids are
taken in order, so every lower id was taken before, by a transaction holding the
lock an INSERT takes on touches from before the id until it ends (bulk.reserve_ids
takes it first): those transactions are the lock's holders. Nothing is locked or
queued, so writers never wait on a fold. This assumes the id sequence caches one
value at a time (PostgreSQL's default, and how the migrations create it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, text, update

from ringback.adapters.db.repositories import chunks
from ringback.adapters.db.tables import answer_counts, answer_watermark, contacts, touches
from ringback.domain.answer_rates import Cell, Tally
from ringback.domain.model import Channel, Direction, Outcome, Touch
from ringback.services.ports import CallRecord

_CALLS = (touches.c.channel == Channel.CALL.value) & (
    touches.c.direction == Direction.OUTBOUND.value
)


# How long a fold waits for the transactions writing touches (PostgreSQL) before it
# gives up for now, and how often it looks. Logging a touch takes milliseconds; a
# longer writer (a bulk import's batch) is not waited for: the plan uses the counts
# as they are, and a later plan folds the new calls in.
SETTLE_WAIT_S = 0.25
SETTLE_POLL_S = 0.01

_HIGHEST_TOUCH_ID = select(func.coalesce(func.max(touches.c.id), 0))
_TOUCH_WRITERS = text(
    "SELECT virtualtransaction FROM pg_locks WHERE locktype = 'relation' "
    "AND relation = 'touches'::regclass AND mode = 'RowExclusiveLock' AND granted "
    "AND pid <> pg_backend_pid()"
)
_STILL_RUNNING = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'virtualxid' AND granted "
    "AND virtualxid = ANY(:writers)"
)

# Per database (engine): the watermark the counts were read at, and the counts.
_COUNTS: WeakKeyDictionary[Engine, tuple[int, dict[Cell, Tally]]] = WeakKeyDictionary()

_GROW = (
    update(answer_counts)
    .where(
        answer_counts.c.segment == bindparam("b_segment"),
        answer_counts.c.weekday == bindparam("b_weekday"),
        answer_counts.c.hour == bindparam("b_hour"),
    )
    .values(
        answers=answer_counts.c.answers + bindparam("b_answers"),
        attempts=answer_counts.c.attempts + bindparam("b_attempts"),
    )
)


def _row(cell: Cell, tally: Tally, prefix: str = "") -> dict[str, object]:
    values = (cell.segment, cell.weekday, cell.hour, tally.answers, tally.attempts)
    names = ("segment", "weekday", "hour", "answers", "attempts")
    return {prefix + name: value for name, value in zip(names, values, strict=True)}


class SqlTimingRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def watermark(self) -> int:
        found = self._connection.execute(
            select(answer_watermark.c.last_touch_id).where(answer_watermark.c.id == 1)
        ).scalar()
        return int(found or 0)

    def counts(self) -> dict[Cell, Tally]:
        """The counts; the same object again while the watermark has not moved (callers
        must not change it): counts and watermark only ever change together."""
        mark = self.watermark()
        cached = _COUNTS.get(self._connection.engine)
        if cached is not None and cached[0] == mark and mark != 0:
            return cached[1]
        rows = self._connection.execute(select(answer_counts))
        found = {Cell(s, w, h): Tally(a, n) for s, w, h, a, n in rows}
        _COUNTS[self._connection.engine] = (mark, found)
        return found

    def settled_touch_id(self) -> int | None:
        """The highest touch id below which no touch can still appear (module
        docstring); None when PostgreSQL's writers did not all end in time."""
        connection = self._connection
        highest = int(connection.execute(_HIGHEST_TOUCH_ID).scalar_one())
        if connection.dialect.name != "postgresql":
            return highest
        # Every id up to `highest` was taken before it was read, by a transaction
        # then holding the lock: wait until those that still do have ended.
        writers = list(connection.execute(_TOUCH_WRITERS).scalars())
        deadline = time.monotonic() + SETTLE_WAIT_S
        while writers and connection.execute(_STILL_RUNNING, {"writers": writers}).scalar():
            if time.monotonic() > deadline:
                return None
            time.sleep(SETTLE_POLL_S)
        return highest

    def calls_after(self, touch_id: int, limit: int, up_to: int) -> list[CallRecord]:
        query = (
            select(
                touches.c.id,
                touches.c.outcome,
                touches.c.at,
                contacts.c.timezone,
                contacts.c.segment,
            )
            .join(contacts, contacts.c.id == touches.c.contact_id)
            .where(touches.c.id > touch_id, touches.c.id <= up_to, _CALLS)
            .order_by(touches.c.id)
            .limit(limit)
        )
        return [
            CallRecord(r.id, r.outcome, r.at, r.timezone, r.segment)
            for r in self._connection.execute(query)
        ]

    def advance(self, seen: int, to: int, delta: Mapping[Cell, Tally]) -> bool:
        """Add `delta` and move the watermark from `seen` to `to`; False (nothing
        written) when another fold moved it first."""
        moved = self._connection.execute(
            update(answer_watermark)
            .where(answer_watermark.c.id == 1, answer_watermark.c.last_touch_id == seen)
            .values(last_touch_id=to)
        )
        if moved.rowcount == 0:
            if seen != 0 or self.watermark() != 0:
                return False
            self._connection.execute(insert(answer_watermark).values(id=1, last_touch_id=to))
        self._add(delta)
        return True

    def _add(self, delta: Mapping[Cell, Tally]) -> None:
        """Add to existing cells with one UPDATE per batch of rows, insert the new ones."""
        known = set(self._cells())
        grown = [_row(cell, tally, "b_") for cell, tally in delta.items() if cell in known]
        new = [_row(cell, tally) for cell, tally in delta.items() if cell not in known]
        if grown:
            self._connection.execute(_GROW, grown)
        if new:
            self._connection.execute(insert(answer_counts), new)

    def _cells(self) -> list[Cell]:
        query = select(answer_counts.c.segment, answer_counts.c.weekday, answer_counts.c.hour)
        return [Cell(*row) for row in self._connection.execute(query)]

    def calls_of(self, contact_ids: Sequence[int]) -> dict[int, list[Touch]]:
        """The outbound calls of these contacts, oldest first (per-contact evidence):
        only what the evidence needs is read (when and how each call ended)."""
        found: dict[int, list[Touch]] = {i: [] for i in contact_ids}
        for part in chunks(contact_ids):
            query = (
                select(touches.c.contact_id, touches.c.at, touches.c.outcome)
                .where(touches.c.contact_id.in_(part), _CALLS)
                .order_by(touches.c.at, touches.c.id)
            )
            for contact_id, at, outcome in self._connection.execute(query):
                found[contact_id].append(Touch(contact_id, Channel.CALL, Outcome(outcome), at))
        return found
