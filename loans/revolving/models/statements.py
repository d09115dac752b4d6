"""A bill (账单) of a revolving account, cut by close of business on its statement date
(PRODUCT §10; the rules as ``loans.domain.revolving.statement`` implements them).

Each row keeps the bill's own new parts (what it billed for the first time) and the totals the
borrower saw that day: the earlier bills' unpaid amounts are inside ``previous_unpaid_amount``
and the totals. ``minimum_unpaid_amount`` is this bill's own share of the minimum payment.
An account with nothing owed and nothing new gets no bill that month.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loans.fields import ZERO, money_field


class Statement(models.Model):
    account = models.ForeignKey(
        "revolving.RevolvingAccount", on_delete=models.PROTECT, related_name="statements"
    )
    statement_date = models.DateField()
    due_date = models.DateField()
    pay_by_date = models.DateField()  # the due date, or the next working day (§12)
    cycle_start = models.DateField()  # the cycle is [cycle_start, statement_date)
    previous_unpaid_amount = money_field(default=ZERO)
    new_revolving_principal_amount = money_field(default=ZERO)
    new_installment_principal_amount = money_field(default=ZERO)
    new_fees_amount = money_field(default=ZERO)
    new_interest_amount = money_field(default=ZERO)
    new_penalty_amount = money_field(default=ZERO)
    revolving_principal_amount = money_field(default=ZERO)  # unpaid on this and earlier bills
    installment_principal_amount = money_field(default=ZERO)
    fees_amount = money_field(default=ZERO)
    interest_amount = money_field(default=ZERO)
    penalty_amount = money_field(default=ZERO)
    minimum_payment_amount = money_field(default=ZERO)
    minimum_unpaid_amount = money_field(default=ZERO)  # this bill's own share, still unpaid
    # What is still unpaid of this bill's own new parts (payments take them oldest bill first).
    revolving_principal_unpaid_amount = money_field(default=ZERO)
    installment_principal_unpaid_amount = money_field(default=ZERO)
    fees_unpaid_amount = money_field(default=ZERO)
    interest_unpaid_amount = money_field(default=ZERO)
    penalty_unpaid_amount = money_field(default=ZERO)
    # Failed its interest-free check (revolving principal unpaid at the close of the pay-by
    # date): bears daily interest from the next day (PRODUCT §10).
    bears_interest = models.BooleanField(default=False, db_default=False)
    # Turned into installments (账单分期) after the cut: it left the bill's own revolving
    # principal and the base of its minimum (PRODUCT §10); the totals above stay as issued.
    converted_amount = money_field(default=ZERO, db_default=ZERO)
    # Fees of merchant-subsidised plans billed on this date: owed by partners, not part of the
    # balance (loans.domain.revolving.statement.Statement.merchant_fees).
    merchant_fees_amount = money_field(default=ZERO, db_default=ZERO)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["account", "-statement_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "statement_date"], name="statement_one_per_account_date"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gt=F("statement_date"))
                & Q(pay_by_date__gte=F("due_date"))
                & Q(cycle_start__lt=F("statement_date")),
                name="statement_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(minimum_payment_amount__gte=0)
                & Q(
                    minimum_payment_amount__lte=F("revolving_principal_amount")
                    + F("installment_principal_amount")
                    + F("fees_amount")
                    + F("interest_amount")
                    + F("penalty_amount")
                ),
                name="statement_minimum_within_balance",
            ),
            models.CheckConstraint(
                condition=Q(revolving_principal_unpaid_amount__gte=0)
                & Q(revolving_principal_unpaid_amount__lte=F("new_revolving_principal_amount"))
                & Q(installment_principal_unpaid_amount__gte=0)
                & Q(fees_unpaid_amount__gte=0)
                & Q(interest_unpaid_amount__gte=0)
                & Q(penalty_unpaid_amount__gte=0)
                & Q(minimum_unpaid_amount__gte=0)
                & Q(converted_amount__gte=0)
                & Q(merchant_fees_amount__gte=0),
                name="statement_unpaid_within_billed",
            ),
        ]
        indexes = [
            models.Index(fields=["statement_date"], name="statement_by_date"),
            # The bills close of business charges or ages (docs/revolving.md): few of all.
            models.Index(
                fields=["pay_by_date", "account"],
                condition=Q(minimum_unpaid_amount__gt=0)
                | Q(revolving_principal_unpaid_amount__gt=0),
                name="statement_owing_by_pay_by",
            ),
        ]

    def __str__(self) -> str:
        return f"Bill of {self.statement_date} (account {self.account_id})"

    @property
    def unpaid_amount(self) -> Decimal:
        """What is still unpaid of this bill's own parts."""
        return (
            self.revolving_principal_unpaid_amount
            + self.installment_principal_unpaid_amount
            + self.fees_unpaid_amount
            + self.interest_unpaid_amount
            + self.penalty_unpaid_amount
        )

    @property
    def balance_amount(self) -> Decimal:
        """The statement balance: the sum of its five parts."""
        return (
            self.revolving_principal_amount
            + self.installment_principal_amount
            + self.fees_amount
            + self.interest_amount
            + self.penalty_amount
        )
