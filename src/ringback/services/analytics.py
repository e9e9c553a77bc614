"""Analytics for the web page and `ringback stats`: load aggregated rows, shape them.

The database does the counting (GROUP BY); domain/analytics.py turns the groups into
charts. Visibility (domain/access.py): a rep's figures cover the team's contacts and
their own; owners and admins see everyone's.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ringback.domain.access import TEAM, Actor, contact_filter
from ringback.domain.analytics import (
    WEEKDAYS,
    Cell,
    Distribution,
    Stage,
    VariantRate,
    add_cells,
    callback_rates,
    cells_from_data,
    cells_to_data,
    distribution,
    funnel,
    heatmap,
)
from ringback.services.contacts import UowFactory
from ringback.services.ports import StatsFilter, UnitOfWork

logger = logging.getLogger(__name__)
CHARTS = ("heatmap", "callbacks", "funnel", "attempts", "touches")
HEATMAP_KEY = "analytics.heatmap"  # + the scope: stored cells, in the team settings store
HEATMAP_RECOUNT = timedelta(days=1)


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
    uow_factory: UowFactory,
    scope: StatsFilter,
    charts: Collection[str] = CHARTS,
    *,
    now: datetime | None = None,
    reader: UowFactory | None = None,
) -> Stats:
    """Every chart in `charts` (the others are left empty: a CSV download needs one).

    Reads through `reader` when given (read-only units of work: on SQLite they never
    hold up writers). With `now`, the heatmap is kept up to date incrementally
    (`_heatmap`) and its counts stored through `uow_factory`.
    """
    cells, rates, stages = heatmap([]), list[VariantRate](), funnel([])
    attempts = touches = distribution({})
    to_store: dict[str, object] | None = None
    with (reader or uow_factory)() as uow:
        figures = uow.analytics
        if "heatmap" in charts:
            cells, to_store = _heatmap(uow, scope, now)
        if "callbacks" in charts:
            rates = callback_rates(figures.messages(scope), figures.answers(scope))
        if "funnel" in charts:
            stages = funnel(figures.funnel_counts(scope))
        if "attempts" in charts or "touches" in charts:
            attempts, touches = _attempt_shapes(figures.reached_attempts(scope))
    if to_store is not None and now is not None:
        _store(uow_factory, to_store, now)
    return Stats(cells, rates, stages, attempts, touches)


def _heatmap(
    uow: UnitOfWork, scope: StatsFilter, now: datetime | None
) -> tuple[list[Cell], dict[str, object] | None]:
    """The heatmap's cells, from the stored cells of this scope plus the calls logged since.

    Touches are append-only, so the cells of the touches up to id N never change and
    only touches with a higher id need reading. A full recount runs once the stored
    cells are HEATMAP_RECOUNT old: it catches what an append cannot show (a contact
    deleted, moved to another owner, segment or zone).
    """
    if now is None:
        return heatmap(uow.analytics.call_hours(scope)), None
    key = f"{HEATMAP_KEY}:{_scope_key(scope)}"
    upto = uow.analytics.newest_touch_id()
    stored = uow.settings.get(key)
    base, after, counted_at = _stored_cells(stored, now)
    fresh = heatmap(uow.analytics.call_hours(scope, after, upto))
    cells = add_cells(base, fresh) if base is not None else fresh
    data = {"cells": cells_to_data(cells), "upto": upto, "counted_at": counted_at.isoformat()}
    return cells, {key: data}


def _store(uow_factory: UowFactory, values: Mapping[str, object], now: datetime) -> None:
    try:
        with uow_factory() as uow:
            for key, value in values.items():
                uow.settings.save(key, value, now)
            uow.commit()
    except Exception:  # only saves work next time: e.g. a concurrent page view stored it
        logger.warning("the heatmap's counts could not be stored", exc_info=True)


def _stored_cells(data: object, now: datetime) -> tuple[list[Cell] | None, int, datetime]:
    """(cells, counted up to this touch id, when the full count ran); nothing usable:
    (None, 0, now), a full count."""
    if not isinstance(data, dict):
        return None, 0, now
    cells = cells_from_data(data.get("cells"))
    try:
        counted_at = datetime.fromisoformat(str(data["counted_at"]))
        upto = int(data["upto"])
    except (KeyError, TypeError, ValueError):
        return None, 0, now
    if cells is None or now - counted_at >= HEATMAP_RECOUNT or now < counted_at:
        return None, 0, now
    return cells, upto, counted_at


def _scope_key(scope: StatsFilter) -> str:
    owners = scope.visible.owners
    seen = "*" if owners is None else ",".join(sorted(o or TEAM for o in owners))
    return f"{seen}|{scope.segment or ''}|{scope.user or ''}"


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
