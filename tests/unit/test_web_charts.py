"""Server-rendered SVG charts: figures in the titles, names escaped, shapes placed."""

from __future__ import annotations

from ringback.domain.analytics import Cell, VariantRate, distribution, funnel
from ringback.domain.answer_rates import Cell as Slot
from ringback.domain.answer_rates import Tally
from ringback.domain.best_time import best_time_strips
from ringback.web.charts import (
    best_time_svg,
    distribution_svg,
    funnel_svg,
    heatmap_svg,
    intervals_svg,
)


def test_heatmap_has_a_cell_per_hour_with_its_counts() -> None:
    cells = [Cell(d, h, 0, 0) for d in range(7) for h in range(24)]
    cells[9] = Cell(0, 9, 10, 4)
    svg = str(heatmap_svg(cells))
    assert svg.count("<rect") == 7 * 24
    assert "<title>Mon 09h: 4/10 answered (40%)</title>" in svg
    assert "<title>Sun 23h: no calls</title>" in svg
    assert 'fill="#eeeeee"' in svg  # untried cells are grey


def test_variant_names_are_escaped_and_intervals_drawn() -> None:
    rate = VariantRate("<vm>:a&b", 20, 8, 0.2188, 0.6134)
    svg = str(intervals_svg([rate]))
    assert "<vm>" not in svg and "&lt;vm&gt;:a&amp;b" in svg
    assert "8/20 called back (40%; 95% 22%–61%)" in svg
    assert svg.count("<line") == 1 and svg.count("<circle") == 1


def test_funnel_and_distribution_bars_scale_to_the_largest() -> None:
    svg = str(funnel_svg(funnel([("new", 200), ("reached", 50)])))
    assert 'width="360.0"' in svg and 'width="90.0"' in svg
    assert "(25% of previous)" in svg
    bars = str(distribution_svg("Attempts", distribution({1: 2, 3: 4})))
    assert bars.count("<rect") == 10


def test_best_time_strips_show_called_hours_darker_for_higher_estimates() -> None:
    counts = {Slot("<b>", 0, 9): Tally(1, 10), Slot("<b>", 0, 13): Tally(9, 10)}
    svg = str(best_time_svg(best_time_strips(counts)))
    assert svg.count("<rect") == 2 * 24  # all segments, then the one segment
    assert "&lt;b&gt; 13h: " in svg and "9/10 calls answered</title>" in svg
    assert "&lt;b&gt; 03h: " in svg and "0/0 calls answered" in svg
    assert svg.count('fill="#eeeeee"') == 2 * 22  # never-called hours are grey
    assert "hsl(140, 55%, 30%)" in svg  # the highest estimate, darkest
    assert "hsl(140, 55%, 85%)" in svg  # the lowest shown, lightest
