"""Payouts: the transfer of a disbursed loan to the borrower's bank card."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from loans.fields import money_field
from loans.servicing.models import Loan


class PayoutStatus(models.TextChoices):
    SENT = "SENT", "Sent to the bank"
    SETTLED = "SETTLED", "Settled"
    FAILED = "FAILED", "Failed"


class Payout(models.Model):
    """The transfer of a disbursed loan to the borrower's bank card."""

    loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="payout")
    amount = money_field()
    bank_card_masked = models.CharField(max_length=19)
    backend = models.CharField(max_length=100)
    reference = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=8, choices=PayoutStatus.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_payout"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")
        ]

    def __str__(self) -> str:
        return f"Payout of loan {self.loan_id} ({self.status})"
