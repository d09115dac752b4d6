"""The portfolio's summaries for the dashboard (daily flows and roll rates, issue #6) and the
month-end five-level classification with its provisions (issue #19, PRODUCT §13).

Written only by ``loans.reporting.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loans.domain.classification import ProvisionStage, RiskClass
from loans.fields import ZERO, money_field, rate_field


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


class LoanRiskClass(models.TextChoices):
    """The five regulatory classes (五级分类, PRODUCT §13); values are the domain's."""

    NORMAL = RiskClass.NORMAL.value, _("Normal")
    SPECIAL_MENTION = RiskClass.SPECIAL_MENTION.value, _("Special mention")
    SUBSTANDARD = RiskClass.SUBSTANDARD.value, _("Substandard")
    DOUBTFUL = RiskClass.DOUBTFUL.value, _("Doubtful")
    LOSS = RiskClass.LOSS.value, _("Loss")


class LoanClassification(models.Model):
    """A loan's five-level class and provision stage at one month end (PRODUCT §13).

    Written set-based by ``loans_classify`` for every loan on the books at ``month_end`` (and
    the loans written off during that month, as LOSS). ``principal_outstanding_amount`` is the
    loan's principal receivable at the end of ``month_end`` (the exposure), and
    ``provision_amount`` = round(principal * ``provision_rate``, 2) HALF_UP. The ledger's
    LOAN_LOSS_PROVISION account holds the sum of ``provision_amount`` of the latest month end
    (``manage.py reconcile`` checks it).
    """

    loan = models.ForeignKey(
        "servicing.Loan", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    month_end = models.DateField(_("month end"))
    risk_class = models.CharField(_("risk class"), max_length=16, choices=LoanRiskClass.choices)
    provision_stage = models.PositiveSmallIntegerField(_("provision stage"))
    days_past_due = models.PositiveIntegerField(_("days past due"))
    principal_outstanding_amount = money_field(verbose_name=_("principal outstanding"))
    provision_rate = rate_field(verbose_name=_("provision rate"))
    provision_amount = money_field(verbose_name=_("provision"))
    classified_at = models.DateTimeField(_("classified at"))

    class Meta:
        ordering = ["-month_end", "loan"]
        verbose_name = _("loan classification")
        verbose_name_plural = _("loan classifications")
        indexes = [
            models.Index(fields=["month_end", "provision_stage"], name="loan_classification_month")
        ]
        constraints = [
            models.UniqueConstraint(fields=["loan", "month_end"], name="loan_classification_once"),
            models.CheckConstraint(
                condition=Q(risk_class__in=LoanRiskClass.values),
                name="loan_classification_class_known",
            ),
            models.CheckConstraint(
                condition=Q(provision_stage__in=[int(stage) for stage in ProvisionStage]),
                name="loan_classification_stage_known",
            ),
            models.CheckConstraint(
                condition=Q(principal_outstanding_amount__gte=ZERO)
                & Q(provision_rate__gte=0)
                & Q(provision_rate__lte=1),
                name="loan_classification_rate_and_principal",
            ),
            models.CheckConstraint(
                condition=Q(provision_amount__gte=ZERO)
                & Q(provision_amount__lte=F("principal_outstanding_amount")),
                name="loan_classification_provision_within_principal",
            ),
            # A NORMAL loan is 0 days past due; every other class is past due or LOSS.
            models.CheckConstraint(
                condition=~Q(risk_class=LoanRiskClass.NORMAL) | Q(days_past_due=0),
                name="loan_classification_normal_is_current",
            ),
        ]

    def __str__(self) -> str:
        return f"Loan {self.loan_id} at {self.month_end}: {self.risk_class}"
