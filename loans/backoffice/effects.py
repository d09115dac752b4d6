"""What an officer's action would do, shown on its confirmation page before anything is kept.

The action's own service runs and is rolled back (``dry_run``, as the portal's repayment
preview does), so the page shows exactly what confirming will post on the same
business date: the loan's balances before and after, and what the service returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from loans.servicing.models import Loan
from loans.servicing.services.dry_run import dry_run

BALANCES = (
    ("principal_outstanding_amount", "Principal outstanding"),
    ("interest_receivable_amount", "Interest receivable"),
    ("fee_receivable_amount", "Fees receivable"),
    ("penalty_receivable_amount", "Penalty receivable"),
    ("advance_amount", "Advance held"),
    ("overpayment_amount", "Overpayment held"),
)


@dataclass(frozen=True, slots=True)
class BalanceChange:
    field: str
    label: str
    before: Decimal
    after: Decimal

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class Effect:
    """The loan before and after an action, and the action's result (already rolled back)."""

    status_before: str
    status_after: str
    balances: tuple[BalanceChange, ...]
    result: Any

    @property
    def changed(self) -> tuple[BalanceChange, ...]:
        return tuple(change for change in self.balances if change.delta)


def effect_preview[T](*, loan: Loan, run: Callable[[], T]) -> Effect:
    """Run ``run``, read its effect on ``loan``, roll everything back (``dry_run``).

    Whatever ``run`` raises (a refusal) propagates, and nothing is kept either way.
    """
    before = _snapshot(loan.pk)

    def run_and_read() -> tuple[T, dict[str, Any]]:
        return run(), _snapshot(loan.pk)

    result, after = dry_run(run_and_read)
    return Effect(
        status_before=before["status"],
        status_after=after["status"],
        balances=tuple(
            BalanceChange(field, label, before[field], after[field]) for field, label in BALANCES
        ),
        result=result,
    )


def _snapshot(loan_id: int) -> dict[str, Any]:
    return Loan.objects.values("status", *(field for field, _ in BALANCES)).get(pk=loan_id)
