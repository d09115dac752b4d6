"""Interest at the check, daily interest and a due date on a non-working day (§10, §12)."""

from datetime import date

from loans.domain.revolving.interest import interest_at_check
from loans.domain.revolving.simulator import PaymentEvent, PurchaseEvent, simulate
from tests.unit.domain.revolving.support import OPENED, TERMS, yuan

RATE = TERMS.daily_rate


def test_interest_at_the_check_counts_the_statement_date_and_the_due_date():
    assert interest_at_check(
        unpaid=yuan("2000.00"),
        statement_date=date(2027, 2, 1),
        due_date=date(2027, 2, 10),
        pay_by_date=date(2027, 2, 10),
        daily_rate=RATE,
    ) == yuan("10.00")
    # round(333.33 x 0.0005 x 10) = round(1.66665) = 1.67, rounded once, not ten times 0.17.
    assert interest_at_check(
        unpaid=yuan("333.33"),
        statement_date=date(2027, 2, 1),
        due_date=date(2027, 2, 10),
        pay_by_date=date(2027, 2, 10),
        daily_rate=RATE,
    ) == yuan("1.67")


def test_a_due_date_on_a_holiday_moves_both_checks_to_the_next_working_day():
    # Statement day 28: the January bill is due on Saturday 6 February 2027; Monday 8 works.
    holidays = {date(2027, 2, 6): date(2027, 2, 8), date(2027, 2, 7): date(2027, 2, 8)}
    sim = simulate(
        credit_limit=yuan("5000.00"),
        statement_day=28,
        opened_on=OPENED,
        through=date(2027, 2, 9),
        events=[
            PurchaseEvent(date(2027, 1, 5), "P1", yuan("2000.00")),
            PaymentEvent(date(2027, 2, 8), yuan("200.00")),
        ],
        terms=TERMS,
        next_working_days=holidays,
    )
    days = {d.on: d.charges for d in sim.days}

    assert [days[date(2027, 2, d)].interest for d in (6, 7)] == [yuan("0.00")] * 2
    # On 8 February: round(1,800 x 0.0005 x 10) + two days after the due date at 0.90.
    assert days[date(2027, 2, 8)].check_interest == yuan("10.80")
    assert [days[date(2027, 2, d)].days_past_due for d in (8, 9)] == [0, 0]
    assert days[date(2027, 2, 9)].daily_interest == yuan("0.90")
