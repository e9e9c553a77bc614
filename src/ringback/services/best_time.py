"""The "Best time to call" figures (R16): the planner's learned answer rates per
segment and contact-local hour, and the weekday × hour grid of one segment (or
all), for the Analytics page and its CSV downloads.

The counts are brought up to date first, as a plan does (services/timing.py), so
the page shows what the next plan will use. They are the team's counts: the same
estimates time every user's calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ringback.domain.analytics import WEEKDAYS
from ringback.domain.best_time import SegmentStrip, SlotRate, best_time_strips, week_grid
from ringback.services.contacts import UowFactory
from ringback.services.timing import PLAN_FOLD, refresh_answer_counts

STRIPS_HEADER = ["segment", "hour", "calls", "answered", "estimated_answer_rate"]
WEEK_HEADER = ["weekday", "hour", "calls", "answered", "estimated_answer_rate"]


@dataclass(frozen=True)
class BestTime:
    strips: list[SegmentStrip]
    week: list[SlotRate]  # for the segment asked for, else all segments


def best_time(uow_factory: UowFactory, segment: str | None = None) -> BestTime:
    counts = refresh_answer_counts(uow_factory, most=PLAN_FOLD)
    return BestTime(best_time_strips(counts, segment or None), week_grid(counts, segment or None))


def strip_rows(strips: Sequence[SegmentStrip]) -> list[list[object]]:
    """One row per segment and hour, in the order of STRIPS_HEADER."""
    return [
        [strip.segment, h.hour, h.calls, h.answered, round(h.estimate, 4)]
        for strip in strips
        for h in strip.hours
    ]


def week_rows(week: Sequence[SlotRate]) -> list[list[object]]:
    """One row per weekday and hour, in the order of WEEK_HEADER."""
    return [[WEEKDAYS[s.weekday], s.hour, s.calls, s.answered, round(s.estimate, 4)] for s in week]
