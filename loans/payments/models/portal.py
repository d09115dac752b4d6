"""Payments a borrower starts in the portal: a loan's repayment (issue #5) or a payment on the
revolving account's bills (issue #18)."""

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
    # A revolving account's bills (PRODUCT §10): what they still owe, or their unpaid minimum.
    BILL_IN_FULL = "BILL_IN_FULL", "Bills in full"
    BILL_MINIMUM = "BILL_MINIMUM", "Minimum of the bills"


LOAN_PURPOSES = ("NEXT_INSTALLMENT", "AMOUNT", "PAYOFF")
BILL_PURPOSES = ("BILL_IN_FULL", "BILL_MINIMUM", "AMOUNT")


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting for the payment"
    PAID = "PAID", "Paid"
    CANCELLED = "CANCELLED", "Cancelled"


class PortalPayment(models.Model):
    """A payment a borrower started in the portal, paid through a payment backend.

    It pays a loan or a revolving account's bills, exactly one of the two (a database
    constraint). Created PENDING when the borrower confirms what to pay; the backend (a gateway,
    or the fake one in development) confirms it, which posts the loan's Repayment or the
    account's RevolvingPayment exactly once (both one-to-one, and the status moves only from
    PENDING). ``token`` is the reference the gateway sends back; it is not guessable, and pages
    still check the borrower.
    """

    loan = models.ForeignKey(
        Loan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_payments",
        verbose_name=_("loan"),
    )
    account = models.ForeignKey(
        "revolving.RevolvingAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_payments",
        verbose_name=_("revolving account"),
    )
    token = models.CharField(max_length=43, unique=True, verbose_name=_("token"))
    purpose = models.CharField(
        max_length=20, choices=PaymentPurpose.choices, verbose_name=_("purpose")
    )
    amount = money_field(verbose_name=_("amount"))
    prepayment_mode = models.CharField(max_length=20, blank=True, verbose_name=_("prepayment mode"))
    backend = models.CharField(max_length=100, verbose_name=_("backend"))
    status = models.CharField(
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        verbose_name=_("status"),
    )
    gateway_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("gateway reference")
    )
    repayment = models.OneToOneField(
        Repayment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_payment",
        verbose_name=_("repayment"),
    )
    # A bill payment's posting on the revolving account (one-to-one, as ``repayment``).
    revolving_payment = models.OneToOneField(
        "revolving.RevolvingPayment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_payment",
        verbose_name=_("revolving payment"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paid at"))

    class Meta:
        verbose_name = _("portal payment")
        verbose_name_plural = _("portal payments")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_portalpayment"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="portal_payment_positive"),
            models.CheckConstraint(
                condition=Q(loan__isnull=False, account__isnull=True)
                | Q(loan__isnull=True, account__isnull=False),
                name="portal_payment_loan_or_account",
            ),
            # A loan's purposes on a loan; a bill's on an account, with no prepayment choice.
            models.CheckConstraint(
                condition=Q(loan__isnull=False, purpose__in=LOAN_PURPOSES)
                | Q(account__isnull=False, purpose__in=BILL_PURPOSES, prepayment_mode=""),
                name="portal_payment_purpose_fits",
            ),
            models.CheckConstraint(
                condition=~Q(status="PAID")
                | Q(paid_at__isnull=False, repayment__isnull=False, revolving_payment__isnull=True)
                | Q(paid_at__isnull=False, repayment__isnull=True, revolving_payment__isnull=False),
                name="portal_payment_paid_has_repayment",
            ),
            models.CheckConstraint(
                condition=Q(repayment__isnull=True) | Q(loan__isnull=False),
                name="portal_payment_repayment_of_a_loan",
            ),
            models.CheckConstraint(
                condition=Q(revolving_payment__isnull=True) | Q(account__isnull=False),
                name="portal_payment_revolving_payment_of_an_account",
            ),
        ]

    def __str__(self) -> str:
        what = f"loan {self.loan_id}" if self.loan_id else f"revolving account {self.account_id}"
        return f"Portal payment {self.pk} of {what}: {self.amount} ({self.status})"
