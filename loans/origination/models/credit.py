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

    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, related_name="applications", verbose_name=_("borrower")
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("partner")
    )
    applied_date = models.DateField(verbose_name=_("applied date"))
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, verbose_name=_("status")
    )
    scorecard_version = models.PositiveSmallIntegerField(verbose_name=_("scorecard version"))
    inputs = models.JSONField(verbose_name=_("inputs"))
    score = models.IntegerField(verbose_name=_("score"))
    points = models.JSONField(default=list, verbose_name=_("points"))
    grade = models.CharField(max_length=1, blank=True, verbose_name=_("grade"))
    credit_limit_amount = money_field(default=ZERO, verbose_name=_("credit limit amount"))
    annual_rate = optional_rate_field(verbose_name=_("annual rate"))
    reasons = models.JSONField(default=list, verbose_name=_("reasons"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    officer_note = models.TextField(blank=True, verbose_name=_("officer note"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

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
