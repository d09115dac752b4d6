"""One signature, one loan (issue #16, hole 1): the signed form posted ten times at once draws
once; the other nine find that loan. Real transactions, one connection per thread."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loans.domain.schedule import RepaymentMethod
from loans.origination.services.drawdown import DrawnAlready, loan_draw
from loans.servicing.models import CreditLine, Loan
from tests.factories.loans import DRAW_DATE, ProductFactory, borrower_with_line, contract_for
from tests.integration.servicing.test_concurrency import business_date_set, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_parallel_posts_of_one_signed_form_draw_one_loan() -> None:
    business_date_set(DRAW_DATE)
    product = ProductFactory.create()
    borrower = borrower_with_line(limit=Decimal("30000.00"))

    def post_the_form() -> Loan:
        return loan_draw(
            borrower=borrower,
            product=product,
            principal=Decimal("1000.00"),
            term=6,
            method=RepaymentMethod.EQUAL_INSTALLMENT,
            contract=contract_for(borrower),
            as_of=DRAW_DATE,
            draw_key="one-signature-token-0001",
        )

    outcomes = run_together(*[post_the_form] * 10)

    drawn = [o.value for o in outcomes if o.error is None]
    found = [o.error for o in outcomes if isinstance(o.error, DrawnAlready)]
    assert len(drawn) == 1, [repr(o.error) for o in outcomes]
    assert len(found) == 9, [repr(o.error) for o in outcomes]
    assert {error.loan.pk for error in found} == {drawn[0].pk}
    assert Loan.objects.filter(borrower=borrower).count() == 1
    assert CreditLine.objects.get(borrower=borrower).used_amount == Decimal("1000.00")
