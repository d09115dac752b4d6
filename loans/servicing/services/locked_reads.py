"""The two reads every repayment starts with, written out: the loan under lock, and its unpaid
installments (issue #7 speed).

Through the ORM each call compiled its SELECT again (37 and 21 columns), which cost more than
PostgreSQL spends running it; at the partner API's rate that was a tenth of a repayment's CPU.
The columns come from the models and the rows become instances as the ORM's would
(``loans.rows``: the loan's JSON rules are decoded).
Other services, off the hot path, lock and read with the ORM.
"""

from __future__ import annotations

from django.db import connection

from loans.rows import instances_from_rows, select_list
from loans.servicing.models import Installment, Loan


def loan_lock(*, loan_id: int, partner_id: int | None = None) -> Loan:
    """``SELECT ... FOR UPDATE`` of the loan (the partner's, if given); in a transaction.

    Raises Loan.DoesNotExist.
    """
    names, select = select_list(Loan)
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
    return instances_from_rows(Loan, names, rows)[0]


def installments_unpaid_read(*, loan: Loan) -> list[Installment]:
    """The loan's installments without a paid date, by number (each knows its ``loan``)."""
    names, select = select_list(Installment)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select} FROM loans_installment "  # noqa: S608 - the model's columns
            "WHERE loan_id = %s AND paid_date IS NULL ORDER BY number",
            [loan.pk],
        )
        rows = instances_from_rows(Installment, names, cursor.fetchall())
    for row in rows:
        Installment.loan.field.set_cached_value(row, loan)
    return rows
