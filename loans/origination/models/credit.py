"""Credit applications and their explainable decisions (PRODUCT §6)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Borrower, Partner
from loans.fields import ZERO, money_field, optional_rate_field


class ApplicationStatus(models.TextChoices):
    APPROVED = "APPROVED", "Approved"
    REFERRED = "REFERRED", "Referred to an officer"
    DECLINED = "DECLINED", "Declined"


class CreditApplication(models.Model):
    """An application for a credit line and its explainable decision (PRODUCT §6).

    The decision keeps its inputs, the scorecard version, the points per factor and the reason
    codes. A REFERRED application waits for an officer (``decided_by``), who approves within
    policy or declines with reasons.
    """

    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="applications")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT)
    applied_date = models.DateField()
    status = models.CharField(max_length=10, choices=ApplicationStatus.choices)
    scorecard_version = models.PositiveSmallIntegerField()
    inputs = models.JSONField()
    score = models.IntegerField()
    points = models.JSONField(default=list)
    grade = models.CharField(max_length=1, blank=True)
    credit_limit_amount = money_field(default=ZERO)
    annual_rate = optional_rate_field()
    reasons = models.JSONField(default=list)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    officer_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit application")
        verbose_name_plural = _("credit applications")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_creditapplication"
        ordering = ["-id"]
        permissions = [("review_creditapplication", "Can decide a referred application")]
        indexes = [models.Index(fields=["status", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit_amount__gte=0)
                & Q(credit_limit_amount__lte=Decimal("30000.00")),
                name="application_limit_within_platform_max",
            ),
            models.CheckConstraint(
                condition=~Q(status="APPROVED")
                | (Q(credit_limit_amount__gte=Decimal("500.00")) & Q(annual_rate__isnull=False)),
                name="application_approved_has_limit_and_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk} ({self.status})"
