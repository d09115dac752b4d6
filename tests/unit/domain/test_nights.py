"""One loan's night of close of business (loans.domain.nights, issue #17; PRODUCT §2.4, §12)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loans.domain.delinquency import Bucket, daily_penalty, penalty_for_date
from loans.domain.nights import NightInstallment, PenaltyTerms, night_close

TERMS = PenaltyTerms(
    annual_rate=Decimal("0.18"), multiplier=Decimal("1.5"), cap=Decimal("0.24"), grace_days=3
)
FIRST, SECOND = date(2027, 2, 15), date(2027, 3, 15)


def _rows(*, first_settled: bool = False, second_settled: bool = False) -> list[NightInstallment]:
    return [
        NightInstallment(1, FIRST, Decimal("766.80"), settled=first_settled),
        NightInstallment(2, SECOND, Decimal("778.30"), settled=second_settled),
    ]


def test_within_grace_the_loan_is_late_but_nothing_is_charged():
    closed = night_close(installments=_rows(), night=date(2027, 2, 18), terms=TERMS)

    assert (closed.days_past_due, closed.bucket, closed.penalties) == (3, Bucket.M1, {})


def test_the_first_night_past_grace_charges_every_day_since_the_due_date():
    closed = night_close(installments=_rows(), night=date(2027, 2, 19), terms=TERMS)

    # round(766.80 * 0.24 / 360) = 0.51 a day (0.18 * 1.5 = 0.27 is capped at 0.24), 4 days
    assert closed.penalties == {1: Decimal("2.04")}
    assert closed.days_past_due == 4


def test_later_nights_charge_one_day_on_each_overdue_installment():
    closed = night_close(installments=_rows(), night=date(2027, 3, 20), terms=TERMS)

    assert closed.days_past_due == 33
    assert closed.bucket == Bucket.M2
    assert closed.penalties == {1: Decimal("0.51"), 2: Decimal("0.52")}


def test_a_settled_installment_is_neither_late_nor_charged():
    closed = night_close(
        installments=_rows(first_settled=True), night=date(2027, 3, 20), terms=TERMS
    )

    assert (closed.days_past_due, closed.bucket) == (5, Bucket.M1)
    assert closed.penalties == {2: Decimal("0.52")}


def test_an_installment_with_its_principal_paid_is_late_but_charged_nothing():
    rows = [NightInstallment(1, FIRST, Decimal("0.00"), settled=False)]

    closed = night_close(installments=rows, night=date(2027, 3, 1), terms=TERMS)

    assert (closed.days_past_due, closed.penalties) == (14, {})


def test_a_due_date_on_a_holiday_is_on_time_until_the_next_working_day():
    # PRODUCT §12: Sunday 7 February 2027 is in the Spring Festival; the next working day is
    # Thursday 11 February.
    holiday = {date(2027, 2, day): date(2027, 2, 11) for day in range(5, 11)}
    rows = [NightInstallment(1, date(2027, 2, 7), Decimal("1000.00"), settled=False)]

    on_time = night_close(
        installments=rows, night=date(2027, 2, 11), terms=TERMS, next_working_days=holiday
    )
    past_grace = night_close(
        installments=rows, night=date(2027, 2, 15), terms=TERMS, next_working_days=holiday
    )

    assert (on_time.days_past_due, on_time.penalties) == (0, {})
    # 4 days from 11 February: round(1000 * 0.24 / 360) = 0.67 a day, 4 days at once
    assert (past_grace.days_past_due, past_grace.penalties) == (4, {1: Decimal("2.68")})


@given(
    unpaid=st.integers(1, 3_000_000).map(lambda fen: Decimal(fen) / 100),
    late=st.integers(0, 120),
    grace=st.integers(0, 10),
    rate=st.integers(0, 240_000).map(lambda r: Decimal(r) / 1_000_000),
)
def test_the_oldest_installment_is_charged_as_penalty_for_date_says(unpaid, late, grace, rate):
    terms = PenaltyTerms(
        annual_rate=rate, multiplier=Decimal("1.5"), cap=Decimal("0.24"), grace_days=grace
    )
    night = FIRST + timedelta(days=late)
    rows = [NightInstallment(1, FIRST, unpaid, settled=False)]

    closed = night_close(installments=rows, night=night, terms=terms)

    expected = penalty_for_date(
        overdue_principal=unpaid,
        annual_rate=rate,
        days_past_due=late,
        grace_days=grace,
        multiplier=Decimal("1.5"),
        cap=Decimal("0.24"),
    )
    assert closed.days_past_due == late
    assert closed.penalties.get(1, Decimal("0.00")) == expected
    # Summed over the nights, the penalty through any night is days past due times a day's.
    if late > grace:
        through = sum(
            (
                night_close(
                    installments=rows, night=FIRST + timedelta(days=d), terms=terms
                ).penalty_total
                for d in range(1, late + 1)
            ),
            Decimal("0.00"),
        )
        daily = daily_penalty(
            overdue_principal=unpaid,
            annual_rate=rate,
            multiplier=Decimal("1.5"),
            cap=Decimal("0.24"),
        )
        assert through == late * daily
