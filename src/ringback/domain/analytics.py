"""Analytics: pure aggregations over rows the service loads (PRODUCT.md §5, R11, R16).

- Connect-rate heatmap: outbound calls and answered calls by the contact's local
  weekday × hour (R5: their clock). Storage groups calls per zone and UTC hour, so
  the rows stay few even for millions of calls; each group is placed here at its
  local weekday and hour (DST-correct for the date of the group).
- Call-back rate per template variant: a message is "called back" when the next
  inbound answer (a call-back, a reply, an inbound email) comes before the contact's
  next message and within CALLBACK_WINDOW; with a Wilson 95 % interval.
- Funnel: new → reached → engaged → won (domain/scoring/outcomes.py).
- Distributions: attempts to first connect, and attempts per reached contact.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CALLBACK_WINDOW = timedelta(days=14)
Z_95 = 1.959964
MAX_BUCKET = 10  # distributions put 10 and more into one bar


@dataclass(frozen=True)
class CallHour:
    """Outbound calls to contacts of one zone in the UTC hour starting at `hour`."""

    timezone: str
    hour: datetime
    calls: int
    answered: int


@dataclass(frozen=True)
class Cell:
    weekday: int  # Monday is 0
    hour: int
    calls: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.calls if self.calls else None


def heatmap(rows: Iterable[CallHour]) -> list[Cell]:
    """7 × 24 cells, Monday 00h first, of calls and answers by contact-local time."""
    calls: dict[tuple[int, int], int] = defaultdict(int)
    answered: dict[tuple[int, int], int] = defaultdict(int)
    zones: dict[str, ZoneInfo] = {}
    for row in rows:
        zone = zones.get(row.timezone) or zones.setdefault(row.timezone, _zone(row.timezone))
        moment = row.hour.astimezone(zone)
        key = (moment.weekday(), moment.hour)
        calls[key] += row.calls
        answered[key] += row.answered
    return [
        Cell(day, hour, calls[(day, hour)], answered[(day, hour)])
        for day in range(7)
        for hour in range(24)
    ]


def add_cells(first: Sequence[Cell], second: Sequence[Cell]) -> list[Cell]:
    """Cell by cell sums of two heatmaps (both 7 × 24, in the same order)."""
    return [
        Cell(a.weekday, a.hour, a.calls + b.calls, a.answered + b.answered)
        for a, b in zip(first, second, strict=True)
    ]


def cells_to_data(cells: Sequence[Cell]) -> list[list[int]]:
    return [[c.calls, c.answered] for c in cells]


def cells_from_data(data: object) -> list[Cell] | None:
    """Cells stored by `cells_to_data`, or None when `data` is not 7 × 24 of them."""
    if not isinstance(data, list) or len(data) != 7 * 24:
        return None
    try:
        return [Cell(i // 24, i % 24, int(v[0]), int(v[1])) for i, v in enumerate(data)]
    except (TypeError, ValueError, IndexError):
        return None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):  # a zone tzdata no longer knows: place it in UTC
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Message:
    contact_id: int
    at: datetime
    template: str


@dataclass(frozen=True)
class VariantRate:
    template: str
    sent: int
    called_back: int
    low: float
    high: float

    @property
    def rate(self) -> float:
        return self.called_back / self.sent if self.sent else 0.0


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 1) without trials."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def callback_rates(
    messages: Iterable[Message],
    answers: Iterable[tuple[int, datetime]],
    window: timedelta = CALLBACK_WINDOW,
) -> list[VariantRate]:
    """Per template variant: messages sent, how many were answered, and the interval."""
    answers_of: dict[int, list[datetime]] = defaultdict(list)
    for contact_id, at in answers:
        answers_of[contact_id].append(at)
    for times in answers_of.values():
        times.sort()
    per_contact: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        per_contact[message.contact_id].append(message)
    sent: dict[str, int] = defaultdict(int)
    won: dict[str, int] = defaultdict(int)
    for contact_id, sent_to_contact in per_contact.items():
        ordered = sorted(sent_to_contact, key=lambda m: m.at)
        times = answers_of.get(contact_id, [])
        for message, following in zip(ordered, [*ordered[1:], None], strict=True):
            sent[message.template] += 1
            until = message.at + window
            if following is not None:
                until = min(until, following.at)
            if _answered_between(times, message.at, until):
                won[message.template] += 1
    return [
        VariantRate(name, sent[name], won[name], *wilson(won[name], sent[name]))
        for name in sorted(sent)
    ]


def _answered_between(times: Sequence[datetime], start: datetime, end: datetime) -> bool:
    """An answer in (start, end]."""
    index = bisect.bisect_right(times, start)
    return index < len(times) and times[index] <= end


@dataclass(frozen=True)
class Stage:
    name: str
    contacts: int
    of_previous: float | None  # share of the previous stage
    of_first: float | None


def funnel(counts: Sequence[tuple[str, int]]) -> list[Stage]:
    """Stages in order with their conversion from the previous and the first stage."""
    stages: list[Stage] = []
    first = counts[0][1] if counts else 0
    previous: int | None = None
    for name, n in counts:
        of_previous = None if previous is None else _share(n, previous)
        stages.append(Stage(name, n, of_previous, _share(n, first)))
        previous = n
    return stages


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Bar:
    label: str
    contacts: int


@dataclass(frozen=True)
class Distribution:
    bars: tuple[Bar, ...]
    total: int
    mean: float | None
    median: float | None


def distribution(counts: Mapping[int, int], cap: int = MAX_BUCKET) -> Distribution:
    """Bars 1 … cap-1 and "cap+" from {value: number of contacts}, with mean and median."""
    bars = [Bar(str(v), counts.get(v, 0)) for v in range(1, cap)]
    bars.append(Bar(f"{cap}+", sum(n for v, n in counts.items() if v >= cap)))
    total = sum(counts.values())
    if total == 0:
        return Distribution(tuple(bars), 0, None, None)
    mean = sum(v * n for v, n in counts.items()) / total
    return Distribution(tuple(bars), total, mean, _median(counts, total))


def _median(counts: Mapping[int, int], total: int) -> float:
    values = sorted(counts)
    low_rank, high_rank = (total - 1) // 2, total // 2
    seen, low, high = 0, None, None
    for value in values:
        seen += counts[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            high = value
            break
    assert low is not None and high is not None
    return (low + high) / 2
