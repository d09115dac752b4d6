"""Close of business of a date for revolving accounts, set-based (PRODUCT §10, §2.4): the SQL
form of ``loans.domain.revolving.interest.day_close``, after the date's bills are cut.

For the business date D, over every account at once (a few statements, never one ORM save per
account), once the accounts it cuts or charges are locked in id order (as a payment locks its
account, so a payment is either before the night or after it):

1. The bills of D are cut (``statements_cut``): they take the interest and penalty charged
   since the last cut. An account cut with a credit balance uses it on what it owes now
   (``credit_balance_use``, one by one: credit balances are rare).
2. Interest-free check at the close of a bill's pay-by date: if any of its own revolving
   principal is unpaid, round(unpaid * daily rate * days from the statement date through the
   due date, both counted) + one daily amount for each day after the due date through the
   pay-by date; the bill bears interest from then on (``Statement.bears_interest``).
3. Daily interest on each bill that bears interest, from the day after its pay-by date:
   round((unpaid revolving principal - its overdue unpaid minimum) * daily rate), per bill.
4. Overdue: DPD = D - the pay-by date of the oldest bill whose own minimum is unpaid after it;
   bucket of §2.4; penalty on the overdue unpaid minimum of all bills: nothing while DPD ≤
   grace, (grace + 1) daily amounts on DPD = grace + 1, then one a day, each
   round(base * min(daily rate * 360 * multiplier, cap) / 360).
5. Postings, one entry per date and kind (keyed ``revolving:<D>:interest`` / ``…:penalty``):
   Dr INTEREST_RECEIVABLE (PENALTY_RECEIVABLE) per account in its sub-ledger, Cr INTEREST_INCOME
   (PENALTY_INCOME) once, the date's total. The accounts' unbilled interest and penalty move by
   the same amounts; the next cut bills them.
6. ``account.overdue`` to the borrower's partner on an account's first day past due.

Only accounts with a bill past or at its pay-by date that still owes minimum or revolving
principal, or still past due, are looked at (a partial index keeps them few). Each is marked
``last_closed_date = D``: a rerun of D skips it, so the date is charged once per account.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from loans.events.services.outbox import outbox_events_insert_select
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.revolving.models import RevolvingAccount
from loans.revolving.services.payments import credit_balance_use
from loans.revolving.services.statements import statements_cut

logger = logging.getLogger(__name__)

# Every account the night cuts or charges is locked first, in id order, as a payment locks
# its account (``revolving_payment_post``): a payment that came in before waits for nothing and
# is seen by every later statement; one that comes during the night waits for its end.
_LOCK = """
WITH locked AS (
    SELECT a.id FROM revolving_revolvingaccount a
    WHERE a.status = 'ACTIVE'
      AND (a.statement_day = %(day_of_month)s OR a.days_past_due > 0
           OR a.id IN (SELECT s.account_id FROM revolving_statement s
                       WHERE s.pay_by_date <= %(day)s
                         AND (s.minimum_unpaid_amount > 0
                              OR s.revolving_principal_unpaid_amount > 0)))
    ORDER BY a.id
    FOR UPDATE OF a
)
SELECT count(*) FROM locked
"""

# The accounts to close on D and their terms; the bills they own that D can touch.
_ACCOUNTS = """
CREATE TEMP TABLE revolving_close_account ON COMMIT DROP AS
WITH candidate AS (
    SELECT s.account_id FROM revolving_statement s
    WHERE s.pay_by_date <= %(day)s
      AND (s.minimum_unpaid_amount > 0 OR s.revolving_principal_unpaid_amount > 0)
    UNION
    SELECT a.id FROM revolving_revolvingaccount a WHERE a.days_past_due > 0
)
SELECT a.id AS account_id, a.days_past_due AS dpd_before, p.daily_rate, p.grace_days,
    least(p.daily_rate * 360 * p.penalty_multiplier, p.rate_cap) AS penalty_rate
FROM candidate c
JOIN revolving_revolvingaccount a ON a.id = c.account_id
JOIN revolving_revolvingproduct p ON p.id = a.product_id
WHERE a.status = 'ACTIVE' AND a.opened_date <= %(day)s
  AND (a.last_closed_date IS NULL OR a.last_closed_date < %(day)s)
"""

_BILLS = """
CREATE TEMP TABLE revolving_close_bill ON COMMIT DROP AS
SELECT s.id, s.account_id, s.pay_by_date, s.minimum_unpaid_amount AS minimum_unpaid,
    (s.pay_by_date = %(day)s AND NOT s.bears_interest
        AND s.revolving_principal_unpaid_amount > 0) AS checked,
    CASE WHEN s.pay_by_date = %(day)s AND NOT s.bears_interest
              AND s.revolving_principal_unpaid_amount > 0
         THEN round(s.revolving_principal_unpaid_amount * c.daily_rate
                    * (s.due_date - s.statement_date + 1), 2)
              + (s.pay_by_date - s.due_date)
                * round(s.revolving_principal_unpaid_amount * c.daily_rate, 2)
         ELSE 0 END AS check_interest,
    CASE WHEN s.bears_interest AND s.pay_by_date < %(day)s
         THEN round(greatest(s.revolving_principal_unpaid_amount - s.minimum_unpaid_amount, 0)
                    * c.daily_rate, 2)
         ELSE 0 END AS daily_interest
FROM revolving_statement s JOIN revolving_close_account c ON c.account_id = s.account_id
WHERE s.pay_by_date <= %(day)s
"""

# Per account: interest of its bills, the overdue minimum, days past due, bucket, penalty.
_CHARGES = """
CREATE TEMP TABLE revolving_close_charge ON COMMIT DROP AS
WITH bills AS (
    SELECT b.account_id,
        sum(b.check_interest) AS check_interest,
        sum(b.daily_interest) AS daily_interest,
        coalesce(sum(b.minimum_unpaid) FILTER (
            WHERE b.pay_by_date < %(day)s AND b.minimum_unpaid > 0), 0) AS overdue,
        min(b.pay_by_date) FILTER (
            WHERE b.pay_by_date < %(day)s AND b.minimum_unpaid > 0) AS oldest
    FROM revolving_close_bill b GROUP BY b.account_id
), aged AS (
    SELECT c.account_id, c.dpd_before, c.grace_days, c.penalty_rate,
        coalesce(b.check_interest, 0) AS check_interest,
        coalesce(b.daily_interest, 0) AS daily_interest,
        coalesce(b.overdue, 0) AS overdue,
        coalesce(%(day)s - b.oldest, 0) AS dpd
    FROM revolving_close_account c LEFT JOIN bills b ON b.account_id = c.account_id
)
SELECT account_id, dpd_before, dpd, overdue, check_interest + daily_interest AS interest,
    CASE WHEN dpd <= grace_days THEN 0
         ELSE round(overdue * penalty_rate / 360, 2)
              * CASE WHEN dpd = grace_days + 1 THEN grace_days + 1 ELSE 1 END
    END AS penalty,
    CASE WHEN dpd = 0 THEN 'CURRENT' WHEN dpd <= 30 THEN 'M1' WHEN dpd <= 60 THEN 'M2'
         WHEN dpd <= 90 THEN 'M3' ELSE 'M4_PLUS' END AS bucket
FROM aged
"""

_BILLS_MARK = """
UPDATE revolving_statement s SET bears_interest = true
FROM revolving_close_bill b WHERE b.id = s.id AND b.checked
"""

_ACCOUNTS_MOVE = """
UPDATE revolving_revolvingaccount a SET
    unbilled_interest_amount = a.unbilled_interest_amount + c.interest,
    unbilled_penalty_amount = a.unbilled_penalty_amount + c.penalty,
    days_past_due = c.dpd, bucket = c.bucket, last_closed_date = %(day)s
FROM revolving_close_charge c WHERE c.account_id = a.id
"""

# Dr the receivable per account (its sub-ledger), Cr the income once: one INSERT, the ledger
# guard checks whole entries per statement.
_LINES = """
INSERT INTO loans_journalline (entry_id, account, revolving_account_id, amount)
SELECT %(entry)s, %(debit)s, c.account_id, c.{column} FROM revolving_close_charge c
WHERE c.{column} > 0
UNION ALL
SELECT %(entry)s, %(credit)s, NULL, %(total)s
"""

_OVERDUE = """
SELECT b.partner_id, 'account.overdue', jsonb_build_object(
        'account', c.account_id, 'borrower', b.id, 'business_date', %(day)s::date,
        'days_past_due', c.dpd, 'overdue_minimum', c.overdue::text)
FROM revolving_close_charge c
JOIN revolving_revolvingaccount a ON a.id = c.account_id
JOIN loans_creditline l ON l.id = a.credit_line_id
JOIN accounts_borrower b ON b.id = l.borrower_id
WHERE c.dpd_before = 0 AND c.dpd > 0 AND b.partner_id IS NOT NULL
ORDER BY c.account_id
"""


def revolving_day_close(*, business_date: date) -> dict[str, Any]:
    """Close ``business_date`` for every revolving account (module docstring, steps 1-6).

    Runs inside close of business's transaction (``cob_run_finish``), once the date's loans are
    closed; running it again for the same date changes nothing. Returns the summary figures.
    """
    params: dict[str, Any] = {"day": business_date, "day_of_month": business_date.day}
    with connection.cursor() as cursor:
        cursor.execute(_LOCK, params)
    bills = statements_cut(statement_date=business_date)
    credits = _credits_use(business_date)
    with connection.cursor() as cursor:
        for sql in (_ACCOUNTS, _BILLS, _CHARGES):
            cursor.execute(sql, params)
        cursor.execute("ANALYZE revolving_close_charge")
        cursor.execute(_BILLS_MARK, params)
        checked = int(cursor.rowcount)
        cursor.execute(
            """SELECT count(*), coalesce(sum(interest), 0), coalesce(sum(penalty), 0),
                   count(*) FILTER (WHERE dpd_before = 0 AND dpd > 0),
                   count(*) FILTER (WHERE dpd > 0)
               FROM revolving_close_charge"""
        )
        closed, interest, penalty, newly_overdue, past_due = cursor.fetchone() or (0,) * 5
    _post(
        business_date,
        "interest",
        EntryType.INTEREST_ACCRUAL,
        AccountCode.INTEREST_RECEIVABLE,
        AccountCode.INTEREST_INCOME,
        Decimal(interest),
    )
    _post(
        business_date,
        "penalty",
        EntryType.PENALTY,
        AccountCode.PENALTY_RECEIVABLE,
        AccountCode.PENALTY_INCOME,
        Decimal(penalty),
    )
    with connection.cursor() as cursor:
        cursor.execute(_ACCOUNTS_MOVE, params)
    if newly_overdue:
        outbox_events_insert_select(select_sql=_OVERDUE, params=params)
    with connection.cursor() as cursor:
        for table in ("revolving_close_charge", "revolving_close_bill", "revolving_close_account"):
            cursor.execute(f"DROP TABLE {table}")
    if closed:
        logger.info(
            "revolving close %s: %s accounts, interest %s, penalty %s, %s newly overdue",
            business_date,
            closed,
            interest,
            penalty,
            newly_overdue,
        )
    return {
        "revolving_bills": bills,
        "revolving_credits_used": credits,
        "revolving_accounts_charged": int(closed),
        "revolving_interest_checks": checked,
        "revolving_interest": f"{Decimal(interest):.2f}",
        "revolving_penalty": f"{Decimal(penalty):.2f}",
        "revolving_newly_overdue": int(newly_overdue),
        "revolving_past_due": int(past_due),
    }


# The accounts whose credit balance the bills of D can use (the domain's ``credit_apply`` after
# the cut): a credit balance is rare (a payment above what was owed, a refund after billing),
# so these few are taken one by one, under the night's lock.
_CREDITS = """
SELECT a.id FROM revolving_revolvingaccount a
WHERE a.credit_balance_amount > 0 AND a.status = 'ACTIVE'
  AND EXISTS (SELECT 1 FROM revolving_statement s
              WHERE s.account_id = a.id AND s.statement_date = %(day)s)
ORDER BY a.id
"""


def _credits_use(business_date: date) -> int:
    """Use the credit balance of each account cut on ``business_date`` that has one."""
    with connection.cursor() as cursor:
        cursor.execute(_CREDITS, {"day": business_date})
        ids = [row[0] for row in cursor.fetchall()]
    for account in RevolvingAccount.objects.filter(pk__in=ids).select_related("credit_line"):
        credit_balance_use(account, as_of=business_date)
    return len(ids)


def _post(
    business_date: date,
    column: str,
    entry_type: EntryType,
    debit: AccountCode,
    credit: AccountCode,
    total: Decimal,
) -> None:
    if not total:
        return
    entry = JournalEntry.objects.create(
        entry_type=entry_type,
        value_date=business_date,
        key=f"revolving:{business_date.isoformat()}:{column}",
        memo=f"Revolving accounts' {column} of {business_date.isoformat()}",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _LINES.format(column=column),
            {"entry": entry.pk, "debit": str(debit), "credit": str(credit), "total": -total},
        )
