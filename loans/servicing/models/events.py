"""What happened to a loan at close of business (bucket changes, overdue installments)."""

from __future__ import annotations

from django.db import models

from loans.servicing.models.loans import Loan


class LoanEventType(models.TextChoices):
    INSTALLMENT_OVERDUE = "installment.overdue", "Installment overdue"
    BUCKET_CHANGED = "loan.bucket_changed", "Bucket changed"
    WRITE_OFF_CANDIDATE = "loan.write_off_candidate", "Write-off candidate"
    PAID_OFF = "loan.paid_off", "Paid off"


class LoanEvent(models.Model):
    """Something that happened to a loan at close of business, for the back office and, later,
    the partner webhooks' outbox. One per (loan, type, date, installment)."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="events")
    event_type = models.CharField(max_length=32, choices=LoanEventType.choices)
    business_date = models.DateField()
    installment_number = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_loanevent"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "event_type", "business_date", "installment_number"],
                name="loan_event_once_per_day",
            )
        ]
        indexes = [models.Index(fields=["event_type", "business_date"])]

    def __str__(self) -> str:
        return f"{self.event_type} of loan {self.loan_id} on {self.business_date}"
