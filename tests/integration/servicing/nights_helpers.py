"""Close of business for tests of corrections: real nights (loans.cob), and a loan's books."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from loans.cob.models import CobChunk
from loans.cob.services.runs import cob_chunk_process, cob_run_finish, cob_run_open
from loans.servicing.models import Loan, Repayment, RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.integration.servicing.world import INSTALLMENT_AMOUNTS, LOAN_BALANCES


def close(day: date) -> None:
    """Close business date ``day`` as close of business does; the next date opens."""
    run = cob_run_open(business_date=day, chunk_size=1000)
    for chunk in CobChunk.objects.filter(run=run):
        cob_chunk_process(chunk_id=chunk.pk)
    cob_run_finish(run_id=run.pk)


def close_through(first: date, last: date) -> None:
    day = first
    while day <= last:
        close(day)
        day += timedelta(days=1)


def pay(loan: Loan, amount: str | Decimal, on: date, *, as_of: date) -> Repayment:
    return repayment_post(
        loan=loan,
        amount=Decimal(amount),
        value_date=on,
        as_of=as_of,
        channel=RepaymentChannel.PORTAL,
    )


def books_of(loan: Loan) -> dict[str, Any]:
    """The loan's balances, state and every installment's amounts and paid date."""
    loan.refresh_from_db()
    return {
        "status": loan.status,
        "balances": tuple(getattr(loan, f) for f in LOAN_BALANCES),
        "installments": list(
            loan.installments.order_by("number").values_list(
                "number", "paid_date", *INSTALLMENT_AMOUNTS
            )
        ),
    }
