"""Bill installment rules and refusals (PRODUCT §10)."""

from datetime import date
from decimal import Decimal

import pytest

from loans.domain.rate_cap import RateCapExceeded
from loans.domain.revolving.installments import (
    BillInstallmentRefused,
    bill_installment,
    installment_quote,
)
from loans.domain.revolving.purchases import PurchaseRefused, purchase_capture
from loans.domain.revolving.simulator import PurchaseEvent
from loans.domain.revolving.state import PlanKind
from loans.domain.revolving.terms import RevolvingTerms
from tests.unit.domain.revolving.support import TERMS, bill_on, play, yuan

FEB = date(2027, 2, 1)


def billed(amount="3000.00"):
    """An account with a February bill of ``amount`` of revolving principal, minimum 10%."""
    return play([PurchaseEvent(date(2027, 1, 5), "P1", yuan(amount))], through=FEB).state


def test_part_of_a_bill_in_3_installments_leaves_the_bill_and_its_minimum():
    state, plan = bill_installment(
        billed(), statement_date=FEB, amount=yuan("1000.00"), term=3, as_of=FEB, terms=TERMS
    )

    # 1000/3: 333.33, 333.33, 333.34; fee round(1000 x 0.0083) = 8.30 each.
    assert [(i.statement_date, i.principal, i.fee) for i in plan.installments] == [
        (date(2027, 3, 1), yuan("333.33"), yuan("8.30")),
        (date(2027, 4, 1), yuan("333.33"), yuan("8.30")),
        (date(2027, 5, 1), yuan("333.34"), yuan("8.30")),
    ]
    assert (plan.kind, plan.borrower_apr) == (PlanKind.BILL, Decimal("0.148788"))
    february = bill_on(state, FEB)
    assert (february.revolving_principal, february.minimum_unpaid) == (
        yuan("2000.00"),
        yuan("200.00"),
    )


@pytest.mark.parametrize(
    ("amount", "term", "as_of"),
    [
        ("99.99", 3, date(2027, 2, 5)),  # below ¥100
        ("3000.01", 3, date(2027, 2, 5)),  # more than the bill's revolving principal
        ("500.00", 3, date(2027, 2, 11)),  # after the due date
        ("500.00", 24, date(2027, 2, 5)),  # not in the fee table
    ],
)
def test_a_refused_bill_installment_changes_nothing(amount, term, as_of):
    state = billed()
    with pytest.raises((BillInstallmentRefused, ValueError)):
        bill_installment(
            state, statement_date=FEB, amount=yuan(amount), term=term, as_of=as_of, terms=TERMS
        )
    assert (state.plans, bill_on(state, FEB).revolving_principal) == ((), yuan("3000.00"))


def test_bill_installment_of_a_bill_that_does_not_exist_is_refused():
    with pytest.raises(BillInstallmentRefused):
        bill_installment(
            billed(),
            statement_date=date(2027, 3, 1),
            amount=yuan("500.00"),
            term=3,
            as_of=date(2027, 3, 2),
            terms=TERMS,
        )


def test_a_plan_whose_apr_is_above_the_cap_is_refused():
    dear = RevolvingTerms(installment_fee_rates=((3, Decimal("0.02")),))
    with pytest.raises(RateCapExceeded):
        installment_quote(amount=yuan("1000.00"), term=3, first_statement_date=FEB, terms=dear)


def test_purchases_over_the_available_limit_are_refused():
    state = play([], through=date(2027, 1, 5), limit="1000.00").state
    state = purchase_capture(
        state,
        purchase_id="P1",
        purchase_date=date(2027, 1, 5),
        amount=yuan("600.00"),
        terms=TERMS,
        term=6,
    )

    with pytest.raises(PurchaseRefused):
        purchase_capture(
            state,
            purchase_id="P2",
            purchase_date=date(2027, 1, 5),
            amount=yuan("400.01"),
            terms=TERMS,
        )
    with pytest.raises(PurchaseRefused):
        purchase_capture(
            state,
            purchase_id="P1",
            purchase_date=date(2027, 1, 5),
            amount=yuan("1.00"),
            terms=TERMS,
        )
    assert [p.purchase_id for p in state.purchases] == ["P1"]
