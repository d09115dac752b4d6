from __future__ import annotations

from django.db import models
from django.db.models import Q

from loans.models.loans import Loan


class CobRunStatus(models.TextChoices):
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"


class CobRun(models.Model):
    """Close of business for one business date (PRODUCT §4): its chunks and its summary.

    The date closes (status DONE, business date moves on) only when every chunk is done.
    """

    business_date = models.DateField(unique=True)
    status = models.CharField(max_length=8, choices=CobRunStatus.choices)
    chunk_size = models.PositiveIntegerField()
    chunk_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-business_date"]

    def __str__(self) -> str:
        return f"COB {self.business_date} ({self.status})"


class CobChunkStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    DONE = "DONE", "Done"


class CobChunk(models.Model):
    """A range of loan ids closed for one date in one transaction.

    Its row is locked while it runs and marked DONE in the same transaction, so a duplicate
    delivery or a rerun after a crash does the work exactly once.
    """

    run = models.ForeignKey(CobRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_loan_id = models.BigIntegerField()
    last_loan_id = models.BigIntegerField()
    status = models.CharField(
        max_length=8, choices=CobChunkStatus.choices, default=CobChunkStatus.PENDING
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    stats = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="cob_chunk_number_unique"),
            models.CheckConstraint(
                condition=Q(first_loan_id__lte=models.F("last_loan_id")),
                name="cob_chunk_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run} chunk {self.number} [{self.first_loan_id}, {self.last_loan_id}]"


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
