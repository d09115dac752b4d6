"""A loan is drawn only on the open business date (issue #17): any other ``as_of``, past or
future, is refused with LoanDrawDateNotOpen and nothing is written."""

from datetime import timedelta
from decimal import Decimal

import pytest

from loans.domain.schedule import RepaymentMethod
from loans.events.models import OutboxEvent
from loans.origination.services.drawdown import LoanDrawDateNotOpen, loan_draw
from loans.servicing.models import CreditLine
from tests.factories.api import business_date_set
from tests.factories.loans import DRAW_DATE, ProductFactory, borrower_with_line, contract_for
from tests.integration.servicing.world import world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "offset", [-1, -30, 1, 365], ids=["yesterday", "a month ago", "tomorrow", "next year"]
)
def test_a_draw_dated_off_the_business_date_is_refused_and_writes_nothing(offset):
    business_date_set(DRAW_DATE)
    borrower = borrower_with_line()
    product = ProductFactory.create()
    before = world()
    as_of = DRAW_DATE + timedelta(days=offset)

    with pytest.raises(LoanDrawDateNotOpen) as refusal:
        loan_draw(
            borrower=borrower,
            product=product,
            principal=Decimal("1000.00"),
            term=12,
            method=RepaymentMethod.EQUAL_INSTALLMENT,
            contract=contract_for(borrower),
            as_of=as_of,
        )

    assert str(refusal.value) == (
        f"A loan is drawn on the open business date 2027-01-15, not on {as_of.isoformat()}; "
        "nothing was drawn."
    )
    assert refusal.value.code == "draw_date_not_open"
    assert world() == before
    assert CreditLine.objects.get(borrower=borrower).used_amount == 0
    assert not OutboxEvent.objects.exists()


def test_a_draw_on_the_business_date_is_taken():
    business_date_set(DRAW_DATE)
    borrower = borrower_with_line()
    product = ProductFactory.create()

    loan = loan_draw(
        borrower=borrower,
        product=product,
        principal=Decimal("1000.00"),
        term=12,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        contract=contract_for(borrower),
        as_of=DRAW_DATE,
    )

    assert (loan.drawn_date, loan.principal_amount) == (DRAW_DATE, Decimal("1000.00"))
