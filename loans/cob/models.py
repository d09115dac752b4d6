"""Close-of-business runs and their chunks (PRODUCT §4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CobRunStatus(models.TextChoices):
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"


class CobRun(models.Model):
    """Close of business for one business date (PRODUCT §4): its chunks and its summary.

    The date closes (status DONE, business date moves on) only when every chunk is done.
    """

    business_date = models.DateField(unique=True, verbose_name=_("business date"))
    status = models.CharField(max_length=8, choices=CobRunStatus.choices, verbose_name=_("status"))
    chunk_size = models.PositiveIntegerField(verbose_name=_("chunk size"))
    chunk_count = models.PositiveIntegerField(default=0, verbose_name=_("chunk count"))
    started_at = models.DateTimeField(auto_now_add=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    summary = models.JSONField(default=dict, verbose_name=_("summary"))

    class Meta:
        verbose_name = _("close-of-business run")
        verbose_name_plural = _("close-of-business runs")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_cobrun"
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

    run = models.ForeignKey(
        CobRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("run")
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    first_loan_id = models.BigIntegerField(verbose_name=_("first loan ID"))
    last_loan_id = models.BigIntegerField(verbose_name=_("last loan ID"))
    status = models.CharField(
        max_length=8,
        choices=CobChunkStatus.choices,
        default=CobChunkStatus.PENDING,
        verbose_name=_("status"),
    )
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    stats = models.JSONField(default=dict, verbose_name=_("stats"))
    # When a task was last sent for the chunk, and how many were: a task lost with a worker
    # killed whole is sent again (loans/cob/services/dispatch.py, issue #16).
    dispatched_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dispatched at"))
    dispatch_count = models.PositiveIntegerField(default=0, verbose_name=_("dispatch count"))

    class Meta:
        verbose_name = _("close-of-business chunk")
        verbose_name_plural = _("close-of-business chunks")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_cobchunk"
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
