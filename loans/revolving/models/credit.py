"""A refund of a revolving account's credit balance to the borrower, on request (PRODUCT §10:
the credit balance is "refunded on request"; §3: Dr overpayment liability, Cr cash)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import money_field


class CreditRefund(models.Model):
    account = models.ForeignKey(
        "revolving.RevolvingAccount",
        on_delete=models.PROTECT,
        related_name="credit_refunds",
        verbose_name=_("account"),
    )
    amount = money_field(verbose_name=_("amount"))
    value_date = models.DateField(verbose_name=_("value date"))
    # the caller's id: refunded once
    reference = models.CharField(max_length=100, verbose_name=_("reference"))
    entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("entry")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("credit balance refund")
        verbose_name_plural = _("credit balance refunds")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "reference"], name="credit_refund_reference_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Credit refund {self.pk} of revolving account {self.account_id}"
