"""The portfolio's summaries for the dashboard (daily flows and roll rates, issue #6) and the
month-end five-level classification with its provisions (issue #19, PRODUCT §13).

Written only by ``loans.reporting.services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from loans.domain.classification import ProvisionStage, RiskClass
from loans.fields import ZERO, money_field, rate_field


class PortfolioDay(models.Model):
    """The portfolio's flows on one value date, from the ledger (the dashboard's summary table).

    Refreshed set-based per date by ``portfolio_day_refresh`` (close of business calls it for
    the date it closes; ``manage.py portfolio_days_refresh`` back-fills). Summing a year of
    these rows replaces a scan of millions of journal lines on every dashboard view.
    """

    value_date = models.DateField(primary_key=True, verbose_name=_("value date"))
    disbursed_amount = money_field(default=ZERO, verbose_name=_("principal disbursed"))
    disbursed_count = models.PositiveIntegerField(default=0, verbose_name=_("loans disbursed"))
    interest_accrued_amount = money_field(default=ZERO, verbose_name=_("interest accrued amount"))
    interest_collected_amount = money_field(
        default=ZERO, verbose_name=_("interest collected amount")
    )
    principal_collected_amount = money_field(
        default=ZERO, verbose_name=_("principal collected amount")
    )
    refreshed_at = models.DateTimeField(auto_now=True, verbose_name=_("refreshed at"))

    class Meta:
        verbose_name = _("portfolio day")
        verbose_name_plural = _("portfolio days")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_portfolioday"
        ordering = ["-value_date"]
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

    as_of = models.DateField(primary_key=True, verbose_name=_("as of"))
    window_start = models.DateField(verbose_name=_("window start"))
    cells = models.JSONField(default=dict, verbose_name=_("roll-rate matrix"))
    refreshed_at = models.DateTimeField(auto_now=True, verbose_name=_("refreshed at"))

    class Meta:
        verbose_name = _("roll-rate summary")
        verbose_name_plural = _("roll-rate summaries")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_rollratesummary"
        ordering = ["-as_of"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__lt=models.F("as_of")), name="roll_rate_window_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"Roll rates of ({self.window_start}, {self.as_of}]"


class LoanStock(models.Model):
    """Changes to the active loans' stock by bucket: summed per bucket, the dashboard's stock.

    The application never writes it. Triggers on ``loans_loan`` (migration reporting 0009)
    add each change in active loans and their principal outstanding per bucket, in the
    changing transaction: the sum over any snapshot equals ``GROUP BY bucket`` over the active
    loans of that snapshot, read from a few rows instead of millions of loans (issue #20).
    Inserts only, so concurrent writers never wait on each other; ``loan_stock_compact`` folds
    the rows into one per bucket (docs/backoffice.md "The stock by bucket").
    """

    bucket = models.CharField(max_length=8, verbose_name=_("bucket"))
    loans = models.BigIntegerField(verbose_name=_("loans"))
    principal_amount = models.DecimalField(
        max_digits=18, decimal_places=2, verbose_name=_("principal outstanding amount")
    )

    class Meta:
        verbose_name = _("loan stock change")
        verbose_name_plural = _("loan stock changes")
        db_table = "loans_loanstock"
        default_permissions = ()  # nobody edits it; the dashboard's permission shows it

    def __str__(self) -> str:
        return f"{self.bucket}: {self.loans:+} loans, {self.principal_amount:+}"


def _optional_money(
    verbose_name: StrOrPromise,
) -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, null=True, blank=True)


_REVOLVING_FIGURES = (
    "credit_limit_amount",
    "overdue_terms",
    "overdue_amount",
    "overdue_31_60_principal_amount",
    "overdue_61_90_principal_amount",
    "overdue_91_180_principal_amount",
    "overdue_over_180_principal_amount",
)


class LoanRiskClass(models.TextChoices):
    """The five regulatory classes (五级分类, PRODUCT §13); values are the domain's."""

    NORMAL = RiskClass.NORMAL.value, _("Normal")
    SPECIAL_MENTION = RiskClass.SPECIAL_MENTION.value, _("Special mention")
    SUBSTANDARD = RiskClass.SUBSTANDARD.value, _("Substandard")
    DOUBTFUL = RiskClass.DOUBTFUL.value, _("Doubtful")
    LOSS = RiskClass.LOSS.value, _("Loss")


class LoanClassification(models.Model):
    """A loan's or a revolving account's five-level class and provision stage at one month end
    (PRODUCT §13): exactly one of ``loan`` and ``revolving_account`` is set.

    Written set-based by ``loans_classify`` for every loan on the books at ``month_end`` (and
    the loans written off during that month, as LOSS) and every revolving account open at it.
    ``principal_outstanding_amount`` is the principal receivable at the end of ``month_end``
    (the exposure), and ``provision_amount`` = round(principal * ``provision_rate``, 2)
    HALF_UP. The ledger's LOAN_LOSS_PROVISION account holds the sum of ``provision_amount`` of
    the latest month end, loans and revolving accounts together (``manage.py reconcile``
    checks it).

    A revolving account's row also keeps what the credit bureau is told of that month end and
    cannot be read back later (its bills' unpaid minimums then): the credit limit, the bills
    overdue (own minimum unpaid after the pay-by date), their unpaid minimum, and its principal
    part by age. These columns are empty on a loan's row (a loan's schedule keeps its history).
    """

    loan = models.ForeignKey(
        "servicing.Loan",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        null=True,
        blank=True,
        verbose_name=_("loan"),
    )
    revolving_account = models.ForeignKey(
        "revolving.RevolvingAccount",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the unique (account, month end) index leads with it
        null=True,
        blank=True,
        verbose_name=_("revolving account"),
    )
    month_end = models.DateField(_("month end"))
    risk_class = models.CharField(_("risk class"), max_length=16, choices=LoanRiskClass.choices)
    provision_stage = models.PositiveSmallIntegerField(_("provision stage"))
    days_past_due = models.PositiveIntegerField(_("days past due"))
    principal_outstanding_amount = money_field(verbose_name=_("principal outstanding"))
    provision_rate = rate_field(verbose_name=_("provision rate"))
    provision_amount = money_field(verbose_name=_("provision"))
    classified_at = models.DateTimeField(_("classified at"))
    # A revolving account's month end as the bureau export reads it (empty for a loan).
    credit_limit_amount = _optional_money(_("credit limit"))
    overdue_terms = models.PositiveSmallIntegerField(_("overdue bills"), null=True, blank=True)
    overdue_amount = _optional_money(_("overdue minimum"))
    overdue_31_60_principal_amount = _optional_money(_("overdue principal, 31-60 days"))
    overdue_61_90_principal_amount = _optional_money(_("overdue principal, 61-90 days"))
    overdue_91_180_principal_amount = _optional_money(_("overdue principal, 91-180 days"))
    overdue_over_180_principal_amount = _optional_money(_("overdue principal, over 180 days"))

    class Meta:
        ordering = ["-month_end", "loan", "revolving_account"]
        verbose_name = _("loan classification")
        verbose_name_plural = _("loan classifications")
        indexes = [
            models.Index(fields=["month_end", "provision_stage"], name="loan_classification_month")
        ]
        constraints = [
            models.UniqueConstraint(fields=["loan", "month_end"], name="loan_classification_once"),
            models.UniqueConstraint(
                fields=["revolving_account", "month_end"],
                condition=Q(revolving_account__isnull=False),
                name="revolving_classification_once",
            ),
            # A loan's row, or a revolving account's with its bureau figures.
            models.CheckConstraint(
                condition=Q(
                    loan__isnull=False,
                    revolving_account__isnull=True,
                    **{f"{field}__isnull": True for field in _REVOLVING_FIGURES},
                )
                | Q(
                    loan__isnull=True,
                    revolving_account__isnull=False,
                    **{f"{field}__isnull": False for field in _REVOLVING_FIGURES},
                ),
                name="classification_loan_or_account",
            ),
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
        subject = (
            f"Loan {self.loan_id}"
            if self.loan_id is not None
            else f"Revolving account {self.revolving_account_id}"
        )
        return f"{subject} at {self.month_end}: {self.risk_class}"


class BureauRunKind(models.TextChoices):
    """A month's first export (every account) or a later one (corrections only)."""

    FULL = "FULL", _("Full month")
    CORRECTIONS = "CORRECTIONS", _("Corrections only")


class BureauRun(models.Model):
    """One run of ``bureau_export`` (PRODUCT §13): its month, its file and its counts.

    Kept for ever and never rewritten: the file is created once (never opened for writing
    again) and its SHA-256 recorded here; a later run of the same month is a new run carrying
    only corrections. Written only by ``loans.reporting.services.bureau``.
    """

    month = models.DateField(_("month"))  # the month's first day
    kind = models.CharField(_("kind"), max_length=12, choices=BureauRunKind.choices)
    writer = models.CharField(_("layout"), max_length=32)
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    records_count = models.PositiveIntegerField(_("records"), default=0)
    corrections_count = models.PositiveIntegerField(_("corrections"), default=0)
    rejects_count = models.PositiveIntegerField(_("rejects"), default=0)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("bureau export run")
        verbose_name_plural = _("bureau export runs")
        constraints = [
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(kind="FULL"),
                name="bureau_run_one_full_per_month",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BureauRunKind.values), name="bureau_run_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Bureau run {self.pk} ({self.month:%Y-%m}, {self.kind})"


class BureauRecordKind(models.TextChoices):
    BASE = "BASE", _("Monthly record")
    CORRECTION = "CORRECTION", _("Correction")


class BureauRecord(models.Model):
    """One account's record of one month in a run, or its reject (``reject_reason`` set): a
    loan's or a revolving account's (exactly one of ``loan`` and ``revolving_account``).

    ``digest`` is the SHA-256 of the month's own figures (the record without identity and
    without the 24-month string): a later run recomputes a month touched by a back-dated change
    and sends a correction only when the digest differs from the one last sent. ``data`` keeps
    a reject's record (without the identity number) for the back office; a sent record is in
    the run's file. Never updated or deleted.
    """

    run = models.ForeignKey(
        BureauRun, on_delete=models.PROTECT, related_name="records", verbose_name=_("run")
    )
    # No foreign key in the database for the account: a run writes a record for every open
    # account of the month, and 1,000,000 deferred key checks at its commit cost the export 10 s
    # on one core (issue #19, measured). The records are a log of what was reported and keep
    # their rows whatever becomes of the account; loans and accounts are never deleted anyway
    # (PROTECT, and the ledger's lines point at them).
    loan = models.ForeignKey(
        "servicing.Loan",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
        null=True,
        blank=True,
        verbose_name=_("loan"),
    )
    revolving_account = models.ForeignKey(
        "revolving.RevolvingAccount",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,  # bureau_record_account_month leads with it
        null=True,
        blank=True,
        verbose_name=_("revolving account"),
    )
    month = models.DateField(_("month"))  # the reported month's first day
    kind = models.CharField(_("kind"), max_length=12, choices=BureauRecordKind.choices)
    digest = models.CharField(_("figures digest"), max_length=64)
    reject_reason = models.CharField(_("reject reason"), max_length=32, blank=True)
    data = models.JSONField(_("rejected record"), null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("bureau record")
        verbose_name_plural = _("bureau records")
        indexes = [
            models.Index(fields=["loan", "month", "run"], name="bureau_record_loan_month"),
            models.Index(
                fields=["run", "id"],
                condition=~Q(reject_reason=""),
                name="bureau_record_rejects",
            ),
            models.Index(
                fields=["revolving_account", "month", "run"],
                condition=Q(revolving_account__isnull=False),
                name="bureau_record_account_month",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "loan", "month"], name="bureau_record_once"),
            models.UniqueConstraint(
                fields=["run", "revolving_account", "month"],
                condition=Q(revolving_account__isnull=False),
                name="bureau_record_account_once",
            ),
            models.CheckConstraint(
                condition=Q(loan__isnull=False, revolving_account__isnull=True)
                | Q(loan__isnull=True, revolving_account__isnull=False),
                name="bureau_record_loan_or_account",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BureauRecordKind.values), name="bureau_record_kind_known"
            ),
        ]

    def __str__(self) -> str:
        subject = (
            f"loan {self.loan_id}"
            if self.loan_id is not None
            else f"revolving account {self.revolving_account_id}"
        )
        return f"Bureau record of {subject} for {self.month:%Y-%m} ({self.kind})"
