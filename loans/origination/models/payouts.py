"""Payouts: the transfer of a disbursed loan to the borrower's bank card."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import money_field
from loans.servicing.models import Loan


class PayoutStatus(models.TextChoices):
    SENT = "SENT", "Sent to the bank"
    SETTLED = "SETTLED", "Settled"
    FAILED = "FAILED", "Failed"


class PayoutFailureCode(models.TextChoices):
    """Why the bank refused a payout (the gateway's code, PRODUCT §11)."""

    ACCOUNT_CLOSED = "ACCOUNT_CLOSED", "Account closed"
    NAME_MISMATCH = "NAME_MISMATCH", "Name does not match the account"
    CARD_INVALID = "CARD_INVALID", "Card not valid"
    ACCOUNT_FROZEN = "ACCOUNT_FROZEN", "Account frozen"
    REFUSED = "REFUSED", "Refused by the bank"


class Payout(models.Model):
    """The transfer of a disbursed loan to the borrower's bank card."""

    loan = models.OneToOneField(
        Loan, on_delete=models.PROTECT, related_name="payout", verbose_name=_("loan")
    )
    amount = money_field(verbose_name=_("amount"))
    bank_card_masked = models.CharField(max_length=19, verbose_name=_("bank card (masked)"))
    backend = models.CharField(max_length=100, verbose_name=_("backend"))
    reference = models.CharField(max_length=100, blank=True, verbose_name=_("reference"))
    status = models.CharField(max_length=8, choices=PayoutStatus.choices, verbose_name=_("status"))
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sent at"))
    settled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("settled at"))
    # A refusal (PRODUCT §11): the code, the bank's words (no personal data) and when it came.
    failure_code = models.CharField(
        max_length=16, choices=PayoutFailureCode.choices, blank=True, verbose_name=_("failure code")
    )
    failure_reason = models.CharField(max_length=200, blank=True, verbose_name=_("failure reason"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("failed at"))
    # Set, and committed, just before the bank is called: a payout is handed over at most once.
    send_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("send started at"))
    # An unknown outcome is asked about, never sent again (payouts_query_unknown).
    queried_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queried at"))
    query_count = models.PositiveIntegerField(default=0, verbose_name=_("query count"))

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_payout"
        indexes = [
            # The payouts whose outcome is still unknown, oldest first (the query sweep).
            models.Index(fields=["sent_at"], condition=Q(status="SENT"), name="payout_sent_open")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=PayoutStatus.values), name="payout_status_known"
            ),
            # A failed payout says why and when; no other payout carries a failure.
            models.CheckConstraint(
                condition=(
                    Q(status=PayoutStatus.FAILED)
                    & Q(failure_code__in=PayoutFailureCode.values)
                    & Q(failed_at__isnull=False)
                )
                | (
                    ~Q(status=PayoutStatus.FAILED)
                    & Q(failure_code="")
                    & Q(failure_reason="")
                    & Q(failed_at__isnull=True)
                ),
                name="payout_failure_recorded",
            ),
        ]

    def __str__(self) -> str:
        status = _(str(self.get_status_display()))  # the label, translated (#23)
        return _("Payout of loan %(loan)s (%(status)s)") % {"loan": self.loan_id, "status": status}
