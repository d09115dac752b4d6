"""What an officer's action would do, shown on its confirmation page before anything is kept.

The action's own service runs inside a savepoint that is then rolled back (as the portal's
repayment preview does), so the page shows exactly what confirming will post on the same
business date: the loan's balances before and after, and what the service returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from loans.models import Loan

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


class _Discard(Exception):
    pass


def effect_preview[T](*, loan: Loan, run: Callable[[], T]) -> Effect:
    """Run ``run`` in a savepoint, read its effect on ``loan``, roll everything back.

    Whatever ``run`` raises (a refusal) propagates, and nothing is kept either way.
    """
    before = _snapshot(loan.pk)
    effect: Effect | None = None
    try:
        with transaction.atomic():
            result = run()
            after = _snapshot(loan.pk)
            effect = Effect(
                status_before=before["status"],
                status_after=after["status"],
                balances=tuple(
                    BalanceChange(field, label, before[field], after[field])
                    for field, label in BALANCES
                ),
                result=result,
            )
            raise _Discard
    except _Discard:
        pass
    if effect is None:  # pragma: no cover - the block above either raised or set it
        raise RuntimeError("effect preview missing")
    return effect


def _snapshot(loan_id: int) -> dict[str, Any]:
    return Loan.objects.values("status", *(field for field, _ in BALANCES)).get(pk=loan_id)
