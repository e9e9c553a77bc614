"""The population spec: segments with hidden answer behaviour (YAML, see example.yaml).

Every value is checked here so bad input gets a message naming the field, e.g.
`segments[1].answer_by_hour.25: an hour is 0–23`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from ringback.domain.clock import zone
from ringback.domain.errors import InvalidField
from ringback.domain.model import Weekday

_RATES = ("voicemail_listen", "callback", "email_first", "email_reply", "letter_reply")


@dataclass(frozen=True)
class SegmentSpec:
    """One kind of contact and how they behave (probabilities are per touch)."""

    name: str
    size: int
    timezones: tuple[str, ...]
    country: str | None
    answer_by_hour: Mapping[int, float]  # local hour → chance a call is picked up
    weekday_factor: Mapping[int, float]  # Monday 0; missing days count 1.0
    voicemail_listen: float = 0.5
    callback: float = 0.1  # chance a listened voicemail gets a call back
    email_first: float = 0.0  # share of people who prefer email (R10)
    email_reply: float = 0.05
    letter_reply: float = 0.05
    address_share: float = 0.5  # share with a postal address (letters, R9)
    own_hour_share: float = 0.0  # share with a personal best hour of their own
    own_hour_rate: float = 0.6

    def answer_rate(self, weekday: int, hour: int) -> float:
        return self.answer_by_hour.get(hour, 0.0) * self.weekday_factor.get(weekday, 1.0)


@dataclass(frozen=True)
class PopulationSpec:
    segments: tuple[SegmentSpec, ...]
    capacity: int = 100  # calls and messages the team makes per day (R14)
    start: str = "2026-03-02"  # a Monday
    team_timezone: str = "America/New_York"  # where the team's days start and end

    @property
    def size(self) -> int:
        return sum(s.size for s in self.segments)


def load_spec(text: str) -> PopulationSpec:
    """Parse YAML text into a spec, or InvalidField naming the bad field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidField("spec", f"not valid YAML: {error}") from None
    return spec_from_dict(_mapping(data, "spec"))


def spec_from_dict(data: Mapping[str, Any]) -> PopulationSpec:
    raw = data.get("segments")
    if not isinstance(raw, list) or not raw:
        raise InvalidField("segments", "a list of at least one segment is needed")
    segments = tuple(_segment(_mapping(s, f"segments[{i}]"), i) for i, s in enumerate(raw))
    capacity = _int(data.get("capacity", 100), "capacity", 1)
    start = str(data.get("start", "2026-03-02"))
    try:
        date.fromisoformat(start)
    except ValueError:
        raise InvalidField("start", f"{start!r} is not a date like 2026-03-02") from None
    team = _zone(str(data.get("team_timezone", "America/New_York")), "team_timezone")
    return PopulationSpec(segments, capacity, start, team)


def _segment(data: Mapping[str, Any], index: int) -> SegmentSpec:
    where = f"segments[{index}]"
    zones = data.get("timezones")
    if isinstance(zones, str):
        zones = [zones]
    if not isinstance(zones, list) or not zones:
        raise InvalidField(f"{where}.timezones", "name at least one IANA time zone")
    rates = {k: _rate(data[k], f"{where}.{k}") for k in _RATES if k in data}
    extra = {
        k: _rate(data[k], f"{where}.{k}")
        for k in ("address_share", "own_hour_share", "own_hour_rate")
        if k in data
    }
    return SegmentSpec(
        name=str(data.get("name") or f"segment {index + 1}"),
        size=_int(data.get("size"), f"{where}.size", 1),
        timezones=tuple(_zone(str(z), f"{where}.timezones") for z in zones),
        country=data.get("country"),
        answer_by_hour=_hours(data.get("answer_by_hour"), f"{where}.answer_by_hour"),
        weekday_factor=_weekdays(data.get("weekday_factor") or {}, f"{where}.weekday_factor"),
        **rates,
        **extra,
    )


def _hours(value: Any, where: str) -> dict[int, float]:
    data = _mapping(value, where)
    hours = {}
    for key, rate in data.items():
        hour = _int(key, f"{where}.{key}", 0)
        if hour > 23:
            raise InvalidField(f"{where}.{key}", "an hour is 0–23")
        hours[hour] = _rate(rate, f"{where}.{key}")
    return hours


def _weekdays(value: Any, where: str) -> dict[int, float]:
    factors = {}
    for key, factor in _mapping(value, where).items():
        try:
            day = Weekday(str(key).lower()[:3]).number
        except ValueError:
            raise InvalidField(
                f"{where}.{key}", "use mon, tue, wed, thu, fri, sat or sun"
            ) from None
        factors[day] = _number(factor, f"{where}.{key}", 0.0, 10.0)
    return factors


def _zone(name: str, where: str) -> str:
    try:
        zone(name)
    except InvalidField:
        raise InvalidField(where, f"{name!r} is not a known time zone") from None
    return name


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidField(where, "expected a mapping of names to values")
    return value


def _int(value: Any, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidField(where, f"expected a whole number, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise InvalidField(where, f"expected a whole number, got {value!r}") from None
    if number < minimum:
        raise InvalidField(where, f"must be at least {minimum}, not {number}")
    return number


def _rate(value: Any, where: str) -> float:
    return _number(value, where, 0.0, 1.0)


def _number(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidField(where, f"expected a number, got {value!r}")
    if not low <= value <= high:
        raise InvalidField(where, f"must be between {low:g} and {high:g}, not {value}")
    return float(value)
