"""Guardrail settings (R5, R14) and the intent a guardrail judges.

A `Policy` holds the configurable limits with the product defaults; everything has
a sensible default so a solo user needs no configuration. Spans of the rolling caps
are fixed at 7 days because the follow-up state keeps exactly 7 days of touches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ringback.domain.errors import InvalidField
from ringback.domain.hours import BUSINESS_HOURS, PERSONAL_HOURS, WeeklyHours
from ringback.domain.model import Channel
from ringback.domain.parsing import (
    as_mapping,
    duration_text,
    hours_data,
    parse_bool,
    parse_duration,
    parse_hours,
    parse_int,
    reject_unknown_keys,
)

MAX_SEARCH_DAYS = 366


@dataclass(frozen=True)
class Policy:
    """Calling windows (R5) and caps (R14). Hours are clipped to 08:00–21:00 anyway."""

    business_hours: WeeklyHours = BUSINESS_HOURS
    personal_hours: WeeklyHours = PERSONAL_HOURS
    skip_holidays: bool = True
    max_calls_per_week: int = 7
    voicemail_gap: timedelta = timedelta(days=3)
    max_touches_per_week: int = 10
    daily_capacity: int = 50
    collections: bool = False
    collections_quiet: timedelta = timedelta(days=7)
    search_days: int = 28

    def __post_init__(self) -> None:
        for name in ("max_calls_per_week", "max_touches_per_week", "daily_capacity"):
            if getattr(self, name) < 1:
                raise InvalidField(name, f"must be at least 1, not {getattr(self, name)}")
        for name in ("voicemail_gap", "collections_quiet"):
            if getattr(self, name) < timedelta(0):
                raise InvalidField(name, "must not be negative")
        if not 1 <= self.search_days <= MAX_SEARCH_DAYS:
            raise InvalidField("search_days", f"must be between 1 and {MAX_SEARCH_DAYS}")
        for name in ("business_hours", "personal_hours"):
            if getattr(self, name).is_empty:
                raise InvalidField(name, "the calling window is empty")


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Intent:
    """What a guardrail is asked about: a touch on `channel`, perhaps leaving a voicemail.

    `requested` marks a touch the contact asked for (an appointment or a promised
    call-back, R3/R4): only the 08:00–21:00 hard bound applies to its time, and the
    collections quiet period does not.
    """

    channel: Channel
    leave_voicemail: bool = False
    requested: bool = False


_Reader = Callable[[object, str], Any]
_POLICY_FIELDS: dict[str, _Reader] = {
    "business_hours": parse_hours,
    "personal_hours": parse_hours,
    "skip_holidays": parse_bool,
    "max_calls_per_week": lambda v, f: parse_int(v, f, 1),
    "voicemail_gap": parse_duration,
    "max_touches_per_week": lambda v, f: parse_int(v, f, 1),
    "daily_capacity": lambda v, f: parse_int(v, f, 1),
    "collections": parse_bool,
    "collections_quiet": parse_duration,
    "search_days": lambda v, f: parse_int(v, f, 1),
}


def policy_from_dict(data: Mapping[str, object]) -> Policy:
    """A validated Policy from data; keys left out keep the defaults (R5, R14)."""
    document = as_mapping(data, "policy")
    reject_unknown_keys(document, _POLICY_FIELDS)
    values = {
        name: read(document[name], name)
        for name, read in _POLICY_FIELDS.items()
        if name in document
    }
    return Policy(**values)


def policy_to_dict(policy: Policy) -> dict[str, object]:
    """`policy` as plain data that `policy_from_dict` reads back (stored settings)."""
    return {
        "business_hours": hours_data(policy.business_hours),
        "personal_hours": hours_data(policy.personal_hours),
        "skip_holidays": policy.skip_holidays,
        "max_calls_per_week": policy.max_calls_per_week,
        "voicemail_gap": duration_text(policy.voicemail_gap),
        "max_touches_per_week": policy.max_touches_per_week,
        "daily_capacity": policy.daily_capacity,
        "collections": policy.collections,
        "collections_quiet": duration_text(policy.collections_quiet),
        "search_days": policy.search_days,
    }
