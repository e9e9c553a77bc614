"""SQLAlchemy Core storage of the answer counts behind the best time to call (R16).

`answer_counts` holds answers and attempts per segment × contact-local weekday ×
hour; `answer_watermark` the id of the last touch folded in. A fold moves the
watermark with a compare-and-set, so two plans folding at once count each call once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from ringback.adapters.db.repositories import chunks
from ringback.adapters.db.tables import answer_counts, answer_watermark, contacts, touches
from ringback.domain.answer_rates import Cell, Tally
from ringback.domain.model import Channel, Direction, Outcome, Touch
from ringback.services.ports import CallRecord

_CALLS = (touches.c.channel == Channel.CALL.value) & (
    touches.c.direction == Direction.OUTBOUND.value
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

    def calls_after(self, touch_id: int, limit: int) -> list[CallRecord]:
        query = (
            select(
                touches.c.id,
                touches.c.outcome,
                touches.c.at,
                contacts.c.timezone,
                contacts.c.segment,
            )
            .join(contacts, contacts.c.id == touches.c.contact_id)
            .where(touches.c.id > touch_id, _CALLS)
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
