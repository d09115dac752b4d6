"""The month-end provision posting (PRODUCT §13, CAS 22): one balanced entry per month end.

For month end M the allowance of each stage is the sum of the stored ``provision_amount`` of
M's classification rows, the loans' and the revolving accounts' alike; the entry posts, per
stage, its change from the previous classified month end: Dr PROVISION_EXPENSE / Cr
LOAN_LOSS_PROVISION for an increase, the other way round for a release. So
LOAN_LOSS_PROVISION always holds minus (the latest month's total).

Idempotent per month end: the entry is keyed ``provision:<M>``. Run again with the same rows,
nothing is posted; after a change (a back-dated repayment, a write-off approved the next
morning), the month's live entry is reversed (dated M, linked to it) and the new one posted
with the key ``provision:<M>:<n>`` (n = 2, 3, …). Only the latest classified month is posted:
an earlier month's change would shift the base of the later months.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from loans.domain.classification import ProvisionStage
from loans.errors import LendingError
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import Line, credit, debit, entry_post, entry_reverse, lines_kept
from loans.reporting.models import LoanClassification

KEY_PREFIX = "provision:"
ZERO = Decimal("0.00")


class ProvisionMonthNotLatest(LendingError):
    code = "provision_month_not_latest"


def provision_totals(*, month_end: date | None) -> dict[ProvisionStage, Decimal]:
    """Return the stored allowance of each stage at ``month_end`` (0.00 for none)."""
    totals = dict.fromkeys(ProvisionStage, ZERO)
    if month_end is None:
        return totals
    rows = (
        LoanClassification.objects.filter(month_end=month_end)
        .values("provision_stage")
        .annotate(total=Sum("provision_amount"))
    )
    for row in rows:
        totals[ProvisionStage(row["provision_stage"])] = row["total"]
    return totals


def provision_lines(
    *, current: dict[ProvisionStage, Decimal], previous: dict[ProvisionStage, Decimal]
) -> list[Line]:
    """The entry's lines: per stage (1, 2, 3), the allowance's change; zero changes dropped."""
    lines: list[Line] = []
    for stage in ProvisionStage:
        change = current[stage] - previous[stage]
        lines += [
            debit(AccountCode.PROVISION_EXPENSE, change),
            credit(AccountCode.LOAN_LOSS_PROVISION, change),
        ]
    return lines_kept(lines)


@transaction.atomic
def provisions_post(*, month_end: date) -> JournalEntry | None:
    """Post (or correct) the provision entry of ``month_end``; return the live entry, if any.

    Raises ProvisionMonthNotLatest when a later month end is classified.
    """
    if LoanClassification.objects.filter(month_end__gt=month_end).exists():
        raise ProvisionMonthNotLatest(
            f"A month after {month_end} is classified; its provision is based on this one."
        )
    previous_end = (
        LoanClassification.objects.filter(month_end__lt=month_end)
        .order_by("-month_end")
        .values_list("month_end", flat=True)
        .first()
    )
    current = provision_totals(month_end=month_end)
    lines = provision_lines(current=current, previous=provision_totals(month_end=previous_end))
    posted = _month_entries(month_end)
    live = next((entry for entry in posted if not hasattr(entry, "reversed_by")), None)
    if live is not None and _same(live, lines):
        return live
    if live is not None:
        entry_reverse(entry=live, value_date=month_end, memo=f"Provision of {month_end} restated")
    if not lines:
        return None
    key = f"{KEY_PREFIX}{month_end}" + (f":{len(posted) + 1}" if posted else "")
    return entry_post(
        entry_type=EntryType.PROVISION,
        value_date=month_end,
        lines=lines,
        key=key,
        memo=_memo(month_end, current),
    )


def _month_entries(month_end: date) -> list[JournalEntry]:
    """Every provision entry posted for ``month_end``, oldest first (reversed ones included)."""
    key = f"{KEY_PREFIX}{month_end}"
    return list(
        JournalEntry.objects.filter(entry_type=EntryType.PROVISION, value_date=month_end)
        .filter(key__startswith=key)
        .select_related("reversed_by")
        .order_by("id")
    )


def _same(entry: JournalEntry, lines: list[Line]) -> bool:
    posted = sorted((line.account, line.amount) for line in entry.lines.all())
    return posted == sorted((str(line.account), line.amount) for line in lines)


def _memo(month_end: date, totals: dict[ProvisionStage, Decimal]) -> str:
    parts = ", ".join(f"stage {int(stage)} {totals[stage]}" for stage in ProvisionStage)
    return f"Loan-loss provision at {month_end}: {parts}"
