"""Merchant fees (PRODUCT §10 "paid out the next working day, minus any merchant fee"): the
platform's discount on the purchases captured at a partner's checkout, its income.

The fee of a business date D, per partner, is set-based over D's captures and refunds:

    fee = sum of round(amount x rate) over the purchases captured on D
        - sum of [round(refunded through it x rate) - round(refunded before it x rate)]
          over the refunds valued on D (through/before: of the refund's order, in order)

rounded HALF_UP to the fen per order (PostgreSQL's ``round(numeric, 2)`` rounds half away from
zero, the same for these positive amounts). A refund gives the fee back in proportion to the
amount refunded: the partner returns the money, so the platform returns its discount on it (as
card acquirers do). Counting each refund against what its order had refunded before it keeps the
fen exact: one refund gives back round(refund x rate), and the refunds of a whole purchase give
back exactly the fee it paid, never a fen more (two refunds of ¥1.00 at 0.5% would otherwise give
back 0.01 + 0.01 of a 0.01 fee). A day of more refunds than purchases has a negative fee.

The rate is the partner's ``merchant_fee_rate`` when D is settled (``merchant_settle`` runs
within half an hour of the close of D): a change applies to every purchase and refund of the
first business date not settled yet, never to a settled date. A refund of a purchase captured
before a change gives back at the new rate (docs/revolving.md "Merchant settlement").

Posted at settlement, one entry per partner and date with a fee: Dr MERCHANT_PAYABLE, Cr
FEE_INCOME (type FEE_DUE, key ``merchant-fee:<partner>:<yyyymmdd>``, value date D), the lines
reversed for a negative fee; so the payable keeps exactly what the settlements still owe.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import credit, debit, entry_post
from loans.revolving.models import OrderStatus

_FEES_SQL = """
WITH purchase AS (
    SELECT o.partner_id, round(o.amount * p.merchant_fee_rate, 2) AS fee
    FROM loans_journalentry e
    JOIN revolving_order o ON o.entry_id = e.id
    JOIN accounts_partner p ON p.id = o.partner_id
    WHERE e.value_date = %(day)s AND o.status = %(captured)s AND p.merchant_fee_rate > 0
), refunded AS (
    -- every refund of an order refunded on D, with what the order had refunded through it
    SELECT o.partner_id, p.merchant_fee_rate AS rate, e.value_date, r.amount,
           sum(r.amount) OVER (PARTITION BY r.order_id ORDER BY r.id) AS through
    FROM revolving_refund r
    JOIN loans_journalentry e ON e.id = r.entry_id
    JOIN revolving_order o ON o.id = r.order_id
    JOIN accounts_partner p ON p.id = o.partner_id
    WHERE p.merchant_fee_rate > 0 AND r.order_id IN (
        SELECT d.order_id FROM revolving_refund d
        JOIN loans_journalentry de ON de.id = d.entry_id
        WHERE de.value_date = %(day)s
    )
), given_back AS (
    SELECT partner_id, round(through * rate, 2) - round((through - amount) * rate, 2) AS fee
    FROM refunded WHERE value_date = %(day)s
)
SELECT partner_id, sum(fee) FROM (
    SELECT partner_id, fee FROM purchase
    UNION ALL
    SELECT partner_id, -fee FROM given_back
) fees
GROUP BY partner_id HAVING sum(fee) <> 0
"""


def merchant_fees_owed(*, business_date: date) -> dict[int, Decimal]:
    """Return the merchant fee of ``business_date`` per partner whose fee is not 0.00.

    Exact to the fen (module docstring); negative for a partner whose refunds of the date give
    back more fee than its purchases of the date pay.
    """
    with connection.cursor() as cursor:
        cursor.execute(_FEES_SQL, {"day": business_date, "captured": OrderStatus.CAPTURED.value})
        return {int(partner): Decimal(fee) for partner, fee in cursor.fetchall()}


def merchant_fee_key(*, partner_id: int, business_date: date) -> str:
    return f"merchant-fee:{partner_id}:{business_date:%Y%m%d}"


@transaction.atomic
def merchant_fees_post(*, business_date: date, fees: dict[int, Decimal]) -> list[JournalEntry]:
    """Post each partner's fee of ``business_date`` as income out of MERCHANT_PAYABLE; once.

    Dr MERCHANT_PAYABLE, Cr FEE_INCOME for a positive fee, the reverse for a negative one; a
    partner whose entry exists already (its key) is skipped. Valued on the settled date and
    booked on the first open day if its month is closed (``back_dated``), like a late posting.
    """
    keys = {
        partner: merchant_fee_key(partner_id=partner, business_date=business_date)
        for partner, fee in fees.items()
        if fee
    }
    posted = set(JournalEntry.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    entries = []
    for partner, key in sorted(keys.items()):
        if key in posted:
            continue
        fee = fees[partner]
        entries.append(
            entry_post(
                entry_type=EntryType.FEE_DUE,
                value_date=business_date,
                lines=[
                    debit(AccountCode.MERCHANT_PAYABLE, fee),
                    credit(AccountCode.FEE_INCOME, fee),
                ],
                key=key,
                memo=f"Merchant fees of partner {partner} for {business_date.isoformat()}",
                back_dated=True,
            )
        )
    return entries
