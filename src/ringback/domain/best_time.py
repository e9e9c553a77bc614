"""Best time to call, as the Analytics page shows it (R16): per segment, the learned
answer rate at each contact-local hour, with the calls behind it; and for one
segment (or all) the weekday × hour grid of the estimates the planner samples from.

The rates are the planner's own estimates (domain/answer_rates.py): a segment's
hour is its Beta posterior over every weekday, shrunk toward all segments' rate at
that hour, so a thin hour reads close to the wider rate until calls accumulate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ringback.domain.answer_rates import AnswerRates, Cell, Tally

HOURS = range(24)
EVERY_SEGMENT = "all segments"
NO_SEGMENT = "(no segment)"


@dataclass(frozen=True)
class HourRate:
    hour: int  # the contact's local hour
    estimate: float  # posterior mean answer rate
    calls: int
    answered: int


@dataclass(frozen=True)
class SegmentStrip:
    segment: str  # a display name: EVERY_SEGMENT, NO_SEGMENT or the segment
    hours: tuple[HourRate, ...]

    @property
    def calls(self) -> int:
        return sum(h.calls for h in self.hours)

    @property
    def best(self) -> HourRate | None:
        """The called hour with the highest estimate (None before any call)."""
        called = [h for h in self.hours if h.calls]
        return max(called, key=lambda h: h.estimate) if called else None


def best_time_strips(
    counts: Mapping[Cell, Tally], segment: str | None = None
) -> list[SegmentStrip]:
    """All segments first, then each called segment by name (contacts without one
    last); only `segment` if given.

    Empty when no call was ever counted: there is nothing learned to show."""
    rates = AnswerRates(counts)
    if not rates.has_evidence:
        return []
    by_hour = _sum_hours(counts)
    strips = []
    if segment is None:
        everyone = {h: by_hour.get((None, h), Tally()) for h in HOURS}
        strips.append(_strip(EVERY_SEGMENT, lambda h: rates.hour(h).mean, everyone))
    names = sorted(_segments(counts), key=lambda name: (name == "", name))
    for name in names:
        if segment is not None and name != segment:
            continue
        own = {h: by_hour.get((name, h), Tally()) for h in HOURS}
        strips.append(_strip(name or NO_SEGMENT, _segment_estimate(rates, name), own))
    return strips


def _segment_estimate(rates: AnswerRates, segment: str) -> Callable[[int], float]:
    return lambda hour: rates.segment_hour(segment, hour).mean


def _sum_hours(counts: Mapping[Cell, Tally]) -> dict[tuple[str | None, int], Tally]:
    """Calls per (segment, hour) and per (None, hour) for all segments together."""
    sums: dict[tuple[str | None, int], Tally] = {}
    for cell, tally in counts.items():
        for key in ((cell.segment, cell.hour), (None, cell.hour)):
            sums[key] = sums.get(key, Tally()) + tally
    return sums


def _strip(
    name: str, estimate: Callable[[int], float], tallies: Mapping[int, Tally]
) -> SegmentStrip:
    hours = tuple(HourRate(h, estimate(h), tallies[h].attempts, tallies[h].answers) for h in HOURS)
    return SegmentStrip(name, hours)


@dataclass(frozen=True)
class SlotRate:
    weekday: int  # Monday 0, the contact's local weekday
    hour: int
    estimate: float  # posterior mean answer rate: what the planner samples around
    calls: int
    answered: int


def week_grid(counts: Mapping[Cell, Tally], segment: str | None = None) -> list[SlotRate]:
    """7 × 24 estimates, Monday 00h first: the planner's cell for `segment`, or all
    segments' slot; empty before any call or for a segment never called."""
    rates = AnswerRates(counts)
    if not rates.has_evidence or (segment is not None and segment not in _segments(counts)):
        return []
    tallies: dict[tuple[int, int], Tally] = {}
    for cell, tally in counts.items():
        if segment is None or cell.segment == segment:
            key = (cell.weekday, cell.hour)
            tallies[key] = tallies.get(key, Tally()) + tally
    grid = []
    for weekday in range(7):
        for hour in HOURS:
            if segment is None:
                estimate = rates.slot(weekday, hour).mean
            else:
                estimate = rates.cell(Cell(segment, weekday, hour)).mean
            tally = tallies.get((weekday, hour), Tally())
            grid.append(SlotRate(weekday, hour, estimate, tally.attempts, tally.answers))
    return grid


def _segments(counts: Mapping[Cell, Tally]) -> set[str]:
    return {cell.segment for cell in counts}
