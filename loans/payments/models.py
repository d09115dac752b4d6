"""Repayments a borrower starts in the portal (issue #5); cards bound for auto-debit (§11)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Borrower
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


class CardBindingStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    REVOKED = "REVOKED", "Switched off"


class CardBindingChannel(models.TextChoices):
    PORTAL = "PORTAL", "Portal"
    PARTNER = "PARTNER", "Partner API"


class CardBinding(models.Model):
    """A bank card a borrower bound for automatic repayment (代扣, PRODUCT §11), with consent.

    The card number is stored as ``accounts.crypto`` stores bank cards: ciphertext, keyed digest,
    mask. The holder's name and identity number were checked against the borrower's and are not
    stored again. Switching off keeps the row (REVOKED, ``revoked_at``) as evidence; at most one
    binding per borrower is ACTIVE (a partial unique index). Written only by
    ``loans.payments.card_bindings``.
    """

    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="card_bindings")
    card_number_ciphertext = models.TextField(editable=False)
    card_number_digest = models.CharField(max_length=64, editable=False, db_index=True)
    card_number_masked = models.CharField(max_length=19, editable=False)
    gateway = models.CharField(max_length=100)
    agreement_reference = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=CardBindingStatus.choices, default=CardBindingStatus.ACTIVE
    )
    channel = models.CharField(max_length=10, choices=CardBindingChannel.choices)
    consent_at = models.DateTimeField()
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_user_agent = models.CharField(max_length=500, blank=True)
    agreement_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_channel = models.CharField(
        max_length=10, choices=CardBindingChannel.choices, blank=True
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["borrower"],
                condition=Q(status="ACTIVE"),
                name="card_binding_one_active_per_borrower",
            ),
            models.CheckConstraint(
                condition=(Q(status="ACTIVE") & Q(revoked_at__isnull=True))
                | (Q(status="REVOKED") & Q(revoked_at__isnull=False)),
                name="card_binding_revoked_has_time",
            ),
            models.UniqueConstraint(
                fields=["gateway", "agreement_reference"],
                name="card_binding_agreement_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Card {self.card_number_masked} of borrower {self.borrower_id} ({self.status})"
