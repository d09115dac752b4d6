"""Refunds of plain purchases, billed and unbilled, and refused refunds (PRODUCT §10)."""

from datetime import date

import pytest

from loans.domain.revolving.allocation import Part, payment_allocate
from loans.domain.revolving.refunds import RefundRefused, refund_apply
from loans.domain.revolving.simulator import PurchaseEvent, RefundEvent
from loans.domain.revolving.state import InvalidRevolvingAmount, principal_outstanding
from tests.unit.domain.revolving.support import bill_on, day_of, play, purchase_of, yuan


def test_refund_of_an_unbilled_purchase_shrinks_it_before_the_bill():
    sim = play(
        [
            PurchaseEvent(date(2027, 1, 5), "P1", yuan("800.00")),
            RefundEvent(date(2027, 1, 20), "P1", yuan("300.00")),
        ],
        through=date(2027, 2, 1),
    )

    assert day_of(sim, date(2027, 1, 20)).accepted
    assert day_of(sim, date(2027, 2, 1)).statement.balance == yuan("500.00")


def test_refund_of_a_billed_purchase_is_a_credit_allocated_as_a_payment():
    state = play([PurchaseEvent(date(2027, 1, 5), "P1", yuan("800.00"))], date(2027, 2, 2)).state

    after, result = refund_apply(state, purchase_id="P1", amount=yuan("800.00"))

    assert result.unbilled_principal_reduced == yuan("0.00")
    assert result.credit.total_for(Part.REVOLVING_PRINCIPAL) == yuan("800.00")
    february = bill_on(after, date(2027, 2, 1))
    assert (february.unpaid, february.minimum_unpaid) == (yuan("0.00"), yuan("0.00"))
    assert principal_outstanding(after) == yuan("0.00")


def test_refund_of_an_unbilled_purchase_the_borrower_paid_in_part_credits_the_rest():
    state = play([PurchaseEvent(date(2027, 1, 5), "P1", yuan("800.00"))], date(2027, 1, 6)).state
    state, _ = payment_allocate(state, amount=yuan("500.00"))

    after, result = refund_apply(state, purchase_id="P1", amount=yuan("800.00"))

    assert result.unbilled_principal_reduced == yuan("300.00")
    assert (result.credit.amount, after.credit_balance) == (yuan("500.00"), yuan("500.00"))
    assert purchase_of(after, "P1").unbilled_principal == yuan("0.00")


@pytest.mark.parametrize(
    ("purchase_id", "amount", "error"),
    [
        ("P2", "1.00", RefundRefused),
        ("P1", "800.01", RefundRefused),
        ("P1", "0.00", InvalidRevolvingAmount),
        ("P1", "1.005", InvalidRevolvingAmount),
    ],
)
def test_a_refused_refund_changes_nothing(purchase_id, amount, error):
    state = play([PurchaseEvent(date(2027, 1, 5), "P1", yuan("800.00"))], date(2027, 1, 6)).state

    with pytest.raises(error):
        refund_apply(state, purchase_id=purchase_id, amount=yuan(amount))

    assert purchase_of(state, "P1").unbilled_principal == yuan("800.00")


def test_a_second_refund_cannot_exceed_what_is_left():
    state = play([PurchaseEvent(date(2027, 1, 5), "P1", yuan("800.00"))], date(2027, 1, 6)).state
    state, _ = refund_apply(state, purchase_id="P1", amount=yuan("500.00"))

    with pytest.raises(RefundRefused):
        refund_apply(state, purchase_id="P1", amount=yuan("300.01"))
    after, _ = refund_apply(state, purchase_id="P1", amount=yuan("300.00"))
    assert purchase_of(after, "P1").refunded == yuan("800.00")
