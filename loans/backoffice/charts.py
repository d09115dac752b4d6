"""Server-rendered SVG bar charts for the dashboard: geometry computed here, drawn by the
template (no JavaScript, no CDN; the CSP allows inline SVG markup)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
HEIGHT = 220
PLOT_TOP = 20
PLOT_BOTTOM = 180  # bars end here; labels below


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: str  # shown above the bar
    x: int
    y: int
    width: int
    height: int
    label_x: int


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = PLOT_BOTTOM


def bar_chart(
    *, title: str, points: Sequence[tuple[str, Decimal | int]], unit: Decimal = Decimal(1)
) -> BarChart:
    """Lay out one bar per point, scaled to the largest value; values shown divided by unit."""
    top = max((Decimal(value) for _, value in points), default=Decimal(0))
    slot = WIDTH // max(1, len(points))
    bar_width = max(4, slot * 3 // 5)
    bars = []
    for index, (label, value) in enumerate(points):
        height = int((PLOT_BOTTOM - PLOT_TOP) * Decimal(value) / top) if top > 0 else 0
        x = index * slot + (slot - bar_width) // 2
        bars.append(
            Bar(
                label=label,
                value=_shown(Decimal(value) / unit),
                x=x,
                y=PLOT_BOTTOM - height,
                width=bar_width,
                height=height,
                label_x=x + bar_width // 2,
            )
        )
    return BarChart(title=title, bars=tuple(bars))


def _shown(amount: Decimal) -> str:
    """Whole units with separators; small non-zero amounts keep two decimals (not a bare 0)."""
    if amount and abs(amount) < 10:
        return f"{amount:,.2f}"
    return f"{amount:,.0f}"
