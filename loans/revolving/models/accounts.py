"""The revolving account on a borrower's credit line (PRODUCT §10).

Its purchases share the line's limit with cash loans: the line's ``used_amount`` counts the
account's unpaid principal too (billed, unbilled and future installments), so the line's own
check constraint refuses a purchase that does not fit, whatever the door.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from loans.fields import ZERO, money_field


class RevolvingAccountStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    CLOSED = "CLOSED", "Closed"


class RevolvingAccount(models.Model):
    """One per credit line. Balance columns mirror its sub-ledger (``reconcile`` proves it)."""

    credit_line = models.OneToOneField(
        "servicing.CreditLine", on_delete=models.PROTECT, related_name="revolving_account"
    )
    product = models.ForeignKey(
        "revolving.RevolvingProduct", on_delete=models.PROTECT, related_name="accounts"
    )
    statement_day = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10,
        choices=RevolvingAccountStatus.choices,
        default=RevolvingAccountStatus.ACTIVE,
    )
    opened_date = models.DateField()
    # Dr REVOLVING_RECEIVABLE of its lines: every unpaid purchase principal.
    principal_amount = money_field(default=ZERO)
    last_statement_date = models.DateField(null=True, blank=True)  # the last bill's cut
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(statement_day__gte=1, statement_day__lte=28),
                name="revolving_account_statement_day_range",
            ),
            models.CheckConstraint(
                condition=Q(principal_amount__gte=0), name="revolving_account_principal_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Revolving account {self.pk}"
