"""Weekly local hours: the shape of a calling window, without any time zone (R4, R5).

A `WeeklyHours` is a set of wall-clock ranges per weekday ("Mon–Fri 09:00–17:30").
Calling windows, the 08:00–21:00 hard bound and a contact's stated preferences are
all `WeeklyHours`, so narrowing a window is an intersection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache

from ringback.domain.model import PreferredWindow

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = range(5)
MON_TO_SAT = range(6)
EVERY_DAY = range(7)


@dataclass(frozen=True, order=True)
class DayRange:
    """Local wall-clock hours [start, end) on one weekday (Monday is 0)."""

    weekday: int
    start: time
    end: time

    def __str__(self) -> str:
        return f"{DAY_NAMES[self.weekday].title()} {self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class WeeklyHours:
    """Sorted, merged, non-empty day ranges. Build with `of` or `every`."""

    ranges: tuple[DayRange, ...] = ()

    @classmethod
    def of(cls, ranges: Iterable[DayRange]) -> WeeklyHours:
        return cls(_normalise(ranges))

    @classmethod
    def every(cls, days: Iterable[int], start: time, end: time) -> WeeklyHours:
        return cls.of(DayRange(day, start, end) for day in days)

    @property
    def is_empty(self) -> bool:
        return not self.ranges

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(r.weekday for r in self.ranges)

    def on(self, weekday: int) -> tuple[DayRange, ...]:
        return tuple(r for r in self.ranges if r.weekday == weekday)

    def contains(self, weekday: int, wall: time) -> bool:
        return any(r.start <= wall < r.end for r in self.on(weekday))

    def intersect(self, other: WeeklyHours) -> WeeklyHours:
        return _intersect(self, other)

    def __str__(self) -> str:
        return describe(self)


def _normalise(ranges: Iterable[DayRange]) -> tuple[DayRange, ...]:
    merged: list[DayRange] = []
    for current in sorted(r for r in ranges if r.start < r.end):
        previous = merged[-1] if merged else None
        if previous and previous.weekday == current.weekday and current.start <= previous.end:
            merged[-1] = DayRange(previous.weekday, previous.start, max(previous.end, current.end))
        else:
            merged.append(current)
    return tuple(merged)


@lru_cache(maxsize=4096)
def _intersect(left: WeeklyHours, right: WeeklyHours) -> WeeklyHours:
    overlaps = (
        DayRange(a.weekday, max(a.start, b.start), min(a.end, b.end))
        for a in left.ranges
        for b in right.on(a.weekday)
    )
    return WeeklyHours.of(overlaps)


def from_preferences(preferences: Sequence[PreferredWindow]) -> WeeklyHours:
    """The union of a contact's stated windows (R4) as weekly hours."""
    return WeeklyHours.of(
        DayRange(day.number, pref.start, pref.end) for pref in preferences for day in pref.days
    )


def describe(hours: WeeklyHours) -> str:
    """Plain words: 'Mon–Fri 09:00–17:30', or ranges joined by commas when irregular."""
    if hours.is_empty:
        return "no hours"
    spans = {(r.start, r.end) for r in hours.ranges}
    days = sorted(hours.weekdays)
    regular = len(spans) == 1 and len(hours.ranges) == len(days)
    contiguous = days == list(range(days[0], days[-1] + 1))
    if regular and contiguous:
        start, end = next(iter(spans))
        first, last = DAY_NAMES[days[0]].title(), DAY_NAMES[days[-1]].title()
        label = first if first == last else f"{first}–{last}"
        return f"{label} {start:%H:%M}–{end:%H:%M}"
    return ", ".join(str(r) for r in hours.ranges)


# R5 defaults: business contacts Mon–Fri 09:00–17:30, personal Mon–Sat 09:00–20:00,
# and whatever the configuration says, never outside 08:00–21:00 local (US TCPA bound).
BUSINESS_HOURS = WeeklyHours.every(WEEKDAYS, time(9), time(17, 30))
PERSONAL_HOURS = WeeklyHours.every(MON_TO_SAT, time(9), time(20))
HARD_BOUND = WeeklyHours.every(EVERY_DAY, time(8), time(21))
