"""Installment plans on a revolving account (PRODUCT §10, §2.1 INSTALLMENT_FEE).

A bill installment (账单分期) turns part of a bill's unpaid revolving principal into monthly
installments; a purchase installment (交易分期) puts a checkout order on a plan. Each
installment is billed by the statement cut of its ``statement_date`` (principal, and the fee
when the borrower pays it), bears no revolving interest, and its principal counts against the
limit until it is paid. On a merchant-subsidised plan (免息) the partner owes the fees:
``PlanInstallment.fee_amount`` of a plan with ``fee_payer = MERCHANT`` once billed
(``loans.revolving.selectors.merchant_subsidies_billed`` sums them per partner).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import money_field, rate_field
from loans.revolving.models.orders import PLAN_TERMS


class PlanKind(models.TextChoices):
    """The values of ``loans.domain.revolving.state.PlanKind``."""

    PURCHASE = "PURCHASE", "Purchase installment"
    BILL = "BILL", "Bill installment"


class FeePayer(models.TextChoices):
    """The values of ``loans.domain.revolving.state.FeePayer``."""

    BORROWER = "BORROWER", "Borrower"
    MERCHANT = "MERCHANT", "Merchant (subsidised)"


class InstallmentPlan(models.Model):
    account = models.ForeignKey(
        "revolving.RevolvingAccount",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("account"),
    )
    kind = models.CharField(max_length=8, choices=PlanKind.choices, verbose_name=_("kind"))
    # The bill it was turned from (BILL) or the order it finances (PURCHASE).
    statement = models.ForeignKey(
        "revolving.Statement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("statement"),
    )
    order = models.OneToOneField(
        "revolving.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan",
        verbose_name=_("order"),
    )
    amount = money_field(verbose_name=_("amount"))
    term = models.PositiveSmallIntegerField(verbose_name=_("term"))
    fee_rate = rate_field(verbose_name=_("fee rate"))  # per installment
    fee_payer = models.CharField(
        max_length=8, choices=FeePayer.choices, verbose_name=_("fee payer")
    )
    fee_per_installment_amount = money_field(verbose_name=_("fee per installment amount"))
    # 0 when the merchant pays the fees (PRODUCT §2.2, §10)
    borrower_apr = rate_field(verbose_name=_("borrower APR"))
    # the business date it was made on
    value_date = models.DateField(verbose_name=_("value date"))
    # the caller's id: a plan is made once
    reference = models.CharField(max_length=100, verbose_name=_("reference"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("installment plan")
        verbose_name_plural = _("installment plans")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "reference"], name="installment_plan_reference_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="installment_plan_amount"),
            models.CheckConstraint(
                condition=Q(term__in=PLAN_TERMS), name="installment_plan_term_known"
            ),
            models.CheckConstraint(
                condition=(Q(kind="BILL", statement__isnull=False, order__isnull=True))
                | (Q(kind="PURCHASE", order__isnull=False, statement__isnull=True)),
                name="installment_plan_kind_source",
            ),
            models.CheckConstraint(
                # A bill installment is the borrower's choice: the borrower pays its fees.
                condition=Q(kind="PURCHASE") | Q(fee_payer="BORROWER"),
                name="installment_plan_bill_fees_borrower",
            ),
            models.CheckConstraint(
                condition=Q(fee_payer="BORROWER") | Q(borrower_apr=0),
                name="installment_plan_subsidised_apr_zero",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk} ({self.kind}, {self.term} months)"


class PlanInstallment(models.Model):
    plan = models.ForeignKey(
        "revolving.InstallmentPlan",
        on_delete=models.PROTECT,
        related_name="installments",
        verbose_name=_("plan"),
    )
    account = models.ForeignKey(  # the plan's, kept here for the set-based cut
        "revolving.RevolvingAccount",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account"),
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("installment number"))
    # the statement cut that bills it
    statement_date = models.DateField(verbose_name=_("statement date"))
    principal_amount = money_field(verbose_name=_("principal amount"))
    fee_amount = money_field(verbose_name=_("fee amount"))
    # The bill it went on; null while it is a future installment.
    statement = models.ForeignKey(
        "revolving.Statement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("statement"),
    )

    class Meta:
        verbose_name = _("plan installment")
        verbose_name_plural = _("plan installments")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_installment_unique"),
            models.CheckConstraint(
                condition=Q(principal_amount__gte=0) & Q(fee_amount__gte=0),
                name="plan_installment_amounts_positive",
            ),
        ]
        indexes = [
            # What a statement date's cut bills: the future installments of that date.
            models.Index(
                fields=["statement_date", "account"],
                condition=Q(statement__isnull=True),
                name="plan_installment_unbilled",
            ),
        ]

    def __str__(self) -> str:
        return f"Installment {self.number} of plan {self.plan_id}"
