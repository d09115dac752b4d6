"""A payment on a revolving account (PRODUCT §10), allocated by the domain's order: penalty,
interest, fees, the unpaid minimum oldest bill first, billed installments, billed revolving
principal oldest first, then purchases not billed yet. ``allocation`` keeps its lines."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import money_field


class RevolvingPaymentChannel(models.TextChoices):
    PARTNER = "PARTNER", "Partner"
    PORTAL = "PORTAL", "Portal"
    AUTO_DEBIT = "AUTO_DEBIT", "Auto-debit"


class RevolvingPayment(models.Model):
    account = models.ForeignKey(
        "revolving.RevolvingAccount",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("account"),
    )
    amount = money_field(verbose_name=_("amount"))
    # the business date it was posted on
    value_date = models.DateField(verbose_name=_("value date"))
    channel = models.CharField(
        max_length=12, choices=RevolvingPaymentChannel.choices, verbose_name=_("channel")
    )
    # the payer's own id: a payment is posted once
    reference = models.CharField(max_length=100, verbose_name=_("reference"))
    allocation = models.JSONField(default=list, verbose_name=_("allocation"))
    minimum_paid_amount = money_field(verbose_name=_("minimum paid amount"))
    entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("entry")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("revolving payment")
        verbose_name_plural = _("revolving payments")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "reference"], name="revolving_payment_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="revolving_payment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk} on revolving account {self.account_id}"
