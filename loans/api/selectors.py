"""Reads of the partner API's own: the partner's loan as the API shows it (issue #7 speed)."""

from __future__ import annotations

from django.db import connection

from loans.origination.models import LoanProduct
from loans.rows import instances_from_rows
from loans.servicing.models import Loan

BIGINT_MAX = 2**63 - 1  # PostgreSQL's bigint, the type of every id


# The columns the partner API's LoanSerializer reads: a loan row has 37, and the product's 18 more.
API_LOAN_COLUMNS = (
    *("id", "status", "borrower_id", "product_id", "principal_amount", "term", "method"),
    *("annual_rate", "fee_rate", "apr", "drawn_date", "disbursed_date", "closed_date"),
    *("days_past_due", "bucket", "contract_version", "accepted_at", "created_at"),
    *("principal_outstanding_amount", "interest_receivable_amount", "fee_receivable_amount"),
    *("penalty_receivable_amount", "advance_amount", "overpayment_amount", "product__code"),
)


# The loan read by id, written out once: the ORM spends about 0.75 ms compiling this query on
# every call, a sixth of a loan read (issue #7). Its columns are API_LOAN_COLUMNS' in the model's
# field order (loans.rows builds the loan); read with a plain cursor, because RawQuerySet
# inspects the model and the cursor's columns on every call (a fifth of a loan read's CPU).
_LOAN_READ_FIELDS = [
    field.attname for field in Loan._meta.concrete_fields if field.attname in API_LOAN_COLUMNS
]


_LOAN_READ = (
    "SELECT "  # noqa: S608 - the names are the model's, the values parameters
    + ", ".join(f"l.{name}" for name in _LOAN_READ_FIELDS)
    + ", p.code FROM loans_loan l JOIN loans_loanproduct p ON p.id = l.product_id"
    " WHERE l.id = %s AND l.partner_id = %s"
)


def partner_loan_read(*, partner_id: int, loan_id: int) -> Loan | None:
    """The partner's loan with this id as LoanSerializer reads it, or None."""
    if loan_id > BIGINT_MAX:  # no such id; PostgreSQL would compare as numeric, reading all
        return None
    with connection.cursor() as cursor:
        cursor.execute(_LOAN_READ, [loan_id, partner_id])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, code = row
    loan = instances_from_rows(Loan, _LOAN_READ_FIELDS, [values])[0]
    loan.product = LoanProduct.from_db(connection.alias, ["id", "code"], [loan.product_id, code])
    return loan
