"""Merchant subsidies withheld (PRODUCT §10): a partner pays the fees of its subsidised plans
(免息) out of what it is paid.

The cut of D posts the fees billed on D as the partner's debt: Dr SUBSIDY_RECEIVABLE (in each
account's sub-ledger), Cr FEE_INCOME (``revolving:<D>:subsidies``). The settlement of D withholds
each partner's share from its payout and posts, in its transaction, one entry per partner:
Dr MERCHANT_PAYABLE, Cr SUBSIDY_RECEIVABLE (type SUBSIDY_WITHHELD, key
``merchant-subsidy:<partner>:<yyyymmdd>``, value date D). So the receivable holds the subsidies
billed and not yet settled, and the payable what the settlements still owe.

A cut made before the receivable existed (ledger migration 0010) posted the subsidies against the
payable directly: its date has nothing to move, and nothing is posted for it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from loans.ledger.models import AccountCode, EntryType, JournalEntry, JournalLine
from loans.ledger.services import credit, debit, entry_post


def merchant_subsidy_key(*, partner_id: int, business_date: date) -> str:
    return f"merchant-subsidy:{partner_id}:{business_date:%Y%m%d}"


@transaction.atomic
def merchant_subsidies_post(
    *, business_date: date, subsidies: dict[int, Decimal]
) -> list[JournalEntry]:
    """Post each partner's subsidies of ``business_date`` out of the receivable; once each.

    A partner whose entry exists already (its key) is skipped; nothing is posted for a date
    whose cut did not make them a receivable (see the module). Booked on the first open day if
    the date's month is closed (``back_dated``), like the merchant fees.
    """
    keys = {
        partner: merchant_subsidy_key(partner_id=partner, business_date=business_date)
        for partner, amount in subsidies.items()
        if amount
    }
    if not keys or not _cut_made_receivable(business_date):
        return []
    posted = set(JournalEntry.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    return [
        entry_post(
            entry_type=EntryType.SUBSIDY_WITHHELD,
            value_date=business_date,
            lines=[
                debit(AccountCode.MERCHANT_PAYABLE, subsidies[partner]),
                credit(AccountCode.SUBSIDY_RECEIVABLE, subsidies[partner]),
            ],
            key=key,
            memo=f"Subsidies of partner {partner} billed {business_date.isoformat()}, withheld",
            back_dated=True,
        )
        for partner, key in sorted(keys.items())
        if key not in posted
    ]


def _cut_made_receivable(business_date: date) -> bool:
    return JournalLine.objects.filter(
        entry__key=f"revolving:{business_date.isoformat()}:subsidies",
        account=AccountCode.SUBSIDY_RECEIVABLE,
    ).exists()
