"""What happened to a loan at close of business (bucket changes, overdue installments)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from loans.servicing.models.loans import Loan


class LoanEventType(models.TextChoices):
    INSTALLMENT_OVERDUE = "installment.overdue", "Installment overdue"
    BUCKET_CHANGED = "loan.bucket_changed", "Bucket changed"
    WRITE_OFF_CANDIDATE = "loan.write_off_candidate", "Write-off candidate"
    PAID_OFF = "loan.paid_off", "Paid off"
    PAYOUT_FAILED = "loan.payout_failed", "Payout failed, loan cancelled"


class LoanEvent(models.Model):
    """Something that happened to a loan at close of business, for the back office and, later,
    the partner webhooks' outbox. One per (loan, type, date, installment)."""

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="events", verbose_name=_("loan")
    )
    event_type = models.CharField(
        max_length=32, choices=LoanEventType.choices, verbose_name=_("event type")
    )
    business_date = models.DateField(verbose_name=_("business date"))
    installment_number = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("installment number")
    )
    data = models.JSONField(default=dict, verbose_name=_("data"))
    # True: a correction (a back-dated repayment or a reversal) restated the night of
    # ``business_date`` after it had closed (issue #17); close of business leaves it False.
    restated = models.BooleanField(default=False, db_default=False, verbose_name=_("restated"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("loan event")
        verbose_name_plural = _("loan events")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_loanevent"
        ordering = ["id"]
        constraints = [
            # Close of business records each event once (its inserts rely on this); a night
            # restated later keeps its own event beside the night's.
            models.UniqueConstraint(
                fields=["loan", "event_type", "business_date", "installment_number"],
                condition=models.Q(restated=False),
                name="loan_event_once_per_day",
            )
        ]
        indexes = [models.Index(fields=["event_type", "business_date"])]

    def __str__(self) -> str:
        return f"{self.event_type} of loan {self.loan_id} on {self.business_date}"
