"""The borrower's credit line: the limit every draw takes from and every repayment gives back to
(PRODUCT §6). Opened by origination's credit decision; its used amount moves with draws,
repayments, reversals and write-offs, which is why it lives here with the loans.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Borrower
from loans.fields import ZERO, money_field, rate_field


class CreditLineStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    FROZEN = "FROZEN", "Frozen"


class FreezeReason(models.TextChoices):
    """Why a line is frozen: set with the status, cleared only by an officer's unfreeze."""

    PAST_DUE = "PAST_DUE", "Past due"  # close of business: a loan reached the product's days
    WRITTEN_OFF = "WRITTEN_OFF", "Written off"


class CreditLine(models.Model):
    """A borrower's revolving credit line (PRODUCT §6).

    ``used_amount`` is the principal not yet repaid of the borrower's open loans (pending
    disbursement included); the database refuses it above ``limit_amount``, and the draw service
    locks the row, so concurrent draws serialise.
    """

    borrower = models.OneToOneField(
        Borrower, on_delete=models.PROTECT, related_name="credit_line", verbose_name=_("borrower")
    )
    application = models.ForeignKey(
        "origination.CreditApplication",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application"),
    )
    limit_amount = money_field(verbose_name=_("limit amount"))
    used_amount = money_field(default=ZERO, verbose_name=_("used amount"))
    grade = models.CharField(max_length=1, verbose_name=_("grade"))
    annual_rate = rate_field(verbose_name=_("annual rate"))
    status = models.CharField(
        max_length=10,
        choices=CreditLineStatus.choices,
        default=CreditLineStatus.ACTIVE,
        verbose_name=_("status"),
    )
    frozen_reason = models.CharField(
        max_length=12, choices=FreezeReason.choices, blank=True, verbose_name=_("frozen reason")
    )
    # the business date it froze
    frozen_on = models.DateField(null=True, blank=True, verbose_name=_("frozen on"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("credit line")
        verbose_name_plural = _("credit lines")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_creditline"
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_amount__gte=0) & Q(limit_amount__lte=Decimal("30000.00")),
                name="credit_line_limit_within_platform_max",
            ),
            models.CheckConstraint(
                condition=Q(used_amount__gte=0) & Q(used_amount__lte=F("limit_amount")),
                name="credit_line_used_within_limit",
            ),
            # A frozen line says why and since when; an active one carries neither.
            models.CheckConstraint(
                condition=(
                    Q(status=CreditLineStatus.ACTIVE, frozen_reason="", frozen_on__isnull=True)
                    | (
                        Q(status=CreditLineStatus.FROZEN, frozen_on__isnull=False)
                        & ~Q(frozen_reason="")
                    )
                ),
                name="credit_line_frozen_says_why",
            ),
        ]
        permissions = [("unfreeze_creditline", "Can unfreeze a credit line")]

    def __str__(self) -> str:
        # As the back office titles it (#23): money as ¥1,000.00, in the reader's language.
        return _("Credit line of borrower %(borrower)s: %(used)s used of a %(limit)s limit") % {
            "borrower": self.borrower_id,
            "used": f"¥{self.used_amount:,.2f}",
            "limit": f"¥{self.limit_amount:,.2f}",
        }

    @property
    def available_amount(self) -> Decimal:
        return self.limit_amount - self.used_amount
