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
        "revolving.RevolvingAccount",
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("account"),
    )
    statement_date = models.DateField(verbose_name=_("statement date"))
    due_date = models.DateField(verbose_name=_("due date"))
    # the due date, or the next working day (§12)
    pay_by_date = models.DateField(verbose_name=_("pay by date"))
    # the cycle is [cycle_start, statement_date)
    cycle_start = models.DateField(verbose_name=_("cycle start"))
    previous_unpaid_amount = money_field(default=ZERO, verbose_name=_("previous unpaid amount"))
    new_revolving_principal_amount = money_field(
        default=ZERO, verbose_name=_("new revolving principal amount")
    )
    new_installment_principal_amount = money_field(
        default=ZERO, verbose_name=_("new installment principal amount")
    )
    new_fees_amount = money_field(default=ZERO, verbose_name=_("new fees amount"))
    new_interest_amount = money_field(default=ZERO, verbose_name=_("new interest amount"))
    new_penalty_amount = money_field(default=ZERO, verbose_name=_("new penalty amount"))
    # unpaid on this and earlier bills
    revolving_principal_amount = money_field(
        default=ZERO, verbose_name=_("revolving principal amount")
    )
    installment_principal_amount = money_field(
        default=ZERO, verbose_name=_("installment principal amount")
    )
    fees_amount = money_field(default=ZERO, verbose_name=_("fees amount"))
    interest_amount = money_field(default=ZERO, verbose_name=_("interest amount"))
    penalty_amount = money_field(default=ZERO, verbose_name=_("penalty amount"))
    minimum_payment_amount = money_field(default=ZERO, verbose_name=_("minimum payment amount"))
    # this bill's own share, still unpaid
    minimum_unpaid_amount = money_field(default=ZERO, verbose_name=_("minimum unpaid amount"))
    # What is still unpaid of this bill's own new parts (payments take them oldest bill first).
    revolving_principal_unpaid_amount = money_field(
        default=ZERO, verbose_name=_("revolving principal unpaid amount")
    )
    installment_principal_unpaid_amount = money_field(
        default=ZERO, verbose_name=_("installment principal unpaid amount")
    )
    fees_unpaid_amount = money_field(default=ZERO, verbose_name=_("fees unpaid amount"))
    interest_unpaid_amount = money_field(default=ZERO, verbose_name=_("interest unpaid amount"))
    penalty_unpaid_amount = money_field(default=ZERO, verbose_name=_("penalty unpaid amount"))
    # Failed its interest-free check (revolving principal unpaid at the close of the pay-by
    # date): bears daily interest from the next day (PRODUCT §10).
    bears_interest = models.BooleanField(
        default=False, db_default=False, verbose_name=_("bears interest")
    )
    # Turned into installments (账单分期) after the cut: it left the bill's own revolving
    # principal and the base of its minimum (PRODUCT §10); the totals above stay as issued.
    converted_amount = money_field(
        default=ZERO, db_default=ZERO, verbose_name=_("converted amount")
    )
    # Fees of merchant-subsidised plans billed on this date: owed by partners, not part of the
    # balance (loans.domain.revolving.statement.Statement.merchant_fees).
    merchant_fees_amount = money_field(
        default=ZERO, db_default=ZERO, verbose_name=_("merchant fees amount")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

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
