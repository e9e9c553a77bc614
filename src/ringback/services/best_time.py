"""The "Best time to call" figures (R16): the planner's learned answer rates per
segment and contact-local hour, for the Analytics page and its CSV download.

The counts are brought up to date first, as a plan does (services/timing.py), so
the page shows what the next plan will use. They are the team's counts: the same
estimates time every user's calls.
"""

from __future__ import annotations

from collections.abc import Sequence

from ringback.domain.best_time import SegmentStrip, best_time_strips
from ringback.services.contacts import UowFactory
from ringback.services.timing import PLAN_FOLD, refresh_answer_counts

CSV_HEADER = ["segment", "hour", "calls", "answered", "estimated_answer_rate"]


def best_times(uow_factory: UowFactory, segment: str | None = None) -> list[SegmentStrip]:
    counts = refresh_answer_counts(uow_factory, most=PLAN_FOLD)
    return best_time_strips(counts, segment or None)


def best_time_rows(strips: Sequence[SegmentStrip]) -> list[list[object]]:
    """One row per segment and hour, in the order of CSV_HEADER."""
    return [
        [strip.segment, h.hour, h.calls, h.answered, round(h.estimate, 4)]
        for strip in strips
        for h in strip.hours
    ]
