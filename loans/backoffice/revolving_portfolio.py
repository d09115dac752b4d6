"""The revolving portfolio on the back office's dashboard (issue #18, PRODUCT §10).

Stock figures as the database holds them now: active accounts; what their bills still owe
(billed) and what is owed but not billed yet (purchases and plan principal not billed, interest
and penalty charged since the last cut); the accounts past due and their overdue minimum; and
accounts and balance by bucket (§2.4). A few aggregates over the accounts and their bills.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from loans.revolving.models import (
    RevolvingAccount,
    RevolvingAccountStatus,
    RevolvingBucket,
    Statement,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class RevolvingBucketRow:
    bucket: str
    accounts: int
    principal: Decimal  # unpaid principal, billed and not


@dataclass(frozen=True, slots=True)
class RevolvingPortfolio:
    accounts: int
    billed: Decimal  # unpaid on bills
    unbilled: Decimal  # owed, not billed yet
    overdue_accounts: int
    overdue_minimum: Decimal  # unpaid minimum of bills past their pay-by date
    buckets: list[RevolvingBucketRow]

    @property
    def balance(self) -> Decimal:
        return self.billed + self.unbilled


def revolving_portfolio(*, as_of: date) -> RevolvingPortfolio:
    """Return the revolving accounts' figures as of the open business date ``as_of``."""
    active = RevolvingAccount.objects.filter(status=RevolvingAccountStatus.ACTIVE)
    accounts = active.aggregate(
        count=Count("id"),
        owed=Sum(
            F("principal_amount") + F("unbilled_interest_amount") + F("unbilled_penalty_amount")
        ),
    )
    bills = Statement.objects.filter(account__status=RevolvingAccountStatus.ACTIVE)
    billed = bills.aggregate(
        principal=Sum(
            F("revolving_principal_unpaid_amount") + F("installment_principal_unpaid_amount")
        ),
        charges=Sum(
            F("fees_unpaid_amount") + F("interest_unpaid_amount") + F("penalty_unpaid_amount")
        ),
        overdue=Sum("minimum_unpaid_amount", filter=Q(pay_by_date__lt=as_of)),
    )
    billed_principal = billed["principal"] or ZERO
    billed_total = billed_principal + (billed["charges"] or ZERO)
    return RevolvingPortfolio(
        accounts=accounts["count"],
        billed=billed_total,
        # The accounts' principal counts billed and unbilled principal; charges on bills are
        # billed, those since the last cut are not.
        unbilled=(accounts["owed"] or ZERO) - billed_principal,
        overdue_accounts=active.filter(days_past_due__gt=0).count(),
        overdue_minimum=billed["overdue"] or ZERO,
        buckets=_buckets(active),
    )


def _buckets(active: QuerySet[RevolvingAccount]) -> list[RevolvingBucketRow]:
    rows = {
        row["bucket"]: row
        for row in active.values("bucket").annotate(
            accounts=Count("id"), principal=Sum("principal_amount")
        )
    }
    return [
        RevolvingBucketRow(
            bucket=bucket,
            accounts=rows[bucket]["accounts"] if bucket in rows else 0,
            principal=rows[bucket]["principal"] if bucket in rows else ZERO,
        )
        for bucket in RevolvingBucket.values
    ]
