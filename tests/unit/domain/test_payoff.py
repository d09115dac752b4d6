from datetime import date
from decimal import Decimal

from loans.domain.payoff import OutstandingInstallment, PayoffQuote, payoff_quote


def outstanding(
    start: date,
    due: date,
    interest: str,
    principal: str,
    interest_paid: str = "0",
    fee: str = "0",
    penalty: str = "0",
) -> OutstandingInstallment:
    return OutstandingInstallment(
        period_start=start,
        due_date=due,
        scheduled_interest=Decimal(interest),
        interest_paid=Decimal(interest_paid),
        principal_outstanding=Decimal(principal),
        fee_outstanding=Decimal(fee),
        penalty_outstanding=Decimal(penalty),
    )


# ¥10,000 at 18% from 2026-12-01, first three installments of the schedule plus the rest of
# the principal lumped on the third (enough to exercise every rule).
FIRST = outstanding(date(2026, 12, 1), date(2027, 1, 1), "150.00", "766.80", penalty="2.00")
SECOND = outstanding(date(2027, 1, 1), date(2027, 2, 1), "138.50", "778.30", fee="5.00")
THIRD = outstanding(date(2027, 2, 1), date(2027, 3, 1), "126.82", "8454.90", fee="5.00")


def test_payoff_in_the_middle_of_a_period():
    quote = payoff_quote(installments=(FIRST, SECOND, THIRD), as_of=date(2027, 1, 15))
    assert quote == PayoffQuote(
        principal=Decimal("10000.00"),
        # 150.00 overdue + 138.50 * 14 / 31 = 62.548 -> 62.55 for Jan 1..14; nothing of period 3
        interest=Decimal("212.55"),
        fees=Decimal("0.00"),  # neither fee is due yet
        penalty=Decimal("2.00"),
    )
    assert quote.total == Decimal("10214.55")


def test_payoff_on_a_due_date_owes_that_whole_period_and_its_fee():
    first_paid = outstanding(date(2026, 12, 1), date(2027, 1, 1), "150.00", "0", "150.00")
    quote = payoff_quote(installments=(first_paid, SECOND, THIRD), as_of=date(2027, 2, 1))
    assert quote == PayoffQuote(
        principal=Decimal("9233.20"),
        interest=Decimal("138.50"),
        fees=Decimal("5.00"),
        penalty=Decimal("0.00"),
    )


def test_payoff_on_the_disbursement_date_is_the_principal():
    quote = payoff_quote(installments=(FIRST, SECOND, THIRD), as_of=date(2026, 12, 1))
    assert (quote.interest, quote.fees, quote.total) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("10002.00"),  # principal plus the penalty on the books
    )


def test_interest_already_paid_on_the_current_period_is_deducted_never_below_zero():
    partly = outstanding(date(2027, 1, 1), date(2027, 2, 1), "138.50", "778.30", "60.00")
    assert payoff_quote(installments=(partly,), as_of=date(2027, 1, 15)).interest == Decimal("2.55")
    overpaid = outstanding(date(2027, 1, 1), date(2027, 2, 1), "138.50", "778.30", "100.00")
    assert payoff_quote(installments=(overpaid,), as_of=date(2027, 1, 15)).interest == Decimal(
        "0.00"
    )


def test_payoff_of_nothing_is_zero():
    assert payoff_quote(installments=(), as_of=date(2027, 1, 15)).total == Decimal("0.00")
