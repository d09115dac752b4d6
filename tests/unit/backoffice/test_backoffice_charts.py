from decimal import Decimal

from loans.backoffice.charts import PLOT_BOTTOM, PLOT_TOP, bar_chart


def test_bars_scale_to_the_largest_value_and_label_in_the_unit() -> None:
    chart = bar_chart(
        title="t",
        points=[("a", Decimal("6406.15")), ("b", Decimal("0")), ("c", Decimal("12812300"))],
        unit=Decimal(1_000_000),
    )

    a, b, c = chart.bars
    assert c.height == PLOT_BOTTOM - PLOT_TOP
    assert (b.height, b.value) == (0, "0")
    assert a.value == "0.01"  # a small amount is not shown as a bare 0
    assert c.value == "13"
    assert a.y == PLOT_BOTTOM - a.height


def test_a_chart_of_zeros_has_no_bars_above_the_baseline() -> None:
    chart = bar_chart(title="t", points=[("a", 0), ("b", 0)])
    assert all(bar.height == 0 and bar.y == PLOT_BOTTOM for bar in chart.bars)
