"""Their clock, not yours (R5): local calling windows as UTC instants, day by day.

Windows are local wall-clock hours (`WeeklyHours`) turned into UTC spans one local
day at a time with zoneinfo, so daylight-saving changes are handled where they
happen: a start that falls in a skipped or repeated hour moves to the later
instant, an end to the earlier one, so every instant of a span has a local time
inside the hours. Public holidays of the contact's country and subdivision (the
`holidays` package) close the day. A number that may ring in several zones is
planned inside the overlap of every zone's window.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from ringback.domain.errors import InvalidField
from ringback.domain.hours import WeeklyHours
from ringback.domain.trace import Decision, noted_by

MIDNIGHT = time(0)


class Span(NamedTuple):
    """A half-open UTC interval [start, end)."""

    start: datetime
    end: datetime

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or InvalidField naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidField("timezone", f"{name!r} is not a known time zone") from None


def wall_to_utc(day: date, wall: time, where: ZoneInfo, *, is_start: bool) -> datetime:
    """The UTC instant of local `wall` on `day`, DST-safe.

    In a skipped hour (spring forward) or a repeated one (fall back) a window start
    takes the later candidate and a window end the earlier, so a window never
    reaches outside its wall-clock hours.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=where, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=where, fold=1).astimezone(UTC)
    return max(first, second) if is_start else min(first, second)


def local(at: datetime, zone_name: str) -> datetime:
    return at.astimezone(zone(zone_name))


def describe_local(at: datetime, zone_name: str) -> str:
    """'Tue 4 Mar 14:00' in the zone's wall time."""
    moment = local(at, zone_name)
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def describe_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@lru_cache(maxsize=2048)
def _holiday_calendar(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """Public holidays of one year, cached per (country, subdivision, year)."""
    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        return _holiday_calendar(country, None, year) if subdivision else {}
    return dict(found)


def holiday_name(day: date, country: str | None, subdivision: str | None = None) -> str | None:
    """The name of the public holiday on `day` in that country/subdivision, if any."""
    if not country:
        return None
    return _holiday_calendar(country.upper(), subdivision or None, day.year).get(day)


@dataclass(frozen=True)
class WindowProfile:
    """Everything that decides a contact's allowed instants; hashable, so days cache.

    `zones[0]` is the anchor: days are its local days and times are shown in it.
    """

    zones: tuple[str, ...]
    hours: WeeklyHours
    country: str | None = None
    subdivision: str | None = None
    skip_holidays: bool = True

    @property
    def anchor(self) -> str:
        return self.zones[0]


class DayWindows(NamedTuple):
    """The allowed spans of one anchor-local day, and why the day is closed, if it is."""

    spans: tuple[Span, ...]
    note: Decision | None = None
    no_overlap: bool = False  # closed only because an ambiguous number's zones never overlap


@lru_cache(maxsize=131072)
def day_windows(profile: WindowProfile, day: date) -> DayWindows:
    """Allowed UTC spans during the anchor zone's local `day` (R5)."""
    if len(profile.zones) == 1:
        spans, holiday = _zone_spans(profile, profile.anchor, day)
        return DayWindows(spans, _holiday_note(profile, day, holiday))
    return _overlap_windows(profile, day)


def _zone_spans(profile: WindowProfile, zone_name: str, day: date) -> tuple[tuple[Span, ...], str]:
    """One zone's spans on its own local `day`; empty on a public holiday (named)."""
    ranges = profile.hours.on(day.weekday())
    holiday = _holiday_of(profile, day) if ranges else None
    if not ranges or holiday:
        return (), holiday or ""
    where = zone(zone_name)
    spans = (
        Span(
            wall_to_utc(day, r.start, where, is_start=True),
            wall_to_utc(day, r.end, where, is_start=False),
        )
        for r in ranges
    )
    return tuple(s for s in spans if s.start < s.end), ""


def _holiday_of(profile: WindowProfile, day: date) -> str | None:
    if not profile.skip_holidays:
        return None
    return holiday_name(day, profile.country, profile.subdivision)


def _holiday_note(profile: WindowProfile, day: date, holiday: str) -> Decision | None:
    if not holiday:
        return None
    where = profile.country or ""
    if profile.subdivision:
        where = f"{where}-{profile.subdivision}"
    return noted_by("R5", f"{describe_day(day)} is a public holiday in {where} ({holiday})")


def _overlap_windows(profile: WindowProfile, day: date) -> DayWindows:
    """Ambiguous number: the spans allowed in every candidate zone at once (R5)."""
    bounds = _day_bounds(profile.anchor, day)
    allowed: tuple[Span, ...] = (bounds,)
    for zone_name in profile.zones:
        allowed = intersect_spans(allowed, _zone_spans_within(profile, zone_name, bounds))
        if not allowed:
            break
    _, anchor_holiday = _zone_spans(profile, profile.anchor, day)
    note = _holiday_note(profile, day, anchor_holiday)
    if not allowed and note is None and profile.hours.on(day.weekday()):
        return DayWindows((), _no_overlap_note(profile, [day]), no_overlap=True)
    return DayWindows(allowed, note)


def _day_bounds(zone_name: str, day: date) -> Span:
    where = zone(zone_name)
    start = wall_to_utc(day, MIDNIGHT, where, is_start=True)
    end = wall_to_utc(day + timedelta(days=1), MIDNIGHT, where, is_start=True)
    return Span(start, end)


def _zone_spans_within(profile: WindowProfile, zone_name: str, bounds: Span) -> tuple[Span, ...]:
    where = zone(zone_name)
    first = bounds.start.astimezone(where).date()
    last = (bounds.end - timedelta(microseconds=1)).astimezone(where).date()
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    spans = [span for d in days for span in _zone_spans(profile, zone_name, d)[0]]
    return intersect_spans((bounds,), tuple(spans))


def _no_overlap_note(profile: WindowProfile, days: list[date]) -> Decision:
    count = len(profile.zones)
    when = f"on {describe_day(days[0])}"
    if len(days) > 1:
        when = f"on {len(days)} days from {describe_day(days[0])} to {describe_day(days[-1])}"
    return noted_by(
        "R5",
        f"{when} no hour is inside the calling window in all {count} time zones this "
        "number may ring in, so nothing is planned then; confirm the contact's time zone "
        "to open the window",
    )


def intersect_spans(left: Iterable[Span], right: Iterable[Span]) -> tuple[Span, ...]:
    """Overlaps of two sorted, non-overlapping span lists (two-pointer merge)."""
    a, b = list(left), list(right)
    i = j = 0
    found: list[Span] = []
    while i < len(a) and j < len(b):
        start, end = max(a[i].start, b[j].start), min(a[i].end, b[j].end)
        if start < end:
            found.append(Span(start, end))
        if a[i].end <= b[j].end:
            i += 1
        else:
            j += 1
    return tuple(found)


def days_from(profile: WindowProfile, at: datetime, until: datetime) -> Iterator[date]:
    """Anchor-local days from the one containing `at` to the one containing `until`."""
    where = zone(profile.anchor)
    day, last = at.astimezone(where).date(), until.astimezone(where).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


class SpanSearch(NamedTuple):
    span: Span | None
    notes: tuple[Decision, ...]


# A week of days closed only by a non-overlap means the overlap is empty every week.
NO_OVERLAP_STREAK = 7


def first_span_from(
    profile: WindowProfile,
    at: datetime,
    until: datetime,
    avoid_weekdays: frozenset[int] = frozenset(),
) -> SpanSearch:
    """The first allowed span ending after `at` and starting before `until`, cut to
    start no earlier than `at`; notes say why days on the way were closed."""
    notes: list[Decision] = []
    closed: list[date] = []
    found: Span | None = None
    for day in days_from(profile, at, until):
        windows = day_windows(profile, day)
        found = None if day.weekday() in avoid_weekdays else _first_after(windows, at)
        if found is not None or _past(windows, until) or len(closed) >= NO_OVERLAP_STREAK:
            break
        if windows.no_overlap:
            closed.append(day)
        elif windows.note is not None:
            notes.append(windows.note)
    found = found if found is not None and found.start < until else None
    if closed:
        notes.append(_no_overlap_note(profile, closed))
    return SpanSearch(found, tuple(notes))


def _first_after(windows: DayWindows, at: datetime) -> Span | None:
    for span in windows.spans:
        if span.end > at:
            return Span(max(span.start, at), span.end)
    return None


def _past(windows: DayWindows, until: datetime) -> bool:
    return any(span.start >= until for span in windows.spans)


def span_at(profile: WindowProfile, at: datetime) -> DayWindows:
    """The allowed span containing `at` (as the only span), or none and the day's note."""
    day = at.astimezone(zone(profile.anchor)).date()
    windows = day_windows(profile, day)
    inside = tuple(span for span in windows.spans if span.contains(at))
    return DayWindows(inside, None if inside else windows.note)
