"""Allocation of a payment on a revolving account, step by step (PRODUCT §10)."""

from datetime import date

import pytest

from loans.domain.revolving.allocation import Part, Step, credit_apply, payment_allocate
from loans.domain.revolving.state import (
    AccountState,
    Bill,
    InvalidRevolvingAmount,
    Purchase,
    debt_outstanding,
)
from tests.unit.domain.revolving.support import purchase_of, yuan

JAN, FEB = date(2027, 1, 1), date(2027, 2, 1)


def bill(on, penalty, interest, fees, installment, revolving, minimum):
    return Bill(
        statement_date=on,
        due_date=on.replace(day=10),
        pay_by_date=on.replace(day=10),
        revolving_principal=yuan(revolving),
        installment_principal=yuan(installment),
        fees=yuan(fees),
        interest=yuan(interest),
        penalty=yuan(penalty),
        minimum_unpaid=yuan(minimum),
        minimum_base=yuan(revolving),
    )


def account():
    return AccountState(
        credit_limit=yuan("5000.00"),
        statement_day=1,
        opened_on=date(2026, 12, 1),
        purchases=(
            Purchase("P9", date(2027, 2, 3), yuan("200.00"), unbilled_principal=yuan("200.00")),
        ),
        bills=(
            bill(JAN, "1.00", "5.00", "2.00", "100.00", "300.00", "150.00"),
            bill(FEB, "0.50", "3.00", "4.00", "50.00", "500.00", "80.00"),
        ),
        unbilled_interest=yuan("0.70"),
        unbilled_penalty=yuan("0.30"),
        last_statement_date=FEB,
    )


def test_a_large_payment_walks_every_step_in_order_and_leaves_a_credit():
    state, allocation = payment_allocate(account(), amount=yuan("1500.00"))

    lines = [(line.step, line.part, line.statement_date, line.amount) for line in allocation.lines]
    assert lines == [
        (Step.PENALTY, Part.PENALTY, JAN, yuan("1.00")),
        (Step.PENALTY, Part.PENALTY, FEB, yuan("0.50")),
        (Step.PENALTY, Part.PENALTY, None, yuan("0.30")),
        (Step.INTEREST, Part.INTEREST, JAN, yuan("5.00")),
        (Step.INTEREST, Part.INTEREST, FEB, yuan("3.00")),
        (Step.INTEREST, Part.INTEREST, None, yuan("0.70")),
        (Step.FEES, Part.FEES, JAN, yuan("2.00")),
        (Step.FEES, Part.FEES, FEB, yuan("4.00")),
        # ¥230 of minimum less the ¥16.50 above: principal of the oldest bill first.
        (Step.MINIMUM, Part.INSTALLMENT_PRINCIPAL, JAN, yuan("100.00")),
        (Step.MINIMUM, Part.REVOLVING_PRINCIPAL, JAN, yuan("113.50")),
        (Step.INSTALLMENTS, Part.INSTALLMENT_PRINCIPAL, FEB, yuan("50.00")),
        (Step.REVOLVING_PRINCIPAL, Part.REVOLVING_PRINCIPAL, JAN, yuan("186.50")),
        (Step.REVOLVING_PRINCIPAL, Part.REVOLVING_PRINCIPAL, FEB, yuan("500.00")),
        (Step.UNBILLED_PURCHASES, Part.REVOLVING_PRINCIPAL, None, yuan("200.00")),
    ]
    assert allocation.to_credit == state.credit_balance == yuan("333.50")
    assert allocation.minimum_paid == yuan("230.00")
    assert debt_outstanding(state) == yuan("0.00")


def test_a_small_payment_counts_toward_the_oldest_minimum():
    state, allocation = payment_allocate(account(), amount=yuan("120.00"))

    assert allocation.total_for(Part.PENALTY) == yuan("1.80")
    assert allocation.total_for(Part.INTEREST) == yuan("8.70")
    assert allocation.total_for(Part.FEES) == yuan("6.00")
    assert allocation.total_for(Part.INSTALLMENT_PRINCIPAL) == yuan("100.00")
    assert allocation.total_for(Part.REVOLVING_PRINCIPAL) == yuan("3.50")
    assert [b.minimum_unpaid for b in state.bills] == [yuan("30.00"), yuan("80.00")]
    assert allocation.to_credit == yuan("0.00")


def test_credit_balance_pays_a_new_purchase():
    purchase = Purchase("P1", date(2027, 1, 3), yuan("80.00"), unbilled_principal=yuan("80.00"))
    state = AccountState(
        yuan("1000.00"),
        1,
        date(2027, 1, 1),
        purchases=(purchase,),
        credit_balance=yuan("50.00"),
    )

    after, allocation = credit_apply(state)

    assert allocation.total_for(Part.REVOLVING_PRINCIPAL) == yuan("50.00")
    assert (after.credit_balance, purchase_of(after, "P1").unbilled_principal) == (
        yuan("0.00"),
        yuan("30.00"),
    )


@pytest.mark.parametrize("amount", ["-1.00", "0.001"])
def test_a_refused_amount_changes_nothing(amount):
    state = account()
    with pytest.raises(InvalidRevolvingAmount):
        payment_allocate(state, amount=yuan(amount))
    assert state == account()
