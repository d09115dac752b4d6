"""The collections desk (issue #6): who works an overdue loan, what was said, what was promised,
and the portfolio's daily flows for the dashboard.

Written only by ``loans.services.collections_desk``, ``loans.services.portfolio_days`` and
``loans.services.roll_rates``; the database keeps the invariants (a positive promise, an outcome
dated once resolved, one agent per loan, one summary row per date).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from loans.models.fields import ZERO, money_field
from loans.models.loans import Loan


class OverdueLoan(Loan):
    """The collections worklist: a proxy of Loan with its own admin and permissions."""

    class Meta:
        proxy = True
        verbose_name = "overdue loan"
        verbose_name_plural = "collections worklist"


class CollectionAssignment(models.Model):
    """The agent working an overdue loan; one per loan, re-assigned in place."""

    loan = models.OneToOneField(
        Loan, on_delete=models.PROTECT, related_name="collection_assignment"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="collection_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["agent", "loan"])]

    def __str__(self) -> str:
        return f"Loan {self.loan_id} → user {self.agent_id}"


class ContactChannel(models.TextChoices):
    PHONE = "PHONE", "Phone call"
    SMS = "SMS", "SMS"
    EMAIL = "EMAIL", "Email"
    VISIT = "VISIT", "Visit"
    OTHER = "OTHER", "Other"


class ContactNote(models.Model):
    """A contact with the borrower about an overdue loan. Append-only."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="contact_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=ContactChannel.choices)
    business_date = models.DateField()
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["loan", "id"])]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="contact_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} note on loan {self.loan_id} ({self.business_date})"


class PromiseOutcome(models.TextChoices):
    PENDING = "PENDING", "Pending"
    KEPT = "KEPT", "Kept"
    BROKEN = "BROKEN", "Broken"


class PromiseToPay(models.Model):
    """A borrower's promise to pay ``amount`` by ``promised_date``, made on ``business_date``.

    Kept when the loan's posted repayments with value dates in [business_date, promised_date]
    reach the amount; broken when the promised date has passed without that
    (``promises_resolve``).
    """

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="promises_to_pay")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount = money_field()
    business_date = models.DateField()
    promised_date = models.DateField()
    outcome = models.CharField(
        max_length=8, choices=PromiseOutcome.choices, default=PromiseOutcome.PENDING
    )
    paid_amount = money_field(default=ZERO)
    resolved_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "promise to pay"
        verbose_name_plural = "promises to pay"
        indexes = [
            models.Index(
                fields=["promised_date"],
                condition=Q(outcome="PENDING"),
                name="promise_pending_due",
            ),
            models.Index(fields=["loan", "id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(
                condition=Q(promised_date__gte=models.F("business_date")),
                name="promise_date_not_before_it_was_made",
            ),
            models.CheckConstraint(
                condition=Q(outcome="PENDING", resolved_date__isnull=True)
                | (Q(outcome__in=["KEPT", "BROKEN"]) & Q(resolved_date__isnull=False)),
                name="promise_resolved_has_a_date",
            ),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="promise_paid_positive"),
        ]

    def __str__(self) -> str:
        return f"Promise of {self.amount} by {self.promised_date} on loan {self.loan_id}"


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
