"""Repayments a borrower starts in the portal (issue #5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import money_field
from loans.servicing.models import Loan, Repayment


class PaymentPurpose(models.TextChoices):
    NEXT_INSTALLMENT = "NEXT_INSTALLMENT", "Next installment"
    AMOUNT = "AMOUNT", "Any amount"
    PAYOFF = "PAYOFF", "Pay off"


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting for the payment"
    PAID = "PAID", "Paid"
    CANCELLED = "CANCELLED", "Cancelled"


class PortalPayment(models.Model):
    """A repayment a borrower started in the portal, paid through a payment backend.

    Created PENDING when the borrower confirms what to pay; the backend (a gateway, or the fake
    one in development) confirms it, which posts the Repayment exactly once (``repayment`` is
    one-to-one, and the status moves only from PENDING). ``token`` is the reference the gateway
    sends back; it is not guessable, and pages still check the borrower.
    """

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="portal_payments")
    token = models.CharField(max_length=43, unique=True)
    purpose = models.CharField(max_length=20, choices=PaymentPurpose.choices)
    amount = money_field()
    prepayment_mode = models.CharField(max_length=20, blank=True)
    backend = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    gateway_reference = models.CharField(max_length=100, blank=True)
    repayment = models.OneToOneField(
        Repayment, null=True, blank=True, on_delete=models.PROTECT, related_name="portal_payment"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("portal payment")
        verbose_name_plural = _("portal payments")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_portalpayment"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="portal_payment_positive"),
            models.CheckConstraint(
                condition=~Q(status="PAID") | Q(repayment__isnull=False, paid_at__isnull=False),
                name="portal_payment_paid_has_repayment",
            ),
        ]

    def __str__(self) -> str:
        return f"Portal payment {self.pk} of loan {self.loan_id}: {self.amount} ({self.status})"
