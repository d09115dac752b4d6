"""The business calendar: the platform's open business date (PRODUCT §2, §12)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class BusinessDate(models.Model):
    """The platform's open business date (PRODUCT §2: a table, not the clock). One row.

    Money operations take their date from here, once, at the edge; close of business (issue #4)
    moves it forward one date at a time.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    current_date = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_businessdate"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="business_date_single_row")]

    def __str__(self) -> str:
        return self.current_date.isoformat()
