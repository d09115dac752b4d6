"""The collections desk (issue #6): who works an overdue loan, what was said, what was promised.

Written only by ``loans.servicing.services.collections_desk``; the database keeps the invariants
(a positive promise, an outcome dated once resolved, one agent per loan).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import ZERO, money_field
from loans.servicing.models.loans import Loan


class CollectionAssignment(models.Model):
    """The agent working an overdue loan; one per loan, re-assigned in place."""

    loan = models.OneToOneField(
        Loan, on_delete=models.PROTECT, related_name="collection_assignment", verbose_name=_("loan")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="collection_assignments",
        verbose_name=_("agent"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(auto_now=True, verbose_name=_("assigned at"))

    class Meta:
        verbose_name = _("collection assignment")
        verbose_name_plural = _("collection assignments")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_collectionassignment"
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

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="contact_notes", verbose_name=_("loan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    channel = models.CharField(
        max_length=8, choices=ContactChannel.choices, verbose_name=_("channel")
    )
    business_date = models.DateField(verbose_name=_("business date"))
    text = models.TextField(max_length=2000, verbose_name=_("text"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("contact note")
        verbose_name_plural = _("contact notes")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_contactnote"
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

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="promises_to_pay", verbose_name=_("loan")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    amount = money_field(verbose_name=_("amount"))
    business_date = models.DateField(verbose_name=_("business date"))
    promised_date = models.DateField(verbose_name=_("promised date"))
    outcome = models.CharField(
        max_length=8,
        choices=PromiseOutcome.choices,
        default=PromiseOutcome.PENDING,
        verbose_name=_("outcome"),
    )
    paid_amount = money_field(default=ZERO, verbose_name=_("paid amount"))
    resolved_date = models.DateField(null=True, blank=True, verbose_name=_("resolved date"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_promisetopay"
        ordering = ["-id"]
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
