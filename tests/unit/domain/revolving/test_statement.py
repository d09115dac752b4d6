"""Cutting a bill and its minimum payment (PRODUCT §10)."""

from datetime import date
from decimal import Decimal

import pytest

from loans.domain.revolving.simulator import PaymentEvent, PurchaseEvent
from loans.domain.revolving.statement import StatementNotDue, minimum_payment, statement_cut
from tests.unit.domain.revolving.support import TERMS, bill_on, day_of, play, yuan


def minimum(revolving, others="0.00", earlier="0.00", balance="99999.00"):
    return minimum_payment(
        revolving_principal=yuan(revolving),
        new_installment_principal=yuan(others),
        new_fees=yuan("0.00"),
        new_interest=yuan("0.00"),
        new_penalty=yuan("0.00"),
        earlier_minimum_unpaid=yuan(earlier),
        statement_balance=yuan(balance),
        minimum_payment_rate=Decimal("0.10"),
    )


def test_minimum_rounds_ten_percent_half_up_and_adds_the_rest():
    assert minimum("1234.55") == yuan("123.46")  # 123.455 rounds up
    assert minimum("1000.00", others="209.00", earlier="50.00") == yuan("359.00")


def test_minimum_never_exceeds_the_statement_balance():
    assert minimum("100.00", others="500.00", earlier="300.00", balance="650.00") == yuan("650.00")


def test_purchases_on_the_statement_date_wait_for_the_next_bill():
    sim = play(
        [
            PurchaseEvent(date(2027, 1, 31), "P1", yuan("100.00")),
            PurchaseEvent(date(2027, 2, 1), "P2", yuan("200.00")),
        ],
        through=date(2027, 3, 1),
    )

    assert day_of(sim, date(2027, 2, 1)).statement.new_revolving_principal == yuan("100.00")
    march = day_of(sim, date(2027, 3, 1)).statement
    assert march.new_revolving_principal == yuan("200.00")
    assert march.cycle_start == date(2027, 2, 1)


def test_unpaid_minimum_of_an_earlier_bill_is_carried_and_stays_on_it():
    sim = play(
        [
            PurchaseEvent(date(2027, 1, 5), "P1", yuan("1000.00")),
            PaymentEvent(date(2027, 2, 10), yuan("40.00")),
            PurchaseEvent(date(2027, 2, 5), "P2", yuan("500.00")),
        ],
        through=date(2027, 3, 1),
    )
    march = day_of(sim, date(2027, 3, 1)).statement

    # February: ¥1,000, minimum ¥100, ¥40 paid on the due date. Interest at its close:
    # round(960 x 0.0005 x 10) = 4.80; then 18 days on ¥900 (¥960 less the overdue ¥60 of the
    # minimum, which bears penalty instead): 0.45 a day = 8.10.
    assert march.new_interest == yuan("12.90")
    # Penalty on ¥60 at 0.24/360 = 0.04 a day: 4 days at once on DPD 4, then 14 days: 0.72.
    assert march.new_penalty == yuan("0.72")
    assert march.previous_unpaid == yuan("960.00")
    assert march.revolving_principal == yuan("1460.00")
    assert march.balance == yuan("1473.62")  # 960 + 500 + 12.90 + 0.72
    # round(10% x 1,460) + 12.90 + 0.72 + February's unpaid minimum of ¥60.
    assert march.minimum_payment == yuan("219.62")
    assert bill_on(sim.state, date(2027, 2, 1)).minimum_unpaid == yuan("60.00")
    assert bill_on(sim.state, date(2027, 3, 1)).minimum_unpaid == yuan("159.62")


def test_a_bill_is_cut_once_and_only_on_the_statement_day():
    state = play([], through=date(2027, 2, 1)).state

    with pytest.raises(StatementNotDue):
        statement_cut(state, statement_date=date(2027, 2, 1), terms=TERMS)
    with pytest.raises(StatementNotDue):
        statement_cut(state, statement_date=date(2027, 2, 2), terms=TERMS)
    assert state.last_statement_date == date(2027, 2, 1)
