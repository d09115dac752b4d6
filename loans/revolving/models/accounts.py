"""The revolving account on a borrower's credit line (PRODUCT §10).

Its purchases share the line's limit with cash loans: the line's ``used_amount`` counts the
account's unpaid principal too (billed, unbilled and future installments), so the line's own
check constraint refuses a purchase that does not fit, whatever the door.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import ZERO, money_field


class RevolvingAccountStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    CLOSED = "CLOSED", "Closed"


class RevolvingBucket(models.TextChoices):
    """PRODUCT §2.4 buckets (the values of ``loans.domain.delinquency.Bucket``)."""

    CURRENT = "CURRENT", "Current"
    M1 = "M1", "M1 (1-30 days)"
    M2 = "M2", "M2 (31-60 days)"
    M3 = "M3", "M3 (61-90 days)"
    M4_PLUS = "M4_PLUS", "M4+ (over 90 days)"


class RevolvingAccount(models.Model):
    """One per credit line. Balance columns mirror its sub-ledger (``reconcile`` proves it)."""

    credit_line = models.OneToOneField(
        "servicing.CreditLine",
        on_delete=models.PROTECT,
        related_name="revolving_account",
        verbose_name=_("credit line"),
    )
    product = models.ForeignKey(
        "revolving.RevolvingProduct",
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("product"),
    )
    statement_day = models.PositiveSmallIntegerField(default=1, verbose_name=_("statement day"))
    status = models.CharField(
        max_length=10,
        choices=RevolvingAccountStatus.choices,
        default=RevolvingAccountStatus.ACTIVE,
        verbose_name=_("status"),
    )
    opened_date = models.DateField(verbose_name=_("opened date"))
    # The business date it closed (``revolving_account_close``); the bureau reports it ``C``.
    closed_date = models.DateField(null=True, blank=True, verbose_name=_("closed date"))
    # Dr REVOLVING_RECEIVABLE of its lines: every unpaid purchase principal.
    principal_amount = money_field(default=ZERO, verbose_name=_("principal amount"))
    # the last bill's cut
    last_statement_date = models.DateField(
        null=True, blank=True, verbose_name=_("last statement date")
    )
    # Close of business (PRODUCT §10, §2.4): interest and penalty charged since the last cut
    # (the next bill takes them; Dr INTEREST_RECEIVABLE / PENALTY_RECEIVABLE of its lines),
    # days past due and bucket as of ``last_closed_date``, the last date whose charges ran on
    # this account (a rerun of that date skips it).
    unbilled_interest_amount = money_field(
        default=ZERO, db_default=ZERO, verbose_name=_("unbilled interest amount")
    )
    unbilled_penalty_amount = money_field(
        default=ZERO, db_default=ZERO, verbose_name=_("unbilled penalty amount")
    )
    days_past_due = models.PositiveIntegerField(
        default=0, db_default=0, verbose_name=_("days past due")
    )
    bucket = models.CharField(
        max_length=8,
        choices=RevolvingBucket.choices,
        default="CURRENT",
        db_default="CURRENT",
        verbose_name=_("bucket"),
    )
    last_closed_date = models.DateField(null=True, blank=True, verbose_name=_("last closed date"))
    # Paid beyond what was owed, or refunded after billing beyond it (PRODUCT §10): an
    # overpayment liability (Cr OVERPAYMENT_LIABILITY of its lines), used by the next
    # purchases and bills, refundable on request.
    credit_balance_amount = money_field(
        default=ZERO, db_default=ZERO, verbose_name=_("credit balance amount")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("revolving account")
        verbose_name_plural = _("revolving accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(statement_day__gte=1, statement_day__lte=28),
                name="revolving_account_statement_day_range",
            ),
            models.CheckConstraint(
                condition=Q(principal_amount__gte=0), name="revolving_account_principal_positive"
            ),
            models.CheckConstraint(
                condition=Q(unbilled_interest_amount__gte=0) & Q(unbilled_penalty_amount__gte=0),
                name="revolving_account_charges_positive",
            ),
            models.CheckConstraint(
                condition=Q(credit_balance_amount__gte=0),
                name="revolving_account_credit_positive",
            ),
            # A closed account owes nothing and holds nothing (revolving_account_close).
            models.CheckConstraint(
                condition=Q(status="ACTIVE", closed_date__isnull=True)
                | Q(
                    status="CLOSED",
                    closed_date__isnull=False,
                    principal_amount=0,
                    unbilled_interest_amount=0,
                    unbilled_penalty_amount=0,
                    credit_balance_amount=0,
                ),
                name="revolving_account_closed_owes_nothing",
            ),
        ]
        indexes = [
            # Close of business brings the accounts past due back to 0 once paid: few of all.
            models.Index(
                fields=["id"], condition=Q(days_past_due__gt=0), name="revolving_account_past_due"
            ),
        ]

    def __str__(self) -> str:
        return f"Revolving account {self.pk}"
