"""The Analytics page and its CSV downloads (/analytics, /analytics/<chart>.csv).

Filters by segment and by the user who logged the touches; figures cover only the
contacts the signed-in user may see (domain/access.py).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from ringback.services.analytics import CHARTS, chart_rows, load_stats, stats_filter, to_csv
from ringback.services.best_time import (
    STRIPS_HEADER,
    WEEK_HEADER,
    best_time,
    strip_rows,
    week_rows,
)
from ringback.web.charts import (
    best_time_svg,
    best_week_svg,
    distribution_svg,
    funnel_svg,
    heatmap_svg,
    intervals_svg,
)
from ringback.web.deps import Now, PageUser, ReadUowFactoryDep, UowFactoryDep
from ringback.web.templating import render

router = APIRouter()

Segment = Annotated[str | None, Query(max_length=200)]
UserName = Annotated[str | None, Query(max_length=64)]


@router.get("/analytics", response_class=HTMLResponse)
def analytics(
    request: Request,
    user: PageUser,
    uow_factory: UowFactoryDep,
    reader: ReadUowFactoryDep,
    now: Now,
    segment: Segment = None,
    by: UserName = None,
) -> HTMLResponse:
    scope = stats_filter(user.actor, segment, by)
    figures = load_stats(uow_factory, scope, now=now, reader=reader)
    charts = {
        "heatmap": heatmap_svg(figures.heatmap),
        "callbacks": intervals_svg(figures.callbacks),
        "funnel": funnel_svg(figures.funnel),
        "attempts": distribution_svg("Attempts to first connect", figures.attempts),
        "touches": distribution_svg("Attempts per reached contact", figures.touches),
    }
    best = best_time(uow_factory, segment)
    if best.strips:
        charts["best_time"] = best_time_svg(best.strips)
        charts["best_week"] = best_week_svg(best.week)
    context = {
        "active": "analytics",
        "stats": figures,
        "best_time": best.strips,
        "charts": charts,
        "segment": segment or "",
        "by": by or "",
        "query": _query(segment, by),
    }
    return render(request, "analytics.html", context, user=user)


@router.get("/analytics/best-time.csv")
def best_time_csv(user: PageUser, uow_factory: UowFactoryDep, segment: Segment = None) -> Response:
    """The R16 estimates of the "Best time to call" strips (team-wide counts)."""
    rows = strip_rows(best_time(uow_factory, segment).strips)
    return _csv("best-time", to_csv(STRIPS_HEADER, rows))


@router.get("/analytics/best-time-week.csv")
def best_week_csv(user: PageUser, uow_factory: UowFactoryDep, segment: Segment = None) -> Response:
    """The weekday × hour estimates of one segment, or of all (team-wide counts)."""
    rows = week_rows(best_time(uow_factory, segment).week)
    return _csv("best-time-week", to_csv(WEEK_HEADER, rows))


@router.get("/analytics/{chart}.csv")
def analytics_csv(
    chart: str,
    user: PageUser,
    uow_factory: UowFactoryDep,
    reader: ReadUowFactoryDep,
    now: Now,
    segment: Segment = None,
    by: UserName = None,
) -> Response:
    if chart not in CHARTS:
        raise HTTPException(404, f"no chart named {chart!r}; charts: {', '.join(CHARTS)}")
    scope = stats_filter(user.actor, segment, by)
    figures = load_stats(uow_factory, scope, [chart], now=now, reader=reader)
    return _csv(chart, to_csv(*chart_rows(figures, chart)))


def _csv(name: str, text: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _query(segment: str | None, by: str | None) -> str:
    params = {k: v for k, v in (("segment", segment), ("by", by)) if v}
    return f"?{urlencode(params)}" if params else ""
