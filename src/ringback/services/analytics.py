"""Analytics for the web page and `ringback stats`: load aggregated rows, shape them.

The database does the counting (GROUP BY); domain/analytics.py turns the groups into
charts. Visibility (domain/access.py): a rep's figures cover the team's contacts and
their own; owners and admins see everyone's.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ringback.domain.access import Actor, contact_filter
from ringback.domain.analytics import (
    WEEKDAYS,
    Cell,
    Distribution,
    Stage,
    VariantRate,
    callback_rates,
    distribution,
    funnel,
    heatmap,
)
from ringback.services.contacts import UowFactory
from ringback.services.ports import StatsFilter

CHARTS = ("heatmap", "callbacks", "funnel", "attempts", "touches")


@dataclass(frozen=True)
class Stats:
    heatmap: list[Cell]
    callbacks: list[VariantRate]
    funnel: list[Stage]
    attempts: Distribution  # attempts to first connect
    touches: Distribution  # attempts per reached contact


def stats_filter(actor: Actor, segment: str | None = None, user: str | None = None) -> StatsFilter:
    return StatsFilter(contact_filter(actor), segment or None, user or None)


def load_stats(
    uow_factory: UowFactory, scope: StatsFilter, charts: Collection[str] = CHARTS
) -> Stats:
    """Every chart in `charts` (the others are left empty: a CSV download needs one)."""
    cells, rates, stages = heatmap([]), list[VariantRate](), funnel([])
    attempts = touches = distribution({})
    with uow_factory() as uow:
        figures = uow.analytics
        if "heatmap" in charts:
            cells = heatmap(figures.call_hours(scope))
        if "callbacks" in charts:
            rates = callback_rates(figures.messages(scope), figures.answers(scope))
        if "funnel" in charts:
            stages = funnel(figures.funnel_counts(scope))
        if "attempts" in charts or "touches" in charts:
            attempts, touches = _attempt_shapes(figures.reached_attempts(scope))
    return Stats(cells, rates, stages, attempts, touches)


def _attempt_shapes(pairs: Mapping[tuple[int, int], int]) -> tuple[Distribution, Distribution]:
    to_first: Counter[int] = Counter()
    total: Counter[int] = Counter()
    for (first, every), contacts in pairs.items():
        to_first[first] += contacts
        total[every] += contacts
    return distribution(to_first), distribution(total)


def chart_rows(stats: Stats, chart: str) -> tuple[list[str], list[list[object]]]:
    """The header and rows of one chart, for CSV downloads and tables."""
    if chart == "heatmap":
        return ["weekday", "hour", "calls", "answered", "connect_rate"], [
            [WEEKDAYS[c.weekday], c.hour, c.calls, c.answered, _round(c.rate)]
            for c in stats.heatmap
        ]
    if chart == "callbacks":
        return ["template", "sent", "called_back", "rate", "low_95", "high_95"], [
            [v.template, v.sent, v.called_back, _round(v.rate), _round(v.low), _round(v.high)]
            for v in stats.callbacks
        ]
    if chart == "funnel":
        return ["stage", "contacts", "of_previous", "of_first"], [
            [s.name, s.contacts, _round(s.of_previous), _round(s.of_first)] for s in stats.funnel
        ]
    if chart in ("attempts", "touches"):
        shape = stats.attempts if chart == "attempts" else stats.touches
        return ["attempts", "contacts"], [[b.label, b.contacts] for b in shape.bars]
    raise KeyError(chart)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


def stats_as_dict(stats: Stats) -> dict[str, object]:
    """The JSON shape of every chart: {chart: [ {column: value} ]} plus summaries."""
    data: dict[str, object] = {}
    for chart in CHARTS:
        header, rows = chart_rows(stats, chart)
        data[chart] = [dict(zip(header, row, strict=True)) for row in rows]
    data["summary"] = {
        "attempts_to_first_connect": _summary(stats.attempts),
        "attempts_per_reached_contact": _summary(stats.touches),
    }
    return data


def _summary(shape: Distribution) -> dict[str, object]:
    return {"contacts": shape.total, "mean": _round(shape.mean), "median": shape.median}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
