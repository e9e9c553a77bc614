"""Reached-over-time per policy as a small hand-written SVG line chart."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ringback.simulate.run import Result

WIDTH, HEIGHT = 720, 400
LEFT, RIGHT, TOP, BOTTOM = 60, 170, 30, 50
COLOURS = ("#1b6ca8", "#d1495b", "#edae49", "#2e933c", "#6c4f9e", "#444444")


def reached_svg(results: Sequence[Result], title: str = "Share of contacts reached") -> str:
    """An SVG document: one line per policy, share reached (0–100 %) by day."""
    days = max((len(r.reached_by_day) for r in results), default=1) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: int) -> float:
        return LEFT + plot_w * day / days

    def y(share: float) -> float:
        return TOP + plot_h * (1 - share)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="18" font-size="14">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 20):
        ty = y(tick / 100)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ddd"/>'
        )
        parts.append(f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end">{tick}%</text>')
    step = max(1, days // 10)
    for day in range(0, days + 1, step):
        parts.append(
            f'<text x="{x(day):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{day}</text>'
        )
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 10}" text-anchor="middle">day</text>')
    for index, result in enumerate(results):
        colour = COLOURS[index % len(COLOURS)]
        total = result.population or 1
        points = [(x(0), y(0.0))]
        points += [(x(d + 1), y(n / total)) for d, n in enumerate(result.reached_by_day)]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        ly = TOP + 20 * index + 10
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 15}" x2="{WIDTH - RIGHT + 35}" y1="{ly}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
        parts.append(f'<text x="{WIDTH - RIGHT + 40}" y="{ly + 4}">{escape(result.policy)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
