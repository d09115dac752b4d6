"""The two reads every repayment starts with, written out: the loan under lock, and its unpaid
installments (issue #7 speed).

Through the ORM each call compiled its SELECT again (37 and 21 columns), which cost more than
PostgreSQL spends running it; at the partner API's rate that was a tenth of a repayment's CPU.
The columns come from the models, in field order (what ``Model.from_db`` expects), and each
value goes through its field's converters as the ORM's would (the loan's JSON rules).
Other services, off the hot path, lock and read with the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model

from loans.models import Installment, Loan


@cache
def _columns(model: type[Model]) -> tuple[list[str], str]:
    """The model's attribute names in field order, and its SELECT list."""
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], ", ".join(f'"{f.column}"' for f in fields)


@cache
def _converters(model: type[Model]) -> list[tuple[int, list[Callable[..., Any]]]]:
    fields = model._meta.concrete_fields
    found = [(i, f.get_db_converters(connection)) for i, f in enumerate(fields)]  # type: ignore[attr-defined]  # not in django-stubs
    return [(i, converters) for i, converters in found if converters]


def _built[M: Model](model: type[M], rows: Sequence[Sequence[Any]]) -> list[M]:
    names, _ = _columns(model)
    converters = _converters(model)
    built = []
    for row in rows:
        values = list(row)
        for index, field_converters in converters:
            for convert in field_converters:
                values[index] = convert(values[index], None, connection)
        built.append(model.from_db(connection.alias, names, values))
    return built


def loan_lock(*, loan_id: int, partner_id: int | None = None) -> Loan:
    """``SELECT ... FOR UPDATE`` of the loan (the partner's, if given); in a transaction.

    Raises Loan.DoesNotExist.
    """
    _, select = _columns(Loan)
    sql = f"SELECT {select} FROM loans_loan WHERE id = %s"  # noqa: S608 - the model's columns
    params: list[int] = [loan_id]
    if partner_id is not None:
        sql += " AND partner_id = %s"
        params.append(partner_id)
    with connection.cursor() as cursor:
        cursor.execute(sql + " FOR UPDATE", params)
        rows = cursor.fetchall()
    if not rows:
        raise Loan.DoesNotExist(f"Loan {loan_id} does not exist.")
    return _built(Loan, rows)[0]


def installments_unpaid_read(*, loan: Loan) -> list[Installment]:
    """The loan's installments without a paid date, by number (each knows its ``loan``)."""
    _, select = _columns(Installment)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select} FROM loans_installment "  # noqa: S608 - the model's columns
            "WHERE loan_id = %s AND paid_date IS NULL ORDER BY number",
            [loan.pk],
        )
        rows = _built(Installment, cursor.fetchall())
    for row in rows:
        Installment.loan.field.set_cached_value(row, loan)
    return rows
