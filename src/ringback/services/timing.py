"""Keeping the answer counts current and building the learned timing model (R16).

`refresh_answer_counts` folds in only the outbound calls logged since the
watermark, a batch per transaction, so a plan pays for new calls only; a plan
folds in at most PLAN_FOLD calls, so after an upgrade the history is caught up a
slice per plan (or at once by `refresh_answer_counts` with no limit). `learned_timing` turns
the counts into posteriors and adds the own calls of the contacts being planned;
with no counted call at all it returns None and the planner spreads (SpreadTiming).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from ringback.domain.answer_rates import (
    AnswerRates,
    Cell,
    Tally,
    contact_evidence,
    fold,
    outcome_answered,
)
from ringback.domain.clock import local
from ringback.domain.model import Contact, Outcome
from ringback.domain.timing import LearnedTiming
from ringback.services.contacts import UowFactory
from ringback.services.ports import CallRecord

FOLD_BATCH = 200_000
# A plan folds in at most this many calls (about a second's work): the first plans
# after an upgrade catch up on a long history a slice at a time, oldest first.
PLAN_FOLD = 20_000
QUARTER_HOUR_S = 900  # every zone's offset is a multiple of 15 minutes
_UNREAD = -1  # the settled touch id before it is read (ids start at 1)


def refresh_answer_counts(
    uow_factory: UowFactory, batch: int = FOLD_BATCH, most: int | None = None
) -> dict[Cell, Tally]:
    """Fold the calls logged since the watermark into the counts, oldest first and at
    most `most` of them (None: all); return the counts.

    Only calls up to the settled touch id are folded: a touch still being written
    with a lower id is folded next time, not stepped over (timing_repository.py).
    """
    settled: int | None = _UNREAD
    folded = 0
    while True:
        with uow_factory() as uow:
            if settled == _UNREAD:  # once, in the first transaction (PostgreSQL may wait)
                settled = uow.timing.settled_touch_id()
            seen = uow.timing.watermark()
            size = batch if most is None else min(batch, most - folded)
            if settled is None or settled <= seen or size <= 0:
                return uow.timing.counts()
            calls = uow.timing.calls_after(seen, size, settled)
            # No call among them: the watermark still moves up to what is settled.
            to = calls[-1].touch_id if len(calls) == size else settled
            if uow.timing.advance(seen, to, fold({}, observations(calls))):
                uow.commit()
                folded += len(calls)


def observations(calls: Iterable[CallRecord]) -> Iterator[tuple[Cell, bool]]:
    """(cell, answered) for each call whose outcome tells whether someone picked up."""
    cells: dict[tuple[str, str | None, int], Cell] = {}
    for call in calls:
        answered = outcome_answered(Outcome(call.outcome))
        if answered is None:
            continue
        # Calls in the same quarter hour share a local weekday and hour: convert once.
        key = (call.timezone, call.segment, int(call.at.timestamp()) // QUARTER_HOUR_S)
        cell = cells.get(key)
        if cell is None:
            wall = local(call.at, call.timezone)
            cell = cells[key] = Cell(call.segment or "", wall.weekday(), wall.hour)
        yield cell, answered


def learned_timing(
    uow_factory: UowFactory,
    counts: dict[Cell, Tally],
    contacts: Sequence[Contact],
    rng: random.Random,
) -> LearnedTiming | None:
    """The R16 model for planning `contacts`, or None when no call was ever counted."""
    rates = rates_of(counts)
    if not rates.has_evidence:
        return None
    by_id = {c.id: c for c in contacts if c.id is not None}
    with uow_factory() as uow:
        calls = uow.timing.calls_of(list(by_id))
    evidence = {i: contact_evidence(t, by_id[i].timezone) for i, t in calls.items() if t}
    return LearnedTiming(rates, rng, evidence)


_last: list[tuple[dict[Cell, Tally], AnswerRates]] = []


def rates_of(counts: dict[Cell, Tally]) -> AnswerRates:
    """AnswerRates of `counts`, built once per counts object (storage hands out the
    same object while nothing new was folded in, so successive plans share it)."""
    if _last and _last[0][0] is counts:
        return _last[0][1]
    rates = AnswerRates(counts)
    _last[:] = [(counts, rates)]
    return rates


def plan_seed(start: datetime, user: str | None) -> int:
    """The same range and user draw the same slots: a plan shown twice does not move."""
    return zlib.crc32(f"{start.isoformat()}|{user or ''}".encode())
