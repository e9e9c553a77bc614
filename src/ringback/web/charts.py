"""Charts as plain server-rendered SVG: no JavaScript, readable without colour (every
shape has a <title> with its figures, and each chart has a CSV twin)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from markupsafe import Markup, escape

from ringback.domain.analytics import WEEKDAYS, Cell, Distribution, Stage, VariantRate
from ringback.domain.best_time import SegmentStrip, SlotRate

CELL_W, CELL_H, LEFT, TOP = 26, 22, 40, 18
BAR_H, BAR_GAP, LABEL_W, PLOT_W = 20, 6, 170, 360
STRIP_LABEL_W = 150
BEST_TIME_LABEL = "Best time to call: estimated answer rate by the contact's local hour"
BEST_WEEK_LABEL = "Best time to call: estimated answer rate by local weekday and hour"


def _svg(width: int, height: int, label: str, body: Sequence[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}" '
        'class="chart" font-family="sans-serif" font-size="11">'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def _shade(rate: float | None) -> str:
    """White (0 %) to deep green (100 %); grey where nothing was tried."""
    if rate is None:
        return "#eeeeee"
    light = round(95 - 65 * rate)
    return f"hsl(140, 55%, {light}%)"


def heatmap_svg(cells: Sequence[Cell]) -> Markup:
    """Rows Monday…Sunday, columns 0…23 h (the contact's local time)."""
    body = [_text(LEFT + h * CELL_W + CELL_W / 2, 12, f"{h:02d}", "middle") for h in range(24)]
    for day, name in enumerate(WEEKDAYS):
        body.append(_text(4, TOP + day * CELL_H + 15, name))
    for cell in cells:
        x, y = LEFT + cell.hour * CELL_W, TOP + cell.weekday * CELL_H
        rate = cell.rate
        shown = (
            "no calls" if rate is None else f"{cell.answered}/{cell.calls} answered ({rate:.0%})"
        )
        body.append(
            f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
            f'fill="{_shade(rate)}"><title>{WEEKDAYS[cell.weekday]} {cell.hour:02d}h: '
            f"{escape(shown)}</title></rect>"
        )
    width, height = LEFT + 24 * CELL_W, TOP + 7 * CELL_H
    return _svg(width, height, "Connect rate by the contact's local weekday and hour", body)


def bars_svg(label: str, bars: Sequence[tuple[str, int, str]]) -> Markup:
    """Horizontal bars: (label, value, note shown after the bar)."""
    biggest = max((value for _, value, _ in bars), default=0) or 1
    body: list[str] = []
    for i, (name, value, note) in enumerate(bars):
        y = i * (BAR_H + BAR_GAP)
        length = PLOT_W * value / biggest
        body.append(_text(LABEL_W - 6, y + 14, name, "end"))
        body.append(
            f'<rect x="{LABEL_W}" y="{y}" width="{length:.1f}" height="{BAR_H}" fill="#3b7dd8">'
            f"<title>{escape(name)}: {value} {escape(note)}</title></rect>"
        )
        body.append(_text(LABEL_W + length + 4, y + 14, f"{value} {note}".strip()))
    height = max(1, len(bars)) * (BAR_H + BAR_GAP)
    return _svg(LABEL_W + PLOT_W + 120, height, label, body)


def funnel_svg(stages: Sequence[Stage]) -> Markup:
    bars = [
        (s.name, s.contacts, "" if s.of_previous is None else f"({s.of_previous:.0%} of previous)")
        for s in stages
    ]
    return bars_svg("Funnel: new, reached, engaged, won", bars)


def distribution_svg(label: str, shape: Distribution) -> Markup:
    return bars_svg(label, [(b.label, b.contacts, "") for b in shape.bars])


def intervals_svg(rates: Sequence[VariantRate]) -> Markup:
    """Each variant's call-back rate as a dot on its 95 % Wilson interval, 0–100 %."""
    body: list[str] = []
    for i, rate in enumerate(rates):
        y = i * (BAR_H + BAR_GAP) + BAR_H / 2
        low, high, dot = (LABEL_W + PLOT_W * v for v in (rate.low, rate.high, rate.rate))
        body.append(_text(LABEL_W - 6, y + 4, rate.template, "end"))
        body.append(
            f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{y}" y2="{y}" stroke="#555" '
            'stroke-width="2"/>'
        )
        body.append(
            f'<circle cx="{dot:.1f}" cy="{y}" r="4" fill="#d8633b"><title>'
            f"{escape(rate.template)}: {rate.called_back}/{rate.sent} called back "
            f"({rate.rate:.0%}; 95% {rate.low:.0%}–{rate.high:.0%})</title></circle>"
        )
        body.append(_text(LABEL_W + PLOT_W + 8, y + 4, f"{rate.called_back}/{rate.sent}"))
    height = max(1, len(rates)) * (BAR_H + BAR_GAP)
    return _svg(LABEL_W + PLOT_W + 80, height, "Call-back rate per template variant", body)


def best_time_svg(strips: Sequence[SegmentStrip]) -> Markup:
    """One strip per segment, columns 0…23 h local (R16)."""
    rows = [(strip.segment, strip.hours) for strip in strips]
    return _rate_grid(rows, STRIP_LABEL_W, BEST_TIME_LABEL)


def best_week_svg(week: Sequence[SlotRate]) -> Markup:
    """Rows Monday…Sunday, columns 0…23 h local: the estimates the planner samples."""
    rows = [(name, [s for s in week if s.weekday == day]) for day, name in enumerate(WEEKDAYS)]
    return _rate_grid(rows, LEFT, BEST_WEEK_LABEL)


class _Rated(Protocol):
    @property
    def hour(self) -> int: ...
    @property
    def estimate(self) -> float: ...
    @property
    def calls(self) -> int: ...
    @property
    def answered(self) -> int: ...


def _rate_grid(rows: Sequence[tuple[str, Sequence[_Rated]]], left: int, label: str) -> Markup:
    """Labelled rows of 24 hours: shaded by the estimated answer rate where calls were
    made, with the percentage; grey where none were."""
    shade = _relative_shade([c.estimate for _, cells in rows for c in cells if c.calls])
    body = [_text(left + h * CELL_W + CELL_W / 2, 12, f"{h:02d}", "middle") for h in range(24)]
    for row, (name, cells) in enumerate(rows):
        y = TOP + row * CELL_H
        body.append(_text(left - 6, y + 15, name, "end"))
        for cell in cells:
            x = left + cell.hour * CELL_W
            shown = f"{cell.estimate:.0%} estimated, {cell.answered}/{cell.calls} calls answered"
            fill = shade(cell.estimate) if cell.calls else _shade(None)
            body.append(
                f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'fill="{fill}"><title>{escape(name)} {cell.hour:02d}h: '
                f"{escape(shown)}</title></rect>"
            )
            if cell.calls:
                percent = f"{cell.estimate * 100:.0f}"
                body.append(_text(x + CELL_W / 2 - 1, y + 14, percent, "middle"))
    width, height = left + 24 * CELL_W, TOP + max(1, len(rows)) * CELL_H
    return _svg(width, height, label, body)


def _relative_shade(estimates: Sequence[float]) -> Callable[[float], str]:
    """Estimates sit in a narrow band: shades run from the lowest shown to the highest."""
    low, high = min(estimates, default=0.0), max(estimates, default=1.0)
    if high <= low:
        return lambda _: _shade(0.5)
    return lambda estimate: _shade(0.15 + 0.85 * (estimate - low) / (high - low))
