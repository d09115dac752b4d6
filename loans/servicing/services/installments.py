"""Changing installment rows by recorded deltas, so a repayment can be undone exactly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from loans.domain.accrual import interest_before_from
from loans.servicing.models import Installment, Loan

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
    """Apply the changes with one UPDATE of every installment touched (plain SQL: every
    repayment runs it, and the ORM took longer to compile it than PostgreSQL to run it)."""
    grouped: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for change in changes:
        if change.delta:
            grouped[change.number][change.field] += change.delta
    if not grouped:
        return
    fields = sorted({field for moved in grouped.values() for field in moved})
    unknown = set(fields) - _AMOUNT_COLUMNS
    if unknown:
        raise ValueError(f"Not an installment amount: {sorted(unknown)}")
    numbers = list(grouped)
    arrays = [[grouped[n].get(field, Decimal(0)) for n in numbers] for field in fields]
    assignments = ", ".join(f'"{f}" = i."{f}" + v."{f}"' for f in fields)
    unnest = ", ".join(["%s::int[]", *["%s::numeric[]"] * len(fields)])
    names = ", ".join(["number", *(f'"{f}"' for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE loans_installment i SET {assignments} "  # noqa: S608 - checked column names
            f"FROM unnest({unnest}) AS v({names}) WHERE i.loan_id = %s AND i.number = v.number",
            [numbers, *arrays, loan.pk],
        )


_AMOUNT_COLUMNS = frozenset(
    f.column for f in Installment._meta.concrete_fields if f.column.endswith("_amount")
)


# Settled installments get ``paid_date``, unsettled ones lose it; rows that agree are left
# alone. Settled: everything scheduled or charged is paid or waived. Plain SQL: the ORM
# spent longer compiling this statement than PostgreSQL spends running it.
_SETTLED = """(
    principal_paid_amount = principal_amount
    AND interest_paid_amount + interest_waived_amount = interest_amount
    AND fee_paid_amount + fee_waived_amount = fee_amount
    AND penalty_paid_amount + penalty_waived_amount = penalty_charged_amount
)"""
_PAID_DATES_UPDATE = f"""
    UPDATE loans_installment SET paid_date = CASE WHEN {_SETTLED} THEN %(as_of)s::date END
    WHERE loan_id = %(loan)s AND {_SETTLED} = (paid_date IS NULL)
"""  # noqa: S608 - constant SQL; the values are parameters


def paid_dates_refresh(*, loan: Loan, as_of: date) -> None:
    """Mark settled installments paid on ``as_of`` and unsettled ones unpaid (one UPDATE)."""
    with connection.cursor() as cursor:
        cursor.execute(_PAID_DATES_UPDATE, {"as_of": as_of, "loan": loan.pk})


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
