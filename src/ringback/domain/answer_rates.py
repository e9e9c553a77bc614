"""Answer-rate estimates per segment × contact-local weekday × hour (R16).

Counts come from logged outbound calls: a call counts as answered when somebody
picked up (connected, or a conversation result), as unanswered when nobody did
(no answer, busy, voicemail). Wrong and disconnected numbers say nothing about
the hour and are left out.

Each estimate is a Beta posterior whose prior comes from a wider group, so a
sparse cell borrows strength and a well-known one speaks for itself:

    all calls  →  hour only, weekday only  →  all segments at (weekday, hour)
    hour only  →  the segment at that hour (any weekday)
    the segment's hour × the weekday's effect at that hour  →  the segment at
    (weekday, hour)  →  one contact at that hour

A group's prior mean is its wider group's posterior mean, worth `strength`
pseudo-calls. Hour and weekday effects multiply: the all-segments cell's prior is
the hour rate scaled by how the weekday compares with the average, and a segment's
cell takes its own hour curve scaled by the weekday effect all segments show at
that hour. A segment never called takes the all-segments rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, TypeVar

from ringback.domain.clock import local
from ringback.domain.model import UNANSWERED_CALL_OUTCOMES, Channel, Direction, Outcome, Touch

ANSWERED_OUTCOMES = frozenset(
    {Outcome.CONNECTED, Outcome.CALL_LATER, Outcome.MEETING_BOOKED, Outcome.NOT_INTERESTED}
)
ALL_SEGMENTS = ""  # the segment key of contacts without one
PRIOR_STRENGTH = 10.0  # pseudo-calls a wider group's rate is worth in a narrower one
CONTACT_STRENGTH = 3.0  # pseudo-calls the segment's rate is worth for one contact
FLOOR = 0.005  # keeps every Beta parameter positive


class Cell(NamedTuple):
    """A segment at a contact-local weekday (Monday 0) and hour."""

    segment: str
    weekday: int
    hour: int


class Tally(NamedTuple):
    """Answered and attempted calls; `+` and `-` add and subtract them."""

    answers: int = 0
    attempts: int = 0

    def __add__(self, other: tuple[int, ...]) -> Tally:  # type: ignore[override]
        return Tally(self.answers + other[0], self.attempts + other[1])

    def __sub__(self, other: Tally) -> Tally:
        return Tally(self.answers - other.answers, self.attempts - other.attempts)


class Beta(NamedTuple):
    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


def is_answered(touch: Touch) -> bool | None:
    """True/False for an outbound call nobody/somebody answered; None when it says nothing."""
    if touch.channel is not Channel.CALL or touch.direction is not Direction.OUTBOUND:
        return None
    return outcome_answered(touch.outcome)


def outcome_answered(outcome: Outcome) -> bool | None:
    """Whether a call with this outcome was answered; None when it does not say."""
    if outcome in ANSWERED_OUTCOMES:
        return True
    if outcome in UNANSWERED_CALL_OUTCOMES:
        return False
    return None


def cell_of(at: datetime, timezone: str, segment: str | None) -> Cell:
    wall = local(at, timezone)
    return Cell(segment or ALL_SEGMENTS, wall.weekday(), wall.hour)


def fold(
    counts: Mapping[Cell, Tally], observations: Iterable[tuple[Cell, bool]]
) -> dict[Cell, Tally]:
    """`counts` plus the observations (cell, answered): the incremental refit."""
    merged = dict(counts)
    for cell, answered in observations:
        merged[cell] = merged.get(cell, Tally()) + Tally(int(answered), 1)
    return merged


def _posterior(prior_mean: float, strength: float, tally: Tally) -> Beta:
    mean = min(max(prior_mean, FLOOR), 1 - FLOOR)
    misses = tally.attempts - tally.answers
    return Beta(strength * mean + tally.answers, strength * (1 - mean) + misses)


K = TypeVar("K")


def _totals(counts: Mapping[Cell, Tally], key: Callable[[Cell], K]) -> dict[K, Tally]:
    """The counts summed per group (plain integers while summing: it runs per plan)."""
    sums: dict[K, list[int]] = {}
    for cell, (answers, attempts) in counts.items():
        found = sums.setdefault(key(cell), [0, 0])
        found[0] += answers
        found[1] += attempts
    return {group: Tally(a, n) for group, (a, n) in sums.items()}


class AnswerRates:
    """Smoothed answer-rate posteriors from answer/attempt counts (R16)."""

    def __init__(self, counts: Mapping[Cell, Tally], strength: float = PRIOR_STRENGTH) -> None:
        self.counts = dict(counts)
        self.strength = strength
        self.total = sum(self.counts.values(), Tally())
        hours = _totals(self.counts, lambda c: c.hour)
        weekdays = _totals(self.counts, lambda c: c.weekday)
        slots = _totals(self.counts, lambda c: (c.weekday, c.hour))
        segment_hours = _totals(self.counts, lambda c: (c.segment, c.hour))
        # A uniform Beta(1, 1) for all calls: with no evidence every slot is a guess.
        self.overall = _posterior(0.5, 2.0, self.total)
        self._hours, self._weekdays, self._slots = hours, weekdays, slots
        self._segment_hours = segment_hours
        self._cache: dict[Cell, Beta] = {}

    @property
    def has_evidence(self) -> bool:
        return self.total.attempts > 0

    def hour(self, hour: int) -> Beta:
        return _posterior(self.overall.mean, self.strength, self._hours.get(hour, Tally()))

    def weekday(self, weekday: int) -> Beta:
        return _posterior(self.overall.mean, self.strength, self._weekdays.get(weekday, Tally()))

    def slot(self, weekday: int, hour: int) -> Beta:
        """All segments at (weekday, hour), shrunk toward hour × weekday effects."""
        prior = self.hour(hour).mean * self.weekday(weekday).mean / self.overall.mean
        return _posterior(prior, self.strength, self._slots.get((weekday, hour), Tally()))

    def segment_hour(self, segment: str, hour: int) -> Beta:
        """The segment at an hour on any weekday, shrunk toward all segments' hour."""
        tally = self._segment_hours.get((segment, hour), Tally())
        return _posterior(self.hour(hour).mean, self.strength, tally)

    def cell(self, cell: Cell) -> Beta:
        """The segment's posterior at (weekday, hour), shrunk toward wider groups."""
        found = self._cache.get(cell)
        if found is None:
            own = self.counts.get(cell, Tally())
            weekday_effect = self.slot(cell.weekday, cell.hour).mean / self.hour(cell.hour).mean
            # The segment's other weekdays at this hour: the cell's own calls count once.
            others = self._segment_hours.get((cell.segment, cell.hour), Tally()) - own
            prior = _posterior(self.hour(cell.hour).mean, self.strength, others).mean
            found = _posterior(prior * weekday_effect, self.strength, own)
            self._cache[cell] = found
        return found


@dataclass(frozen=True)
class ContactEvidence:
    """One contact's own answered/attempted calls by local hour, and the minute of
    the latest answer in each hour (a contact who answered at 8:30 gets 8:30)."""

    by_hour: Mapping[int, Tally]
    answered_minute: Mapping[int, int]


def contact_evidence(touches: Iterable[Touch], timezone: str) -> ContactEvidence:
    """The contact's call evidence by local hour, from its touches (oldest first)."""
    by_hour: dict[int, Tally] = {}
    minutes: dict[int, int] = {}
    for touch in touches:
        answered = is_answered(touch)
        if answered is None:
            continue
        wall = local(touch.at, timezone)
        by_hour[wall.hour] = by_hour.get(wall.hour, Tally()) + Tally(int(answered), 1)
        if answered:
            minutes[wall.hour] = wall.minute
    return ContactEvidence(by_hour, minutes)


def for_contact(base: Beta, evidence: ContactEvidence | None, hour: int) -> Beta:
    """The contact's posterior at an hour: its own calls layered on the segment's rate."""
    if evidence is None or hour not in evidence.by_hour:
        return base
    return _posterior(base.mean, CONTACT_STRENGTH, evidence.by_hour[hour])
