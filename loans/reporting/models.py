"""The portfolio's summaries for the dashboard: daily flows and roll rates (issue #6).

Written only by ``loans.reporting.services``; the database keeps one row per date.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from loans.fields import ZERO, money_field


class PortfolioDay(models.Model):
    """The portfolio's flows on one value date, from the ledger (the dashboard's summary table).

    Refreshed set-based per date by ``portfolio_day_refresh`` (close of business calls it for
    the date it closes; ``manage.py portfolio_days_refresh`` back-fills). Summing a year of
    these rows replaces a scan of millions of journal lines on every dashboard view.
    """

    value_date = models.DateField(primary_key=True)
    disbursed_amount = money_field(default=ZERO)
    disbursed_count = models.PositiveIntegerField(default=0)
    interest_accrued_amount = money_field(default=ZERO)
    interest_collected_amount = money_field(default=ZERO)
    principal_collected_amount = money_field(default=ZERO)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_portfolioday"
        ordering = ["-value_date"]
        verbose_name = "portfolio day"
        permissions = [("view_portfolio", "Can view the portfolio dashboard")]

    def __str__(self) -> str:
        return f"Portfolio on {self.value_date}"


class RollRateSummary(models.Model):
    """The roll rates of the window ``(window_start, as_of]``, for the dashboard.

    ``cells`` maps each bucket at the window's start to how many of its loans were in each
    bucket, or ``CLOSED`` (paid off or written off), at its end: ``{"CURRENT": {"CURRENT": 950,
    "M1": 40, "CLOSED": 10}, ...}``; only loans open at the start are counted. Working them out
    reads every bucket change of the window (about 2 s at 1,000,000 loans and 20,000 changes a
    night), so it is done once after each close of business (``roll_rates_refresh``), not on
    every view of the dashboard.
    """

    as_of = models.DateField(primary_key=True)
    window_start = models.DateField()
    cells = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_rollratesummary"
        ordering = ["-as_of"]
        verbose_name = "roll-rate summary"
        verbose_name_plural = "roll-rate summaries"
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__lt=models.F("as_of")), name="roll_rate_window_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"Roll rates of ({self.window_start}, {self.as_of}]"
