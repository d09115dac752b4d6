"""The officers' revolving account page (issue #18, PRODUCT §10): what it reads and its summary
header, as ``loan_summary.py`` is the loan page's.

``revolving_account_page_get`` reads the account and its rows in a fixed number of queries
(about ten, however many bills, purchases, plans or payments it has): the account with its
credit line, borrower and product; every bill (a few a year); the newest purchases, plans (with
their installments), payments, purchase refunds and credit balance refunds, ``ROWS`` of each;
two sums for the summary (plain purchases and plan principal not billed yet); and a page of the
account's journal lines (its sub-ledger: ``JournalLine.revolving_account``), only for staff who
may read the journal. ``revolving_account_summary`` works the header out of what was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import DecimalField, F, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loans.backoffice import readable
from loans.ledger.models import JournalLine
from loans.revolving.models import (
    CreditRefund,
    InstallmentPlan,
    Order,
    OrderStatus,
    PlanInstallment,
    Refund,
    RevolvingAccount,
    RevolvingPayment,
    Statement,
)

ZERO = Decimal("0.00")
ROWS = 50  # the newest purchases, plans, payments and refunds the page lists
LEDGER_PAGE_SIZE = 50  # journal lines per page

# The revolving models' states, methods and channels as officers read them (their choices'
# labels are English only); the loan statuses and the buckets are ``readable.CODE_LABELS``'.
REVOLVING_LABELS: dict[str, Promise] = {
    # account status (a loan's "Active" reads 还款中 in Chinese: not an account's word)
    "ACTIVE": gettext_lazy("In use"),
    "CLOSED": gettext_lazy("Closed"),
    # checkout order status
    "CREATED": gettext_lazy("Waiting for the borrower"),
    "CAPTURED": gettext_lazy("Captured"),
    "EXPIRED": gettext_lazy("Expired"),
    # installment plans: kind and who pays the fee
    "PURCHASE": gettext_lazy("Purchase installment"),
    "BILL": gettext_lazy("Bill installment"),
    "BORROWER": gettext_lazy("Borrower"),
    "MERCHANT": gettext_lazy("Merchant (subsidised)"),
    # payment channels
    "PARTNER": gettext_lazy("Partner"),
    "PORTAL": gettext_lazy("Portal"),
    "AUTO_DEBIT": gettext_lazy("Auto-debit"),
}


def revolving_label(code: str | None) -> str:
    """The translated label of a revolving state, kind, payer or channel (else ``code_label``)."""
    if not code:
        return readable.EMPTY
    if code in REVOLVING_LABELS:
        return str(REVOLVING_LABELS[code])
    return readable.code_label(code)


@dataclass(frozen=True, slots=True)
class RevolvingAccountPage:
    account: RevolvingAccount
    bills: list[Statement]  # every bill, newest first
    orders: list[Order]  # the newest ROWS, with partner, plan and bill
    plans: list[InstallmentPlan]  # the newest ROWS, with their installments in order
    payments: list[RevolvingPayment]
    refunds: list[Refund]  # partners' refunds of this account's purchases, with their order
    credit_refunds: list[CreditRefund]
    unbilled_purchases_amount: Decimal  # plain purchases captured, not billed, still owed
    unbilled_installments_amount: Decimal  # plan principal not billed yet
    ledger: Page[JournalLine] | None  # None: the reader may not see the journal
    sources: dict[int, str]  # journal entry id → what posted it ("Purchase, order 12")
    rows: int = ROWS  # a list this long may have older rows not shown


def revolving_account_page_get(
    *, account_id: int, ledger: bool = True, ledger_page: int = 1
) -> RevolvingAccountPage:
    """Read what the account page shows; the journal lines only when ``ledger``.

    Raises RevolvingAccount.DoesNotExist for an unknown account.
    """
    account = RevolvingAccount.objects.select_related("credit_line__borrower", "product").get(
        pk=account_id
    )
    orders = list(
        Order.objects.filter(account=account)
        .select_related("partner", "plan", "statement")
        .order_by("-id")[:ROWS]
    )
    payments = list(RevolvingPayment.objects.filter(account=account).order_by("-id")[:ROWS])
    refunds = list(
        Refund.objects.filter(order__account=account).select_related("order").order_by("-id")[:ROWS]
    )
    credit_refunds = list(CreditRefund.objects.filter(account=account).order_by("-id")[:ROWS])
    return RevolvingAccountPage(
        account=account,
        bills=list(Statement.objects.filter(account=account).order_by("-statement_date")),
        orders=orders,
        plans=_plans(account),
        payments=payments,
        refunds=refunds,
        credit_refunds=credit_refunds,
        unbilled_purchases_amount=_unbilled_purchases(account),
        unbilled_installments_amount=_sum(
            PlanInstallment.objects.filter(account=account, statement__isnull=True),
            "principal_amount",
        ),
        ledger=_ledger(account, ledger_page) if ledger else None,
        sources=_sources(orders, refunds, payments, credit_refunds),
        rows=ROWS,
    )


def _plans(account: RevolvingAccount) -> list[InstallmentPlan]:
    installments = PlanInstallment.objects.select_related("statement").order_by("number")
    return list(
        InstallmentPlan.objects.filter(account=account)
        .select_related("order", "statement")
        .prefetch_related(Prefetch("installments", queryset=installments))
        .order_by("-id")[:ROWS]
    )


def _unbilled_purchases(account: RevolvingAccount) -> Decimal:
    """What the plain purchases not billed yet still owe (index ``order_unbilled``)."""
    owed = Order.objects.filter(
        account=account,
        status=OrderStatus.CAPTURED,
        statement__isnull=True,
        plan_term__isnull=True,
    ).aggregate(
        total=Coalesce(
            Sum(F("amount") - F("refunded_amount") - F("paid_amount")),
            ZERO,
            output_field=DecimalField(max_digits=16, decimal_places=2),
        )
    )
    return owed["total"]


def _sum(queryset: QuerySet[PlanInstallment], field: str) -> Decimal:
    total = queryset.aggregate(total=Sum(field))["total"]
    return total if total is not None else ZERO


def _ledger(account: RevolvingAccount, number: int) -> Page[JournalLine]:
    """A page of the account's journal lines, newest entry first (index
    ``journal_line_revolving``)."""
    lines = (
        JournalLine.objects.filter(revolving_account=account)
        .select_related("entry")
        .order_by("-entry_id", "id")
    )
    return Paginator(lines, LEDGER_PAGE_SIZE).get_page(number)


def _sources(
    orders: list[Order],
    refunds: list[Refund],
    payments: list[RevolvingPayment],
    credit_refunds: list[CreditRefund],
) -> dict[int, str]:
    """What posted each journal entry the page's rows know of; close of business's nightly
    entries (interest, penalty, fees billed, a credit balance used) have only their type."""
    found: dict[int, str] = {}
    for order in orders:
        if order.entry_id:
            found[order.entry_id] = _("Purchase, order %(id)s") % {"id": order.pk}
    for refund in refunds:
        found[refund.entry_id] = _("Refund %(reference)s of order %(id)s") % {
            "reference": refund.merchant_refund_id,
            "id": refund.order_id,
        }
    for payment in payments:
        found[payment.entry_id] = _("Payment %(reference)s") % {"reference": payment.reference}
    for credit in credit_refunds:
        found[credit.entry_id] = _("Credit balance refund %(reference)s") % {
            "reference": credit.reference
        }
    return found


# --- the summary header ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RevolvingAccountSummary:
    limit_amount: Decimal  # the credit line's
    used_amount: Decimal  # of the line: cash loans and this account's unpaid principal
    available_amount: Decimal  # what a purchase or a draw may still take (the services' check)
    unbilled_purchases_amount: Decimal
    unbilled_installments_amount: Decimal
    unbilled_charges_amount: Decimal  # interest and penalty charged since the last bill
    current_bill: Statement | None  # the latest bill
    owed_on_bills_amount: Decimal  # still unpaid on every bill (the latest bill's balance, less
    # what was paid since)
    minimum_owed_amount: Decimal  # the minimum still unpaid on every bill
    past_due_amount: Decimal  # the minimum unpaid of bills whose pay-by date has passed
    past_due_since: date | None  # the oldest such pay-by date

    @property
    def is_past_due(self) -> bool:
        return self.past_due_amount > 0


def revolving_account_summary(
    *, page: RevolvingAccountPage, as_of: date
) -> RevolvingAccountSummary:
    """Summarise the account read for its page on business date ``as_of``: no query of its own."""
    account, line = page.account, page.account.credit_line
    late = [b for b in page.bills if b.pay_by_date < as_of and b.minimum_unpaid_amount > 0]
    return RevolvingAccountSummary(
        limit_amount=line.limit_amount,
        used_amount=line.used_amount,
        available_amount=line.available_amount,
        unbilled_purchases_amount=page.unbilled_purchases_amount,
        unbilled_installments_amount=page.unbilled_installments_amount,
        unbilled_charges_amount=account.unbilled_interest_amount + account.unbilled_penalty_amount,
        current_bill=page.bills[0] if page.bills else None,
        owed_on_bills_amount=sum((b.unpaid_amount for b in page.bills), ZERO),
        minimum_owed_amount=sum((b.minimum_unpaid_amount for b in page.bills), ZERO),
        past_due_amount=sum((b.minimum_unpaid_amount for b in late), ZERO),
        past_due_since=min((b.pay_by_date for b in late), default=None),
    )
