"""Server-rendered SVG bar charts for the dashboard: geometry computed here, drawn by the
template (no JavaScript, no CDN; the CSP allows inline SVG markup).

Charts are scaled to the book (issue #23): the unit (yuan, thousand, million, billion) is chosen
from the largest value so that bars read as 1 to 9,999 units, the axis runs from zero (or the
most negative value) to a round maximum with gridlines at round steps (1, 2 or 5 times a power
of ten), and a negative value is drawn below the zero line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WIDTH = 720
HEIGHT = 240
PLOT_LEFT = 64  # gridline labels to the left of this
PLOT_TOP = 24
PLOT_BOTTOM = 200  # the plot ends here; bar labels below
TICKS = 4  # at most this many steps above (and below) zero

UNITS: list[tuple[Decimal, Promise]] = [
    (Decimal(1), _("¥")),
    (Decimal(1_000), _("¥ thousand")),
    (Decimal(1_000_000), _("¥ million")),
    (Decimal(1_000_000_000), _("¥ billion")),
]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: str  # shown above the bar (below it when negative)
    x: int
    y: int
    width: int
    height: int
    label_x: int
    value_y: int
    negative: bool


@dataclass(frozen=True, slots=True)
class Tick:
    y: int
    label: str


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    unit: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    baseline: int  # the zero line
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PLOT_LEFT
    label_y: int = PLOT_BOTTOM + 16


def chart_unit(values: Sequence[Decimal]) -> tuple[Decimal, str]:
    """The largest unit in which the largest value is at least 1 (yuan for an empty book)."""
    top = max((abs(v) for v in values), default=Decimal(0))
    chosen = UNITS[0]
    for unit in UNITS:
        if top >= unit[0]:
            chosen = unit
    return chosen[0], str(chosen[1])


def nice_step(span: Decimal) -> Decimal:
    """A round step (1, 2 or 5 times a power of ten) dividing ``span`` in at most TICKS."""
    if span <= 0:
        return Decimal(1)
    raw = span / TICKS
    power = Decimal(10) ** (raw.adjusted())
    for factor in (1, 2, 5, 10):
        step = power * factor
        if step >= raw:
            return step
    return power * 10  # pragma: no cover - the loop always returns


def bar_chart(*, title: str, points: Sequence[tuple[str, Decimal | int]]) -> BarChart:
    """One bar per point; values shown in the unit chosen for the chart, axis from the lowest
    value (or zero) to a round maximum."""
    values = [Decimal(value) for _, value in points]
    unit, unit_label = chart_unit(values)
    scaled = [value / unit for value in values]
    step = nice_step(max(max(scaled, default=Decimal(0)), -min(scaled, default=Decimal(0))))
    top = _round_up(max(scaled, default=Decimal(0)), step)
    bottom = -_round_up(-min(scaled, default=Decimal(0)), step)
    span = (top - bottom) or Decimal(1)
    plot = PLOT_BOTTOM - PLOT_TOP

    def y_of(value: Decimal) -> int:
        return PLOT_TOP + int(plot * (top - value) / span)

    zero = y_of(Decimal(0))
    slot = (WIDTH - PLOT_LEFT) // max(1, len(points))
    bar_width = max(4, slot * 3 // 5)
    bars = []
    for index, ((label, _value), value) in enumerate(zip(points, scaled, strict=True)):
        y = y_of(value)
        x = PLOT_LEFT + index * slot + (slot - bar_width) // 2
        negative = value < 0
        bars.append(
            Bar(
                label=label,
                value=_shown(value),
                x=x,
                y=min(y, zero),
                width=bar_width,
                height=abs(zero - y),
                label_x=x + bar_width // 2,
                value_y=y + 13 if negative else y - 4,
                negative=negative,
            )
        )
    ticks = []
    level = bottom
    while level <= top:
        ticks.append(Tick(y=y_of(level), label=_shown(level)))
        level += step
    return BarChart(
        title=str(_("%(title)s (%(unit)s)") % {"title": title, "unit": unit_label}),
        unit=unit_label,
        bars=tuple(bars),
        ticks=tuple(ticks),
        baseline=zero,
    )


def _round_up(value: Decimal, step: Decimal) -> Decimal:
    """The smallest multiple of ``step`` at or above ``value`` (zero for a non-positive one)."""
    if value <= 0:
        return Decimal(0)
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def _shown(amount: Decimal) -> str:
    """Whole units with separators; small non-zero amounts keep two decimals (not a bare 0)."""
    if amount and abs(amount) < 10:
        return f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{amount:,.0f}"
