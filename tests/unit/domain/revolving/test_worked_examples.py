"""The worked examples of issue #18 and docs/revolving.md, with their exact figures.

Statement day 1 (the default): bills on the 1st, due on the 10th, daily rate 0.05%.
"""

from datetime import date
from decimal import Decimal

from loans.domain.delinquency import Bucket
from loans.domain.revolving.calendar import interest_free_days
from loans.domain.revolving.installments import installment_quote
from loans.domain.revolving.refunds import refund_apply
from loans.domain.revolving.simulator import (
    BillInstallmentEvent,
    PaymentEvent,
    PurchaseEvent,
)
from loans.domain.revolving.state import (
    FeePayer,
    available_limit,
    principal_outstanding,
)
from tests.unit.domain.revolving.support import TERMS, bill_on, day_of, plan_of, play, yuan


def total_interest_and_penalty(simulation):
    return sum(d.charges.interest + d.charges.penalty for d in simulation.days)


def test_purchase_the_day_after_the_statement_date_paid_at_the_due_date_costs_nothing():
    sim = play(
        [
            PurchaseEvent(date(2027, 1, 2), "P1", yuan("1000.00")),
            PaymentEvent(date(2027, 2, 10), yuan("1000.00")),
        ],
        through=date(2027, 3, 31),
    )

    bill = day_of(sim, date(2027, 2, 1)).statement
    assert (bill.balance, bill.minimum_payment) == (yuan("1000.00"), yuan("100.00"))
    assert bill.due_date == date(2027, 2, 10)
    assert total_interest_and_penalty(sim) == 0
    assert day_of(sim, date(2027, 3, 1)).statement.balance == yuan("0.00")
    # 2 to 31 January (30 days) + 1 to 10 February (10 days), both ends counted.
    assert interest_free_days(purchase_date=date(2027, 1, 2), statement_day=1, terms=TERMS) == 40


def test_a_purchase_on_the_statement_date_itself_goes_on_the_next_bill_41_days():
    assert interest_free_days(purchase_date=date(2027, 1, 1), statement_day=1, terms=TERMS) == 41


def test_3000_bill_with_1000_paid_costs_10_at_the_due_date_then_1_a_day():
    sim = play(
        [
            PurchaseEvent(date(2027, 1, 5), "P1", yuan("3000.00")),
            PaymentEvent(date(2027, 2, 10), yuan("1000.00")),
        ],
        through=date(2027, 3, 1),
    )

    assert day_of(sim, date(2027, 2, 1)).statement.minimum_payment == yuan("300.00")
    assert day_of(sim, date(2027, 2, 9)).charges.interest == yuan("0.00")
    due = day_of(sim, date(2027, 2, 10)).charges
    assert (due.check_interest, due.daily_interest) == (yuan("10.00"), yuan("0.00"))
    assert [day_of(sim, date(2027, 2, d)).charges.interest for d in (11, 12, 28)] == [
        yuan("1.00")
    ] * 3
    assert day_of(sim, date(2027, 2, 11)).charges.days_past_due == 0
    march = day_of(sim, date(2027, 3, 1)).statement
    # ¥10.00 + 18 days (11-28 February) of ¥1.00 billed on 1 March; minimum 10% of ¥2,000 + it.
    assert (march.new_interest, march.revolving_principal) == (yuan("28.00"), yuan("2000.00"))
    assert (march.balance, march.minimum_payment) == (yuan("2028.00"), yuan("228.00"))


def test_minimum_not_paid_bears_penalty_instead_of_interest_and_is_past_due_the_next_day():
    sim = play(
        [
            PurchaseEvent(date(2027, 1, 5), "P1", yuan("3000.00")),
            PaymentEvent(date(2027, 2, 16), yuan("300.00")),
        ],
        through=date(2027, 2, 16),
    )

    on_due = day_of(sim, date(2027, 2, 10)).charges
    assert (on_due.check_interest, on_due.days_past_due) == (yuan("15.00"), 0)
    first = day_of(sim, date(2027, 2, 11)).charges
    assert (first.days_past_due, first.bucket, first.overdue_minimum) == (
        1,
        Bucket.M1,
        yuan("300.00"),
    )
    # Interest only on ¥2,700: the unpaid minimum of ¥300 bears penalty instead.
    assert (first.daily_interest, first.penalty) == (yuan("1.35"), yuan("0.00"))
    assert day_of(sim, date(2027, 2, 13)).charges.penalty == yuan("0.00")  # DPD 3 = grace
    # DPD 4 > grace: penalty from the first overdue day, 4 x round(300 x 0.24 / 360) = 4 x 0.20.
    assert day_of(sim, date(2027, 2, 14)).charges.penalty == yuan("0.80")
    assert day_of(sim, date(2027, 2, 15)).charges.penalty == yuan("0.20")
    # ¥300 on 16 February: ¥1.00 penalty, ¥21.75 interest, ¥277.25 principal; the minimum is met.
    after = day_of(sim, date(2027, 2, 16)).charges
    assert (after.days_past_due, after.bucket, after.penalty) == (0, Bucket.CURRENT, yuan("0.00"))
    assert after.daily_interest == yuan("1.36")  # round(2,722.75 x 0.0005)
    assert bill_on(sim.state, date(2027, 2, 1)).revolving_principal == yuan("2722.75")


def test_6000_bill_in_12_installments_costs_43_80_each_at_an_apr_of_15_79_percent():
    quote = installment_quote(
        amount=yuan("6000.00"), term=12, first_statement_date=date(2027, 3, 1), terms=TERMS
    )
    assert quote.fee_per_installment == yuan("43.80")
    assert quote.borrower_fees == yuan("525.60")
    assert quote.borrower_apr == Decimal("0.157939")
    assert {i.principal for i in quote.schedule.installments} == {yuan("500.00")}

    sim = play(
        [
            PurchaseEvent(date(2027, 1, 5), "P1", yuan("6000.00")),
            BillInstallmentEvent(date(2027, 2, 5), date(2027, 2, 1), yuan("6000.00"), 12),
            PaymentEvent(date(2027, 3, 10), yuan("543.80")),
        ],
        through=date(2027, 3, 31),
    )

    assert day_of(sim, date(2027, 2, 5)).accepted  # within the bill's due date
    assert sim.state.bills[0].minimum_unpaid == yuan("0.00")
    assert total_interest_and_penalty(sim) == 0
    march = day_of(sim, date(2027, 3, 1)).statement
    assert (march.new_installment_principal, march.new_fees) == (yuan("500.00"), yuan("43.80"))
    assert (march.balance, march.minimum_payment) == (yuan("543.80"), yuan("543.80"))
    assert principal_outstanding(sim.state) == yuan("5500.00")


def test_merchant_subsidised_six_month_purchase_costs_the_borrower_nothing():
    quote = installment_quote(
        amount=yuan("1200.00"),
        term=6,
        first_statement_date=date(2027, 2, 1),
        terms=TERMS,
        fee_payer=FeePayer.MERCHANT,
    )
    assert (quote.borrower_apr, quote.borrower_fees) == (Decimal("0.000000"), yuan("0.00"))
    assert (quote.fee_per_installment, quote.merchant_fees) == (yuan("9.00"), yuan("54.00"))

    sim = play(
        [PurchaseEvent(date(2027, 1, 5), "P1", yuan("1200.00"), 6, FeePayer.MERCHANT)],
        through=date(2027, 2, 1),
    )

    bill = day_of(sim, date(2027, 2, 1)).statement
    assert (bill.new_installment_principal, bill.new_fees) == (yuan("200.00"), yuan("0.00"))
    assert (bill.merchant_fees, bill.balance, bill.minimum_payment) == (
        yuan("9.00"),
        yuan("200.00"),
        yuan("200.00"),
    )


def billed_installment_purchase():
    """¥1,200 in 6 installments of ¥200 + ¥9.00; installment 1 paid, installment 2 billed."""
    return play(
        [
            PurchaseEvent(date(2027, 1, 5), "P1", yuan("1200.00"), 6),
            PaymentEvent(date(2027, 2, 10), yuan("209.00")),
        ],
        through=date(2027, 3, 4),
    )


def test_partial_refund_of_a_billed_installment_purchase_shrinks_the_last_installments():
    state = billed_installment_purchase().state
    before = available_limit(
        credit_limit=state.credit_limit, principal_outstanding=principal_outstanding(state)
    )

    after, result = refund_apply(state, purchase_id="P1", amount=yuan("500.00"))

    rows = [(i.number, i.principal, i.fee) for i in plan_of(after, "P1").installments]
    assert rows == [
        (1, yuan("200.00"), yuan("9.00")),
        (2, yuan("200.00"), yuan("9.00")),
        (3, yuan("200.00"), yuan("9.00")),
        (4, yuan("100.00"), yuan("4.50")),
    ]
    assert (result.unbilled_principal_reduced, result.borrower_fees_removed) == (
        yuan("500.00"),
        yuan("9.00") + yuan("9.00") + yuan("4.50"),
    )
    assert result.credit.amount == yuan("0.00")
    assert after.bills == state.bills  # the billed installment 2 is untouched
    limit_after = available_limit(
        credit_limit=after.credit_limit, principal_outstanding=principal_outstanding(after)
    )
    assert limit_after - before == yuan("500.00")


def test_refund_beyond_the_unbilled_installments_is_a_credit_allocated_as_a_payment():
    state = billed_installment_purchase().state

    after, result = refund_apply(state, purchase_id="P1", amount=yuan("900.00"))

    assert [i.number for i in plan_of(after, "P1").installments] == [1, 2]
    assert result.unbilled_principal_reduced == yuan("800.00")
    assert result.credit.amount == yuan("100.00")
    march = bill_on(after, date(2027, 3, 1))
    # ¥100: the ¥9.00 fee of installment 2, then ¥91.00 of its principal; the minimum follows.
    assert (march.fees, march.installment_principal) == (yuan("0.00"), yuan("109.00"))
    assert march.minimum_unpaid == yuan("109.00")
    assert after.credit_balance == yuan("0.00")
