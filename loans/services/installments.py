"""Changing installment rows by recorded deltas, so a repayment can be undone exactly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F

from loans.domain.accrual import interest_before_from
from loans.models import Installment, Loan

SNAPSHOT_FIELDS = (
    "number",
    "period_start",
    "due_date",
    "principal_amount",
    "interest_amount",
    "fee_amount",
    "accrual_start_date",
    "accrual_base_amount",
)


@dataclass(frozen=True, slots=True)
class Change:
    """Add ``delta`` to ``field`` of installment ``number``."""

    number: int
    field: str
    delta: Decimal

    def as_data(self) -> dict[str, str | int]:
        return {"number": self.number, "field": self.field, "delta": str(self.delta)}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Change:
        return cls(int(data["number"]), str(data["field"]), Decimal(data["delta"]))

    def inverse(self) -> Change:
        return Change(self.number, self.field, -self.delta)


def changes_apply(*, loan: Loan, changes: Iterable[Change]) -> None:
    """Apply the changes with one UPDATE per installment touched."""
    grouped: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for change in changes:
        if change.delta:
            grouped[change.number][change.field] += change.delta
    for number, fields in grouped.items():
        Installment.objects.filter(loan=loan, number=number).update(
            **{field: F(field) + delta for field, delta in fields.items()}
        )


def is_settled(i: Installment) -> bool:
    """Is everything scheduled or charged on this installment paid or waived?"""
    return (
        i.principal_paid_amount == i.principal_amount
        and i.interest_paid_amount + i.interest_waived_amount == i.interest_amount
        and i.fee_paid_amount + i.fee_waived_amount == i.fee_amount
        and i.penalty_paid_amount + i.penalty_waived_amount == i.penalty_charged_amount
    )


def paid_dates_refresh(*, loan: Loan, as_of: date) -> None:
    """Mark settled installments paid on ``as_of`` and unsettled ones unpaid."""
    for installment in loan.installments.all():
        settled = is_settled(installment)
        if settled and installment.paid_date is None:
            installment.paid_date = as_of
            installment.save(update_fields=["paid_date"])
        elif not settled and installment.paid_date is not None:
            installment.paid_date = None
            installment.save(update_fields=["paid_date"])


def earned_interest_before(installment: Installment, as_of: date) -> Decimal:
    """Return the installment's interest for the days before ``as_of`` (算头不算尾, §2.5)."""
    return interest_before_from(
        period_interest=installment.interest_amount,
        accrual_base=installment.accrual_base_amount,
        accrual_start=installment.accrual_start_date,
        due_date=installment.due_date,
        as_of=as_of,
    )


def schedule_snapshot(rows: Sequence[Installment]) -> list[dict[str, str | int]]:
    """Return the schedule fields of ``rows`` as JSON data, to restore them later."""
    return [{field: _json(getattr(row, field)) for field in SNAPSHOT_FIELDS} for row in rows]


def schedule_restore(*, loan: Loan, snapshot: list[dict[str, Any]]) -> None:
    """Put the snapshot's rows back: update the ones that exist, recreate the ones dropped."""
    for data in snapshot:
        values = {
            "period_start": date.fromisoformat(data["period_start"]),
            "due_date": date.fromisoformat(data["due_date"]),
            "principal_amount": Decimal(data["principal_amount"]),
            "interest_amount": Decimal(data["interest_amount"]),
            "fee_amount": Decimal(data["fee_amount"]),
            "accrual_start_date": date.fromisoformat(data["accrual_start_date"]),
            "accrual_base_amount": Decimal(data["accrual_base_amount"]),
        }
        Installment.objects.update_or_create(loan=loan, number=int(data["number"]), defaults=values)


def _json(value: object) -> str | int:
    if isinstance(value, int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
