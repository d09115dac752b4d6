"""Factories for the lending core. Loans are drawn through the services, never built by hand."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import factory

from accounts.models import Borrower
from loans.calendar.models import BusinessDate
from loans.domain.schedule import RepaymentMethod
from loans.origination.models import ApplicationStatus, CreditApplication, LoanProduct
from loans.origination.services.drawdown import ContractAcceptance, loan_draw
from loans.servicing.models import CreditLine, Loan
from tests.factories.accounts import borrower_create

DRAW_DATE = date(2027, 1, 15)
CONTRACT_TEXT = "LendPortal loan contract v1"


class ProductFactory(factory.django.DjangoModelFactory[LoanProduct]):
    """A CASH-like product: equal installment and equal principal, 3-24 months, rate by grade."""

    class Meta:
        model = LoanProduct
        django_get_or_create = ("code",)

    code = "CASH"
    name = "Cash loan"
    name_zh = "现金贷"
    methods = [RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL]
    terms = [3, 6, 12, 24]
    rates_by_grade = {
        "A": "0.072000",
        "B": "0.108000",
        "C": "0.144000",
        "D": "0.180000",
        "E": "0.239000",
    }


def installment_product() -> LoanProduct:
    return ProductFactory.create(
        code="INSTALLMENT",
        name="Installment plan",
        name_zh="分期付",
        methods=[RepaymentMethod.INSTALLMENT_FEE],
        terms=[3, 6, 12],
        rates_by_grade={},
        annual_rate=Decimal("0"),
        fee_rate=Decimal("0.006"),
    )


def credit_line_for(
    borrower: Borrower,
    *,
    limit: Decimal = Decimal("30000.00"),
    grade: str = "D",
    rate: Decimal = Decimal("0.180000"),
) -> CreditLine:
    """Open a credit line as an approved application would (the scorecard is tested apart)."""
    application = CreditApplication.objects.create(
        borrower=borrower,
        applied_date=DRAW_DATE,
        status=ApplicationStatus.APPROVED,
        scorecard_version=1,
        inputs={},
        score=0,
        grade=grade,
        credit_limit_amount=limit,
        annual_rate=rate,
    )
    return CreditLine.objects.create(
        borrower=borrower,
        application=application,
        limit_amount=limit,
        grade=grade,
        annual_rate=rate,
    )


def contract_for(borrower: Borrower, **overrides: Any) -> ContractAcceptance:
    values: dict[str, Any] = {
        "version": "v1",
        "text_hash": hashlib.sha256(CONTRACT_TEXT.encode()).hexdigest(),
        "accepted_at": datetime(2027, 1, 15, 2, 0, tzinfo=UTC),
        "signature_name": borrower.full_name,
        "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (iPhone)",
    }
    values.update(overrides)
    return ContractAcceptance(**values)


def borrower_with_line(**line: Any) -> Borrower:
    borrower = borrower_create()
    credit_line_for(borrower, **line)
    return borrower


@contextmanager
def business_date_open_on(day: date) -> Iterator[None]:
    """Open ``day`` as the business date for what happens inside (a loan drawn then).

    ``loan_draw`` takes only the open business date (#17); a fixture that draws a loan dated
    ``day`` builds the history in which ``day`` was open. A different date open before is put
    back afterwards; with none open, ``day`` stays open.
    """
    before = BusinessDate.objects.filter(id=1).values_list("current_date", flat=True).first()
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})
    try:
        yield
    finally:
        if before is not None and before != day:
            BusinessDate.objects.filter(id=1).update(current_date=before)


def draw(
    borrower: Borrower | None = None,
    *,
    principal: str = "10000.00",
    term: int = 12,
    method: RepaymentMethod = RepaymentMethod.EQUAL_INSTALLMENT,
    as_of: date = DRAW_DATE,
    product: LoanProduct | None = None,
) -> Loan:
    borrower = borrower or borrower_with_line()
    with business_date_open_on(as_of):
        return loan_draw(
            borrower=borrower,
            product=product or ProductFactory.create(),
            principal=Decimal(principal),
            term=term,
            method=method,
            contract=contract_for(borrower),
            as_of=as_of,
        )
