"""Sending an auto-debit attempt for a revolving account's bills (PRODUCT §10, §11).

The sender's reads and write for a bill's attempt, as for a loan's (``sending``): the attempt
is taken under its lock (SKIP LOCKED) with its binding, and its revolving account under the
account's lock (the lock the revolving payment service takes), so a borrower's own payment
waits or is waited for; what the bills due by then still owe is read after the lock, so that
payment lowers the amount or leaves nothing to collect; one attempt of the account in flight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

from loans.payments.collection.amounts import BILL_OWED_SQL
from loans.payments.models import CardBinding, CollectionAttempt
from loans.revolving.models import RevolvingAccount

ATTEMPT = CollectionAttempt._meta.db_table
ACCOUNT = RevolvingAccount._meta.db_table

_TAKE_SQL = f"""
SELECT a.key, a.account_id, a.due_date, a.part, a.amount, a.scheduled_at, b.status,
       b.agreement_reference, r.status,
       EXISTS (SELECT FROM {ATTEMPT} f
               WHERE f.account_id = a.account_id AND f.status IN ('SENDING', 'PENDING')),
       (SELECT "current_date" FROM loans_businessdate WHERE id = 1)
FROM {ATTEMPT} a
JOIN {CardBinding._meta.db_table} b ON b.id = a.binding_id
JOIN {ACCOUNT} r ON r.id = a.account_id
WHERE a.id = %s AND a.status = 'PLANNED' AND a.scheduled_at <= %s
FOR UPDATE OF a SKIP LOCKED
FOR UPDATE OF r
"""  # noqa: S608 - the interpolated parts are table names

# Read after the account's lock: the take's snapshot is older than a payment it waited for.
_OWED_SQL = f"SELECT owed FROM (SELECT %(account)s AS account_id) s, LATERAL ({BILL_OWED_SQL}) o"  # noqa: S608 - SQL of this package

_SENDING_SQL = f"""
UPDATE {ATTEMPT} a SET status = 'SENDING', amount = %(amount)s, sent_at = %(now)s
WHERE a.id = %(id)s AND NOT EXISTS (
    SELECT FROM {ATTEMPT} f WHERE f.account_id = %(account)s AND f.status IN ('SENDING', 'PENDING'))
"""  # noqa: S608 - the interpolated part is a table name


@dataclass(frozen=True, slots=True)
class BillTaken:
    """A bill's attempt as the take reads it, under its lock and its account's."""

    key: str
    account_id: int
    due_date: date
    part: bool
    amount: Decimal
    scheduled_at: datetime
    binding_status: str
    agreement_reference: str
    account_status: str
    other_in_flight: bool
    business_date: date


def bill_attempt_take(*, attempt_id: int, now: datetime) -> BillTaken | None:
    """Lock a PLANNED bill attempt due by ``now`` and its account; None if it is not one, not
    due, or taken by another sender. In the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_SQL, [attempt_id, now])
        row = cursor.fetchone()
    return None if row is None else BillTaken(*row)


def bill_amount_collectable(*, taken: BillTaken) -> Decimal:
    """What the account's bills due by the attempt's due date (or the business date, if later)
    still owe; for a part, at most its planned amount."""
    due_by = max(taken.business_date, taken.due_date)
    with connection.cursor() as cursor:
        cursor.execute(_OWED_SQL, {"account": taken.account_id, "due_by": due_by})
        owed: Decimal = cursor.fetchone()[0]
    return min(owed, taken.amount) if taken.part else owed


def bill_attempt_sending(
    *, attempt_id: int, account_id: int, amount: Decimal, now: datetime
) -> bool:
    """Mark the attempt SENDING unless another attempt of the account is in flight."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SENDING_SQL, {"amount": amount, "now": now, "id": attempt_id, "account": account_id}
        )
        return cursor.rowcount == 1
