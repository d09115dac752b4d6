"""Dashboard charts scaled to the book (#6, #23): the unit follows the largest value, the axis
ends at a round maximum with round gridlines, a negative value hangs below the zero line."""

from decimal import Decimal

from loans.backoffice.charts import PLOT_BOTTOM, PLOT_TOP, bar_chart, chart_unit, nice_step


def test_bars_scale_to_a_round_maximum_and_label_in_the_unit_of_the_book() -> None:
    chart = bar_chart(
        title="t",
        points=[("a", Decimal("6406.15")), ("b", Decimal("0")), ("c", Decimal("12812300"))],
    )

    a, b, c = chart.bars
    assert chart.title == "t (¥ million)"
    # 12.8 million on an axis to 15 (steps of 5): the bar fills 12.8/15 of the plot.
    assert [tick.label for tick in chart.ticks] == ["0", "5", "10", "15"]
    assert abs(c.height - (PLOT_BOTTOM - PLOT_TOP) * Decimal("12.8123") / 15) <= 1
    assert (b.height, b.value) == (0, "0")
    assert a.value == "0.01"  # a small amount is not shown as a bare 0
    assert c.value == "13"
    assert a.y + a.height == chart.baseline == PLOT_BOTTOM


def test_a_small_book_is_drawn_in_thousands_not_as_slivers_of_a_million() -> None:
    chart = bar_chart(title="t", points=[("M1", Decimal("31000.00")), ("M2", Decimal("4000"))])

    assert chart.unit == "¥ thousand"
    assert [bar.value for bar in chart.bars] == ["31", "4"]
    assert chart.bars[0].height > (PLOT_BOTTOM - PLOT_TOP) * 3 // 4  # fills most of the plot


def test_a_negative_value_hangs_below_the_zero_line() -> None:
    chart = bar_chart(title="t", points=[("a", Decimal("300")), ("b", Decimal("-100"))])

    up, down = chart.bars
    assert PLOT_TOP < chart.baseline < PLOT_BOTTOM
    assert up.y + up.height == chart.baseline
    assert (down.negative, down.y) == (True, chart.baseline)
    assert down.height > 0
    assert down.value == "-100"


def test_a_chart_of_zeros_has_no_bars_above_the_baseline() -> None:
    chart = bar_chart(title="t", points=[("a", 0), ("b", 0)])
    assert all(bar.height == 0 and bar.y == chart.baseline for bar in chart.bars)


def test_units_and_steps() -> None:
    assert chart_unit([Decimal("999")])[0] == 1
    assert chart_unit([Decimal("-2500")])[0] == 1000
    assert chart_unit([Decimal("2000000000")])[0] == 1_000_000_000
    assert [nice_step(Decimal(span)) for span in ("4", "9", "13", "31", "0.4")] == [
        Decimal(1),
        Decimal(5),
        Decimal(5),
        Decimal(10),
        Decimal("0.1"),
    ]
