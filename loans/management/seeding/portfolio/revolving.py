"""Revolving accounts for a seeded portfolio (issue #18): ``seed_portfolio --revolving N``.

After the loans are seeded (the business date is D), N revolving accounts are opened on
active credit lines with room, ``months`` before D, and their months are played night by
night up to D - 1, as the platform would have lived them:

- purchases: each day about one account in seven buys ¥20 to ¥800 at a seeding shop, written
  set-based (orders, their capture entries and lines, the accounts' and lines' principal in one
  statement), never beyond the line's limit;
- refunds: a few of the last days' unbilled purchases are refunded in part (the refund service);
- payments: on each bill's due date the borrower pays the bill in full, the minimum, or nothing
  (by account, so some accounts roll into arrears), through the payment service;
- nights: the revolving close of business of each date (``revolving_day_close``: bills, the
  interest-free check, interest, penalty, days past due), set-based over every account.

The reminders those nights would have sent are recorded as sent, so the first real close of
business queues only its own. The business date is D again at the end and ``reconcile`` passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction

from accounts.models import Partner
from loans.calendar.models import BusinessDate
from loans.domain.dates import add_months
from loans.revolving.models import (
    Order,
    OrderStatus,
    RevolvingAccount,
    RevolvingPaymentChannel,
    RevolvingProduct,
    Statement,
)
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.refunds import order_refund
from loans.revolving.services.reminders import bill_owing, bill_reminders_history_record

ZERO = Decimal("0.00")
ROOM_NEEDED = Decimal("2000.00")  # a line opens an account only with this much available
PRODUCT_CODE = "huabei"
SHOP_CODE = "seed-shop"


class RevolvingSeedRefused(ValueError):
    """Not enough active credit lines with room for the accounts asked for."""


@dataclass
class RevolvingSummary:
    accounts: int = 0
    purchases: int = 0
    refunds: int = 0
    payments: int = 0
    bills: int = 0
    steps: dict[str, float] = field(default_factory=dict)

    def timed(self, step: str, started: float) -> None:
        self.steps[step] = self.steps.get(step, 0.0) + time.monotonic() - started


_OPEN_SQL = """
INSERT INTO revolving_revolvingaccount
    (credit_line_id, product_id, statement_day, status, opened_date, principal_amount,
     last_statement_date, unbilled_interest_amount, unbilled_penalty_amount, days_past_due,
     bucket, last_closed_date, created_at)
SELECT l.id, %(product)s, 1 + (l.id %% 28), 'ACTIVE', %(opened)s, 0, NULL, 0, 0, 0,
       'CURRENT', NULL, %(now)s
FROM loans_creditline l
WHERE l.status = 'ACTIVE' AND l.limit_amount - l.used_amount >= %(room)s
  AND NOT EXISTS (SELECT 1 FROM revolving_revolvingaccount a WHERE a.credit_line_id = l.id)
ORDER BY l.id
LIMIT %(count)s
"""

# One day's purchases: pick accounts (setseed makes the pick repeatable), give each order its
# id first, then write the capture entries, their lines (Dr REVOLVING_RECEIVABLE, Cr
# MERCHANT_PAYABLE in the account's sub-ledger), the orders, and the principal moved.
_PURCHASES_SQL = """
WITH pick AS MATERIALIZED (
    SELECT a.id AS account_id, a.credit_line_id,
           nextval(pg_get_serial_sequence('revolving_order', 'id')) AS order_id,
           round((20 + random() * 780)::numeric, 2) AS amount
    FROM revolving_revolvingaccount a
    WHERE a.id = ANY(%(accounts)s) AND random() < %(share)s
), fit AS MATERIALIZED (
    SELECT p.* FROM pick p JOIN loans_creditline l ON l.id = p.credit_line_id
    WHERE l.status = 'ACTIVE' AND l.limit_amount - l.used_amount >= p.amount
), entry AS (
    INSERT INTO loans_journalentry (entry_type, value_date, key, memo, posted_at)
    SELECT 'PURCHASE', %(day)s, 'order-' || f.order_id || '-capture',
           'Purchase, order ' || f.order_id, %(now)s
    FROM fit f
    RETURNING id, key
), numbered AS (
    SELECT f.*, e.id AS entry_id FROM fit f
    JOIN entry e ON e.key = 'order-' || f.order_id || '-capture'
), line AS (
    INSERT INTO loans_journalline (entry_id, account, amount, revolving_account_id)
    SELECT n.entry_id, v.account, v.sign * n.amount, n.account_id
    FROM numbered n
    CROSS JOIN (VALUES ('REVOLVING_RECEIVABLE', 1), ('MERCHANT_PAYABLE', -1)) AS v(account, sign)
), placed AS (
    INSERT INTO revolving_order
        (id, partner_id, account_id, merchant_order_id, amount, description, plan_term,
         merchant_subsidised, status, created_at, expires_at, captured_at, captured_date,
         entry_id, refunded_amount, paid_amount, statement_id)
    OVERRIDING SYSTEM VALUE
    SELECT n.order_id, %(partner)s, n.account_id, 'SEED-' || n.order_id, n.amount,
           'Seeded purchase', NULL, false, 'CAPTURED', %(now)s, %(now)s + interval '15 minutes',
           %(now)s, %(day)s, n.entry_id, 0, 0, NULL
    FROM numbered n
), account AS (
    UPDATE revolving_revolvingaccount a SET principal_amount = a.principal_amount + n.amount
    FROM numbered n WHERE a.id = n.account_id
)
UPDATE loans_creditline l SET used_amount = l.used_amount + n.amount, updated_at = %(now)s
FROM numbered n WHERE l.id = n.credit_line_id
"""

Report = Callable[[str], None]


def revolving_seed(
    *, accounts: int, as_of: date, months: int = 4, seed: int = 1, report: Report | None = None
) -> RevolvingSummary:
    """Open ``accounts`` revolving accounts ``months`` before ``as_of`` and play their nights.

    Raises RevolvingSeedRefused when fewer active credit lines have room for them.
    """
    summary = RevolvingSummary()
    opened = add_months(as_of, -months)
    started = time.monotonic()
    ids = _accounts_open(accounts, opened)
    summary.accounts = len(ids)
    summary.timed("revolving: open accounts", started)
    partner = _shop()
    day = opened
    while day < as_of:
        _day_play(day, ids, partner, seed, summary)
        if report is not None and (day.day == 1 or day + timedelta(days=1) == as_of):
            report(f"revolving {day}: {summary.purchases:,} purchases, {summary.bills:,} bills")
        day += timedelta(days=1)
    started = time.monotonic()
    bill_reminders_history_record(through=as_of - timedelta(days=1), sent_at=_noon(as_of))
    BusinessDate.objects.filter(id=1).update(current_date=as_of)
    summary.timed("revolving: reminders recorded", started)
    return summary


@transaction.atomic
def _accounts_open(count: int, opened: date) -> list[int]:
    product, _ = RevolvingProduct.objects.get_or_create(
        code=PRODUCT_CODE, defaults={"name": "花呗"}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _OPEN_SQL,
            {
                "product": product.pk,
                "opened": opened,
                "now": _noon(opened),
                "room": ROOM_NEEDED,
                "count": count,
            },
        )
        if cursor.rowcount < count:
            raise RevolvingSeedRefused(
                f"Only {cursor.rowcount} active credit lines have ¥{ROOM_NEEDED:,.2f} free for a "
                f"revolving account; {count} were asked for. Seed more loans (borrowers)."
            )
    return list(
        RevolvingAccount.objects.filter(opened_date=opened, product=product)
        .order_by("-id")
        .values_list("id", flat=True)[:count]
    )


def _shop() -> int:
    partner, _ = Partner.objects.get_or_create(code=SHOP_CODE, defaults={"name": "Seed shop"})
    return int(partner.pk)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)  # 12:00 Beijing


def _day_play(
    day: date, ids: list[int], partner: int, seed: int, summary: RevolvingSummary
) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)
    started = time.monotonic()
    summary.purchases += _purchases(day, ids, partner, seed)
    summary.timed("revolving: purchases", started)
    started = time.monotonic()
    summary.refunds += _refunds(day, ids)
    summary.timed("revolving: refunds", started)
    started = time.monotonic()
    summary.payments += _payments(day, ids)
    summary.timed("revolving: payments", started)
    started = time.monotonic()
    with transaction.atomic():  # its work tables live until the commit, as in cob_run_finish
        night = revolving_day_close(business_date=day)
    summary.bills += int(night.get("revolving_bills", 0))
    summary.timed("revolving: nights (close of business)", started)


@transaction.atomic
def _purchases(day: date, ids: list[int], partner: int, seed: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [((seed * 7919 + day.toordinal()) % 10_000) / 10_000])
        cursor.execute(
            _PURCHASES_SQL,
            {"accounts": ids, "share": 1 / 7, "day": day, "now": _noon(day), "partner": partner},
        )
        return int(cursor.rowcount)


def _refunds(day: date, ids: list[int]) -> int:
    """Half of every 40th purchase of the last days, still unbilled, is refunded."""
    orders = Order.objects.filter(
        account_id__in=ids,
        status=OrderStatus.CAPTURED,
        statement__isnull=True,
        refunded_amount=0,
        paid_amount=0,
        captured_date=day - timedelta(days=2),
    ).values_list("id", "amount")
    refunded = 0
    for order_id, amount in orders:
        if order_id % 40:
            continue
        order_refund(
            order_id=order_id,
            merchant_refund_id=f"SEED-R{order_id}",
            amount=(amount / 2).quantize(Decimal("0.01")),
            now=_noon(day),
        )
        refunded += 1
    return refunded


def _payments(day: date, ids: list[int]) -> int:
    """On a bill's due date: most pay it in full, some the minimum, a few nothing."""
    bills = Statement.objects.filter(account_id__in=ids, due_date=day)
    paid = 0
    for bill in bills:
        behaviour = (bill.account_id * 7 + bill.statement_date.month) % 10
        if behaviour == 0:
            continue  # nothing paid: the account falls past due
        owing = bill_owing(statement=bill)
        amount = owing.minimum if behaviour <= 2 else owing.amount
        if amount <= 0:
            continue
        revolving_payment_post(
            account_id=bill.account_id,
            amount=amount,
            channel=RevolvingPaymentChannel.PORTAL,
            reference=f"SEED-P{bill.pk}",
            now=_noon(day),
        )
        paid += 1
    return paid
