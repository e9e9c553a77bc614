"""Strict readers for configuration data (cadences, policies) loaded by services.

Each reader takes a value from a parsed YAML/JSON document and the name of the
field it came from, and either returns a typed value or raises InvalidField naming
that field. Nothing is defaulted silently: an unknown key is an error too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import time, timedelta
from enum import StrEnum
from typing import TypeVar

from ringback.domain.clock import zone
from ringback.domain.errors import InvalidField
from ringback.domain.hours import DAY_NAMES, DayRange, WeeklyHours

E = TypeVar("E", bound=StrEnum)

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+)$")
_UNITS = {
    "w": timedelta(weeks=1),
    "week": timedelta(weeks=1),
    "weeks": timedelta(weeks=1),
    "d": timedelta(days=1),
    "day": timedelta(days=1),
    "days": timedelta(days=1),
    "h": timedelta(hours=1),
    "hour": timedelta(hours=1),
    "hours": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "minutes": timedelta(minutes=1),
}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def reject_unknown_keys(data: Mapping[str, object], known: Iterable[str], prefix: str = "") -> None:
    allowed = set(known)
    for key in data:
        if key not in allowed:
            names = ", ".join(sorted(allowed))
            raise InvalidField(f"{prefix}{key}", f"unknown key (known keys: {names})")


def as_mapping(value: object, field: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise InvalidField(field, f"expected a mapping of names to values, not {value!r}")
    return value


def as_list(value: object, field: str) -> Sequence[object]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidField(field, f"expected a list, not {value!r}")
    return value


def parse_text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, f"expected non-empty text, not {value!r}")
    return value.strip()


def parse_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidField(field, f"expected true or false, not {value!r}")
    return value


def parse_int(value: object, field: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, f"expected a whole number, not {value!r}")
    if value < minimum:
        raise InvalidField(field, f"must be at least {minimum}, not {value}")
    return value


def parse_duration(value: object, field: str) -> timedelta:
    """'3d', '2 weeks', '36h', '90m', or a number of days; never negative."""
    if isinstance(value, bool):
        raise InvalidField(field, f"expected a duration such as '3d', not {value!r}")
    if isinstance(value, int | float):
        return _non_negative(timedelta(days=value), value, field)
    if not isinstance(value, str):
        raise InvalidField(field, f"expected a duration such as '3d', not {value!r}")
    text = value.strip().lower()
    if text.startswith("-"):
        raise InvalidField(field, f"{value!r} is negative; waits must not be")
    match = _DURATION.match(text)
    if match is None or match.group(2) not in _UNITS:
        raise InvalidField(field, f"{value!r} is not a duration such as '3d', '36h' or '2w'")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _non_negative(duration: timedelta, raw: object, field: str) -> timedelta:
    if duration < timedelta(0):
        raise InvalidField(field, f"{raw!r} is negative; waits must not be")
    return duration


def duration_text(duration: timedelta) -> str:
    """The shortest exact text for `duration` that parse_duration reads back."""
    for unit in ("w", "d", "h", "m"):
        if duration % _UNITS[unit] == timedelta(0):
            return f"{duration // _UNITS[unit]}{unit}"
    return f"{duration.total_seconds() / 60:g}m"


def parse_zone(value: object, field: str) -> str:
    name = parse_text(value, field)
    try:
        zone(name)
    except InvalidField:
        raise InvalidField(field, f"{name!r} is not a known time zone") from None
    return name


def parse_enum(value: object, kind: type[E], field: str, allowed: Iterable[E] | None = None) -> E:
    choices = list(allowed) if allowed is not None else list(kind)
    for choice in choices:
        if value == choice.value:
            return choice
    names = ", ".join(c.value for c in choices)
    raise InvalidField(field, f"{value!r} is not one of: {names}")


def parse_time(value: object, field: str) -> time:
    text = parse_text(value, field)
    match = _TIME.match(text)
    if match is None:
        raise InvalidField(field, f"{text!r} is not a time such as '09:30'")
    return time(int(match.group(1)), int(match.group(2)))


def parse_days(value: object, field: str) -> tuple[int, ...]:
    """['mon', 'tue'] or 'mon-fri' or 'mon,wed'."""
    items: Sequence[object] = value.split(",") if isinstance(value, str) else as_list(value, field)
    days: list[int] = []
    for item in items:
        days.extend(_day_or_range(parse_text(item, field).lower(), field))
    if not days:
        raise InvalidField(field, "names no day")
    return tuple(dict.fromkeys(days))


def _day_or_range(text: str, field: str) -> list[int]:
    first, _, last = text.partition("-")
    start, end = _day(first, field), _day(last or first, field)
    if end < start:
        raise InvalidField(field, f"{text!r} runs backwards")
    return list(range(start, end + 1))


def _day(text: str, field: str) -> int:
    key = text.strip()[:3]
    if key not in DAY_NAMES:
        raise InvalidField(field, f"{text!r} is not a weekday (mon … sun)")
    return DAY_NAMES.index(key)


def parse_hours(value: object, field: str) -> WeeklyHours:
    """{days: [mon, …], between: '09:00-17:30'} or a list of such; never empty."""
    blocks = [value] if isinstance(value, Mapping) else as_list(value, field)
    ranges: list[DayRange] = []
    for index, block in enumerate(blocks):
        where = f"{field}[{index}]" if not isinstance(value, Mapping) else field
        ranges.extend(_hours_block(as_mapping(block, where), where))
    hours = WeeklyHours.of(ranges)
    if hours.is_empty:
        raise InvalidField(field, "the window is empty")
    return hours


def _hours_block(block: Mapping[str, object], field: str) -> list[DayRange]:
    reject_unknown_keys(block, ("days", "between"), f"{field}.")
    if "days" not in block or "between" not in block:
        raise InvalidField(field, "needs both 'days' and 'between'")
    days = parse_days(block["days"], f"{field}.days")
    start_text, sep, end_text = parse_text(block["between"], f"{field}.between").partition("-")
    if not sep:
        raise InvalidField(f"{field}.between", "expected 'HH:MM-HH:MM'")
    start = parse_time(start_text.strip(), f"{field}.between")
    end = parse_time(end_text.strip(), f"{field}.between")
    if start >= end:
        raise InvalidField(f"{field}.between", f"window {start:%H:%M}-{end:%H:%M} is empty")
    return [DayRange(day, start, end) for day in days]


def hours_data(hours: WeeklyHours) -> list[dict[str, object]]:
    """`hours` as data that parse_hours reads back."""
    return [
        {"days": [DAY_NAMES[r.weekday]], "between": f"{r.start:%H:%M}-{r.end:%H:%M}"}
        for r in hours.ranges
    ]


# --- weekly hours as one line of text (the settings form) ----------------------------

_HOURS_PART = re.compile(r"^(?P<days>.+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$")


def parse_hours_text(text: str, field: str) -> WeeklyHours:
    """'mon-fri 09:00-17:30; sat 10:00-14:00' (';' or new lines between parts)."""
    blocks: list[dict[str, object]] = []
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        match = _HOURS_PART.match(part.strip().lower())
        if match is None:
            raise InvalidField(field, f"{part.strip()!r} is not like 'mon-fri 09:00-17:30'")
        between = f"{match['start'].zfill(5)}-{match['end'].zfill(5)}"
        blocks.append({"days": match["days"].replace(" ", ""), "between": between})
    if not blocks:
        raise InvalidField(field, "the window is empty")
    return parse_hours(blocks, field)


def hours_text(hours: WeeklyHours) -> str:
    """`hours` as the text parse_hours_text reads: 'mon-fri 09:00-17:30; sat 10:00-14:00'."""
    days_by_span: dict[tuple[time, time], list[int]] = {}
    for r in hours.ranges:
        days_by_span.setdefault((r.start, r.end), []).append(r.weekday)
    parts = sorted(
        (days[0], start, f"{_days_text(days)} {start:%H:%M}-{end:%H:%M}")
        for (start, end), days in days_by_span.items()
    )
    return "; ".join(text for _, _, text in parts)


def _days_text(days: Sequence[int]) -> str:
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    )
