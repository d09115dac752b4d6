"""Cutting the bills of a statement date, set-based (PRODUCT §10), as close of business closes
the date: the SQL form of ``loans.domain.revolving.statement.statement_cut``.

Accounts whose statement day is the date's day of the month get the bill of the cycle
[previous statement date, S): the plain purchases captured before S and not billed yet (less
what was refunded or paid before billing), the plan installments whose statement date is S or
earlier and not billed yet (principal; the fee when the borrower pays it, and the fees of
merchant-subsidised plans in ``merchant_fees_amount``, outside the balance), and the interest
and penalty close of business charged since the last cut (``loans.revolving.services.close``),
with what the earlier bills still owe carried. The minimum is round(rate x all revolving
principal) + 100% of the new installments, fees, interest and penalty + the earlier unpaid
minimum, at most the balance. A bill of nothing is not written. Cutting a date twice cuts
nothing more (``last_statement_date`` and the unique (account, date)); ``statement.issued``
tells the borrower's partner of each bill written.

The fees billed are posted as they fall due (PRODUCT §3), one entry per date and kind, each
account's debit in its sub-ledger and the income once: the borrower's fees Dr FEE_RECEIVABLE,
Cr FEE_INCOME (``revolving:<S>:fees``); merchant-subsidised fees Dr SUBSIDY_RECEIVABLE (the
partner owes them; its settlement withholds them, ``loans.payments.merchant_subsidies``), Cr
FEE_INCOME (``revolving:<S>:subsidies``).
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.db import connection

from loans.calendar.sql import pay_by_sql
from loans.events.services.outbox import outbox_events_insert_select
from loans.ledger.models import AccountCode, EntryType, JournalEntry

logger = logging.getLogger(__name__)

_CUT = f"""
WITH due AS (
    SELECT a.id, a.opened_date, p.due_days, p.minimum_payment_rate,
        a.unbilled_interest_amount AS new_interest, a.unbilled_penalty_amount AS new_penalty
    FROM revolving_revolvingaccount a JOIN revolving_revolvingproduct p ON p.id = a.product_id
    WHERE a.statement_day = %(day_of_month)s AND a.status = 'ACTIVE'
      AND a.opened_date < %(day)s
      AND (a.last_statement_date IS NULL OR a.last_statement_date < %(day)s)
), new AS (
    SELECT o.account_id, sum(o.amount - o.refunded_amount - o.paid_amount) AS revolving
    FROM revolving_order o
    WHERE o.account_id IN (SELECT id FROM due) AND o.status = 'CAPTURED'
      AND o.statement_id IS NULL AND o.captured_date < %(day)s
      AND o.plan_term IS NULL
    GROUP BY o.account_id
), inst AS (
    SELECT i.account_id, sum(i.principal_amount) AS principal,
        coalesce(sum(i.fee_amount) FILTER (WHERE pl.fee_payer = 'BORROWER'), 0) AS fees,
        coalesce(sum(i.fee_amount) FILTER (WHERE pl.fee_payer = 'MERCHANT'), 0) AS merchant_fees
    FROM revolving_planinstallment i JOIN revolving_installmentplan pl ON pl.id = i.plan_id
    WHERE i.account_id IN (SELECT id FROM due) AND i.statement_id IS NULL
      AND i.statement_date <= %(day)s
    GROUP BY i.account_id
), earlier AS (
    SELECT s.account_id,
        sum(s.revolving_principal_unpaid_amount) AS revolving,
        sum(s.installment_principal_unpaid_amount) AS installment,
        sum(s.fees_unpaid_amount) AS fees,
        sum(s.interest_unpaid_amount) AS interest,
        sum(s.penalty_unpaid_amount) AS penalty,
        sum(s.minimum_unpaid_amount) AS minimum_unpaid
    FROM revolving_statement s
    WHERE s.account_id IN (SELECT id FROM due)
    GROUP BY s.account_id
), bill AS (
    SELECT d.id AS account_id, d.minimum_payment_rate,
        (%(day)s + d.due_days)::date AS due_date,
        greatest((%(day)s - interval '1 month')::date, d.opened_date) AS cycle_start,
        coalesce(n.revolving, 0) AS new_revolving,
        coalesce(i.principal, 0) AS new_installment,
        coalesce(i.fees, 0) AS new_fees,
        coalesce(i.merchant_fees, 0) AS merchant_fees,
        coalesce(e.revolving, 0) + coalesce(n.revolving, 0) AS revolving,
        coalesce(e.installment, 0) + coalesce(i.principal, 0) AS installment,
        coalesce(e.fees, 0) + coalesce(i.fees, 0) AS fees,
        d.new_interest, d.new_penalty,
        coalesce(e.interest, 0) + d.new_interest AS interest,
        coalesce(e.penalty, 0) + d.new_penalty AS penalty,
        coalesce(e.revolving, 0) + coalesce(e.installment, 0) + coalesce(e.fees, 0)
            + coalesce(e.interest, 0) + coalesce(e.penalty, 0) AS previous_unpaid,
        coalesce(e.minimum_unpaid, 0) AS earlier_minimum
    FROM due d LEFT JOIN new n ON n.account_id = d.id LEFT JOIN earlier e ON e.account_id = d.id
        LEFT JOIN inst i ON i.account_id = d.id
), totalled AS (
    SELECT b.*, b.previous_unpaid + b.new_revolving + b.new_installment + b.new_fees
            + b.new_interest + b.new_penalty AS balance
    FROM bill b
), priced AS (
    SELECT b.*, least(
            round(b.minimum_payment_rate * b.revolving, 2) + b.new_installment + b.new_fees
                + b.new_interest + b.new_penalty + b.earlier_minimum,
            b.balance
        ) AS minimum
    FROM totalled b
)
INSERT INTO revolving_statement (
    account_id, statement_date, due_date, pay_by_date, cycle_start, previous_unpaid_amount,
    new_revolving_principal_amount, new_installment_principal_amount, new_fees_amount,
    new_interest_amount, new_penalty_amount, revolving_principal_amount,
    installment_principal_amount, fees_amount, interest_amount, penalty_amount,
    minimum_payment_amount, minimum_unpaid_amount, revolving_principal_unpaid_amount,
    installment_principal_unpaid_amount, fees_unpaid_amount, interest_unpaid_amount,
    penalty_unpaid_amount, merchant_fees_amount, created_at
)
SELECT p.account_id, %(day)s, p.due_date, {pay_by_sql("p.due_date")}, p.cycle_start,
    p.previous_unpaid, p.new_revolving, p.new_installment, p.new_fees, p.new_interest,
    p.new_penalty, p.revolving, p.installment, p.fees, p.interest, p.penalty, p.minimum,
    greatest(p.minimum - p.earlier_minimum, 0), p.new_revolving, p.new_installment, p.new_fees,
    p.new_interest, p.new_penalty, p.merchant_fees, now()
FROM priced p
WHERE p.balance > 0
ON CONFLICT (account_id, statement_date) DO NOTHING
"""  # noqa: S608 - the fragment is the calendar's; the values are parameters

# The purchases the new bills took, then every account of the day marked cut (with or
# without a bill).
_PURCHASES_BILL = """
UPDATE revolving_order o SET statement_id = s.id
FROM revolving_statement s
WHERE s.statement_date = %(day)s AND o.account_id = s.account_id AND o.status = 'CAPTURED'
  AND o.statement_id IS NULL AND o.captured_date < %(day)s AND o.plan_term IS NULL
"""
# The plan installments the new bills took.
_INSTALLMENTS_BILL = """
UPDATE revolving_planinstallment i SET statement_id = s.id
FROM revolving_statement s
WHERE s.statement_date = %(day)s AND i.account_id = s.account_id AND i.statement_id IS NULL
  AND i.statement_date <= %(day)s
"""
# The fees the bills written by this cut took (their accounts are not marked cut yet): the
# debit per account in its sub-ledger, the income once.
_FEE_LINES = """
INSERT INTO loans_journalline (entry_id, account, revolving_account_id, amount)
SELECT %(entry)s, %(debit)s, s.account_id, s.{column}
FROM revolving_statement s JOIN revolving_revolvingaccount a ON a.id = s.account_id
WHERE s.statement_date = %(day)s AND s.{column} > 0
  AND (a.last_statement_date IS NULL OR a.last_statement_date < %(day)s)
UNION ALL
SELECT %(entry)s, 'FEE_INCOME', NULL, -%(total)s
"""
_FEE_TOTALS = """
SELECT coalesce(sum(s.new_fees_amount), 0), coalesce(sum(s.merchant_fees_amount), 0)
FROM revolving_statement s JOIN revolving_revolvingaccount a ON a.id = s.account_id
WHERE s.statement_date = %(day)s
  AND (a.last_statement_date IS NULL OR a.last_statement_date < %(day)s)
"""
_ACCOUNTS_MARK = """
UPDATE revolving_revolvingaccount a SET last_statement_date = %(day)s,
    unbilled_interest_amount = 0, unbilled_penalty_amount = 0
WHERE a.statement_day = %(day_of_month)s AND a.status = 'ACTIVE' AND a.opened_date < %(day)s
  AND (a.last_statement_date IS NULL OR a.last_statement_date < %(day)s)
"""
# ``statement.issued`` for the bills this cut wrote (their accounts are not marked cut yet), to
# the partner of the borrower (the events of partners' borrowers only).
_ISSUED = """
SELECT b.partner_id, 'statement.issued', jsonb_build_object(
        'account', a.id, 'borrower', b.id, 'statement_date', s.statement_date,
        'due_date', s.due_date, 'pay_by_date', s.pay_by_date,
        'balance', (s.revolving_principal_amount + s.installment_principal_amount
                    + s.fees_amount + s.interest_amount + s.penalty_amount)::text,
        'minimum_payment', s.minimum_payment_amount::text)
FROM revolving_statement s
JOIN revolving_revolvingaccount a ON a.id = s.account_id
JOIN loans_creditline c ON c.id = a.credit_line_id
JOIN accounts_borrower b ON b.id = c.borrower_id
WHERE s.statement_date = %(day)s AND b.partner_id IS NOT NULL
  AND (a.last_statement_date IS NULL OR a.last_statement_date < %(day)s)
ORDER BY s.id
"""


def statements_cut(*, statement_date: date) -> int:
    """Cut the bills of ``statement_date`` (run inside close of business's transaction).

    Returns how many bills were written. Statement days run from 1 to 28, so every date of a
    month is the statement date of the accounts with its day, and no other.
    """
    params: dict[str, date | int] = {"day": statement_date, "day_of_month": statement_date.day}
    with connection.cursor() as cursor:
        cursor.execute(_CUT, params)
        bills = int(cursor.rowcount)
        cursor.execute(_PURCHASES_BILL, params)
        cursor.execute(_INSTALLMENTS_BILL, params)
    if bills:
        _fees_post(statement_date, params)
        outbox_events_insert_select(select_sql=_ISSUED, params=params)
    with connection.cursor() as cursor:
        cursor.execute(_ACCOUNTS_MARK, params)
    if bills:
        logger.info("%s revolving bills cut for %s", bills, statement_date)
    return bills


def _fees_post(statement_date: date, params: dict[str, date | int]) -> None:
    """Post the fees the bills of this cut took (module docstring)."""
    with connection.cursor() as cursor:
        cursor.execute(_FEE_TOTALS, params)
        borrower, merchant = cursor.fetchone() or (0, 0)
    for kind, column, debit, total in (
        ("fees", "new_fees_amount", AccountCode.FEE_RECEIVABLE, Decimal(borrower)),
        ("subsidies", "merchant_fees_amount", AccountCode.SUBSIDY_RECEIVABLE, Decimal(merchant)),
    ):
        if not total:
            continue
        entry = JournalEntry.objects.create(
            entry_type=EntryType.FEE_DUE,
            value_date=statement_date,
            key=f"revolving:{statement_date.isoformat()}:{kind}",
            memo=f"Revolving installment {kind} billed {statement_date.isoformat()}",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                _FEE_LINES.format(column=column),
                {**params, "entry": entry.pk, "debit": str(debit), "total": total},
            )
