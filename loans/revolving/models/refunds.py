"""A partner's refund of a captured order, whole or in part (PRODUCT §10).

The partner's refund id is unique per order, which makes the call idempotent; the refunds of
an order never exceed it (the order's ``refunded_amount`` check, kept under the order's lock).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import money_field


class Refund(models.Model):
    order = models.ForeignKey(
        "revolving.Order", on_delete=models.PROTECT, related_name="refunds", verbose_name=_("order")
    )
    merchant_refund_id = models.CharField(max_length=64, verbose_name=_("merchant refund ID"))
    amount = money_field(verbose_name=_("amount"))
    # the business date it was posted on
    value_date = models.DateField(verbose_name=_("value date"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("entry")
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "merchant_refund_id"], name="refund_merchant_id_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.pk} of order {self.order_id}"
