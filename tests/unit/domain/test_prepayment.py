"""Re-amortisation after a partial prepayment (PRODUCT §2.5, docs/money.md "Prepayment"): worked
examples, to the fen, for each repayment method and mode, and the prepayments it refuses.

The invariants over any schedule are in test_prepayment_properties.py.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from loans.domain.accrual import accrued_through_from, interest_before
from loans.domain.prepayment import (
    InvalidPrepayment,
    PrepaymentMode,
    Reamortisation,
    RemainingInstallment,
    reamortise,
)
from loans.domain.schedule import RepaymentMethod, build_schedule
from tests.unit.domain.builders import remaining_from, schedule

SHORTEN = PrepaymentMode.SHORTEN_TERM
LOWER = PrepaymentMode.LOWER_INSTALLMENT


def rows(r: Reamortisation) -> list[tuple[int, str, str, str, str]]:
    """(number, principal, interest, total, remaining principal), for exact asserts."""
    return [
        (i.number, str(i.principal), str(i.interest), str(i.total), str(i.remaining_principal))
        for i in r.installments
    ]


# ¥10,000 at 12% over 12 months from 2026-12-01, equal installments: r = 0.01,
# A = round(10000 * 0.01 / (1 - 1.01^-12)) = round(888.4879) = 888.49.
# After installment 3 the balance is B(3) = 7610.80; installment 4 is 812.38 + 76.11 over
# [2027-03-01, 2027-04-01), 31 days. The borrower pays ¥3,000 on 2027-03-10, day 10 of it:
#   interest for the 9 days before D on the old balance: round(76.11 * 9 / 31) = round(22.0965)
#   = 22.10 settled first (PRODUCT §2.5), so principal falls by 3000 - 22.10 = 2977.90,
#   B_new = 7610.80 - 2977.90 = 4632.90.
#   installment 4 interest: 22.10 + round(4632.90 * 0.01 * 22 / 31) = 22.10 + round(32.8787)
#   = 22.10 + 32.88 = 54.98 (old: 76.11).
WORKED = build_schedule(
    principal=Decimal("10000.00"),
    annual_rate=Decimal("0.12"),
    term=12,
    method=RepaymentMethod.EQUAL_INSTALLMENT,
    start_date=date(2026, 12, 1),
)
PREPAID_ON = date(2027, 3, 10)
WORKED_ARGS: dict[str, Any] = {
    "method": RepaymentMethod.EQUAL_INSTALLMENT,
    "annual_rate": Decimal("0.12"),
    "fee": Decimal("0.00"),
    "remaining": remaining_from(WORKED, 4),
    "new_principal": Decimal("4632.90"),
    "settled_interest": Decimal("22.10"),
    "prepayment_date": PREPAID_ON,
}


def test_worked_example_inputs():
    current = WORKED.installments[3]
    assert (str(current.interest), str(current.principal + current.remaining_principal)) == (
        "76.11",
        "7610.80",
    )
    settled = interest_before(
        period_interest=current.interest,
        period_start=current.period_start,
        due_date=current.due_date,
        as_of=PREPAID_ON,
    )
    assert settled == Decimal("22.10")


def test_worked_example_shorter_term_keeps_the_installment():
    r = reamortise(**WORKED_ARGS)  # SHORTEN_TERM is the default (PRODUCT §2.5)
    assert r.mode is SHORTEN
    assert rows(r) == [
        # 888.49 - 54.98 = 833.51; 4632.90 - 833.51 = 3799.39
        (4, "833.51", "54.98", "888.49", "3799.39"),
        # round(3799.39 * 0.01) = 37.99; 888.49 - 37.99 = 850.50
        (5, "850.50", "37.99", "888.49", "2948.89"),
        (6, "859.00", "29.49", "888.49", "2089.89"),  # round(20.8989) = 20.90 next
        (7, "867.59", "20.90", "888.49", "1222.30"),
        (8, "876.27", "12.22", "888.49", "346.03"),
        # 346.03 < 888.49 - 3.46: the last takes the remainder; 10, 11 and 12 are dropped
        (9, "346.03", "3.46", "349.49", "0.00"),
    ]
    assert (str(r.total_principal), str(r.total_interest)) == ("4632.90", "159.04")
    # Old installments 4..12 charged 385.59 of interest: the borrower saves 226.55.
    assert sum(i.interest for i in WORKED.installments[3:]) == Decimal("385.59")


def test_worked_example_lower_installment_keeps_the_count():
    r = reamortise(**WORKED_ARGS, mode=LOWER)
    assert rows(r) == [
        # m = 9: A' = round(4632.90 * 0.01 / (1 - 1.01^-9)) = round(540.8461) = 540.85;
        # 540.85 - 54.98 = 485.87
        (4, "485.87", "54.98", "540.85", "4147.03"),
        (5, "499.38", "41.47", "540.85", "3647.65"),  # round(41.4703) = 41.47
        (6, "504.37", "36.48", "540.85", "3143.28"),
        (7, "509.42", "31.43", "540.85", "2633.86"),
        (8, "514.51", "26.34", "540.85", "2119.35"),
        (9, "519.66", "21.19", "540.85", "1599.69"),
        (10, "524.85", "16.00", "540.85", "1074.84"),
        (11, "530.10", "10.75", "540.85", "544.74"),
        # the last takes the remainder, 544.74 + round(5.4474) = 550.19: the 9 days at the old
        # balance in installment 4 left more principal for the end than A' assumed
        (12, "544.74", "5.45", "550.19", "0.00"),
    ]
    assert (str(r.total_principal), str(r.total_interest)) == ("4632.90", "244.09")


def test_the_current_installment_accrues_from_the_prepayment_date_on_the_settled_base():
    first = reamortise(**WORKED_ARGS).installments[0]
    assert (first.accrual_start, first.accrual_base) == (PREPAID_ON, Decimal("22.10"))
    later = reamortise(**WORKED_ARGS).installments[1]
    assert (later.accrual_start, str(later.accrual_base)) == (date(2027, 4, 1), "0.00")
    assert accrued_through_from(
        period_interest=first.interest,
        accrual_base=first.accrual_base,
        accrual_start=first.accrual_start,
        due_date=first.due_date,
        as_of=date(2027, 3, 31),
    ) == Decimal("54.98")


def test_paying_everything_leaves_no_installment():
    r = reamortise(**(WORKED_ARGS | {"new_principal": Decimal("0.00")}))
    assert r.installments == ()
    assert (str(r.total_principal), str(r.total_interest)) == ("0.00", "0.00")


def test_a_prepayment_on_the_first_day_of_a_period_settles_nothing():
    args = WORKED_ARGS | {"prepayment_date": date(2027, 3, 1), "settled_interest": Decimal("0")}
    first = reamortise(**args).installments[0]
    assert str(first.interest) == "46.33"  # round(4632.90 * 0.01 * 31 / 31): a whole month


# ¥6,000 at 12% over 6 months from 2026-12-01, equal principal: 1000.00 a month.
# Period 3 is [2027-02-01, 2027-03-01), 28 days, interest 4000 * 0.01 = 40.00. Prepaid on
# 2027-02-15: 14 days settled, 40.00 * 14 / 28 = 20.00; principal falls from 4000 to 3000;
# installment 3 interest 20.00 + 3000 * 0.01 * 14 / 28 = 20.00 + 15.00 = 35.00.
EQUAL_PRINCIPAL_ARGS: dict[str, Any] = {
    "method": RepaymentMethod.EQUAL_PRINCIPAL,
    "annual_rate": Decimal("0.12"),
    "fee": Decimal("0.00"),
    "remaining": remaining_from(schedule("6000", "0.12", 6, RepaymentMethod.EQUAL_PRINCIPAL), 3),
    "new_principal": Decimal("3000.00"),
    "settled_interest": Decimal("20.00"),
    "prepayment_date": date(2027, 2, 15),
}


def test_equal_principal_shorter_term_keeps_the_principal_part():
    assert rows(reamortise(**EQUAL_PRINCIPAL_ARGS)) == [
        (3, "1000.00", "35.00", "1035.00", "2000.00"),
        (4, "1000.00", "20.00", "1020.00", "1000.00"),
        (5, "1000.00", "10.00", "1010.00", "0.00"),
    ]


def test_equal_principal_lower_installment_spreads_the_new_principal():
    assert rows(reamortise(**EQUAL_PRINCIPAL_ARGS, mode=LOWER)) == [
        (3, "750.00", "35.00", "785.00", "2250.00"),  # round(3000 / 4) = 750.00
        (4, "750.00", "22.50", "772.50", "1500.00"),
        (5, "750.00", "15.00", "765.00", "750.00"),
        (6, "750.00", "7.50", "757.50", "0.00"),
    ]


def test_a_lower_installment_is_raised_by_a_fen_when_rounding_would_grow_the_last_one():
    # ¥23,905.81 over 15 months at 0%: round(23905.81 / 15) = round(1593.7207) = 1593.72, the
    # last 23905.81 - 14 * 1593.72 = 1593.73. Prepaying ¥0.10 leaves 23,905.71:
    # round(23905.71 / 15) = round(1593.714) = 1593.71 would leave a last installment of
    # 23905.71 - 14 * 1593.71 = 1593.77 > 1593.73. The lowest part that does not is 1593.72,
    # with a last installment of 23905.71 - 14 * 1593.72 = 1593.63.
    s = schedule("23905.81", "0", 15, RepaymentMethod.EQUAL_PRINCIPAL, date(2026, 7, 17))
    r = reamortise(
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        annual_rate=Decimal("0"),
        fee=Decimal("0.00"),
        remaining=remaining_from(s, 1),
        new_principal=Decimal("23905.71"),
        settled_interest=Decimal("0.00"),
        prepayment_date=date(2026, 8, 10),
        mode=LOWER,
    )
    assert [str(i.principal) for i in r.installments] == ["1593.72"] * 14 + ["1593.63"]


@pytest.mark.parametrize("mode", list(PrepaymentMode))
def test_interest_only_keeps_the_principal_at_the_end_in_either_mode(mode):
    # ¥6,000 at 12% over 4 months, interest 60.00 a month. Period 2 is [2027-01-01, 2027-02-01),
    # 31 days; prepaid ¥1,000 of principal on 2027-01-15: 60 * 14 / 31 = 27.096 -> 27.10 settled,
    # then 5000 * 0.01 * 17 / 31 = 27.419 -> 27.42 on the new balance.
    s = schedule("6000", "0.12", 4, RepaymentMethod.INTEREST_ONLY)
    r = reamortise(
        method=RepaymentMethod.INTEREST_ONLY,
        annual_rate=Decimal("0.12"),
        fee=Decimal("0.00"),
        remaining=remaining_from(s, 2),
        new_principal=Decimal("5000.00"),
        settled_interest=Decimal("27.10"),
        prepayment_date=date(2027, 1, 15),
        mode=mode,
    )
    assert rows(r) == [
        (2, "0.00", "54.52", "54.52", "5000.00"),
        (3, "0.00", "50.00", "50.00", "5000.00"),
        (4, "5000.00", "50.00", "5050.00", "0.00"),
    ]


@pytest.mark.parametrize("mode", list(PrepaymentMode))
def test_bullet_prorates_its_n_month_period(mode):
    # ¥6,000 at 12% for 6 months: one installment on 2027-06-01, interest 6000 * 0.01 * 6 = 360.
    # Its period is 182 days; prepaid on 2027-03-01 after 90 days: 360 * 90 / 182 = 178.02
    # settled, then 5000 * 0.01 * 6 * 92 / 182 = 151.648 -> 151.65 on the new balance.
    s = schedule("6000", "0.12", 6, RepaymentMethod.BULLET)
    r = reamortise(
        method=RepaymentMethod.BULLET,
        annual_rate=Decimal("0.12"),
        fee=Decimal("0.00"),
        remaining=remaining_from(s, 1),
        new_principal=Decimal("5000.00"),
        settled_interest=Decimal("178.02"),
        prepayment_date=date(2027, 3, 1),
        mode=mode,
    )
    assert rows(r) == [(1, "5000.00", "329.67", "5329.67", "0.00")]


def test_installment_fee_shorter_term_saves_fees_and_lower_installment_keeps_them():
    # ¥6,000 over 6 installments at a 0.6% fee: 36.00 a month, no interest.
    s = schedule("6000", "0", 6, RepaymentMethod.INSTALLMENT_FEE, fee_rate="0.006")
    args: dict[str, Any] = {
        "method": RepaymentMethod.INSTALLMENT_FEE,
        "annual_rate": Decimal("0.18"),  # ignored: the method charges no interest (§2.1)
        "fee": Decimal("36.00"),
        "remaining": remaining_from(s, 3),
        "new_principal": Decimal("3000.00"),
        "settled_interest": Decimal("0.00"),
        "prepayment_date": date(2027, 2, 15),
    }
    shorter = reamortise(**args)
    assert rows(shorter) == [
        (3, "1000.00", "0.00", "1036.00", "2000.00"),
        (4, "1000.00", "0.00", "1036.00", "1000.00"),
        (5, "1000.00", "0.00", "1036.00", "0.00"),
    ]
    assert shorter.total_fees == Decimal("108.00")  # one fee fewer than 4 * 36.00
    lower = reamortise(**args, mode=LOWER)
    assert [r[1:4] for r in rows(lower)] == [("750.00", "0.00", "786.00")] * 4
    assert lower.total_fees == Decimal("144.00")


def test_a_second_prepayment_in_the_same_period_starts_from_the_first_ones_base():
    first = reamortise(**WORKED_ARGS, mode=LOWER).installments
    # A second ¥1,000 of principal on 2027-03-20: the days before it in the period owe
    # 22.10 + round((54.98 - 22.10) * 10 / 22) = 22.10 + 14.95 = 37.05.
    again = tuple(
        RemainingInstallment(
            number=i.number,
            period_start=i.period_start,
            due_date=i.due_date,
            principal=i.principal,
            interest=i.interest,
            fee=i.fee,
        )
        for i in first
    )
    r = reamortise(
        **(
            WORKED_ARGS
            | {
                "remaining": again,
                "new_principal": Decimal("3632.90"),
                "settled_interest": Decimal("37.05"),
                "prepayment_date": date(2027, 3, 20),
            }
        )
    )
    # 37.05 + round(3632.90 * 0.01 * 12 / 31) = 37.05 + round(14.0628) = 51.11
    assert str(r.installments[0].interest) == "51.11"
    assert r.installments[0].accrual_base == Decimal("37.05")
    assert r.total_principal == Decimal("3632.90")
    assert [i.total for i in r.installments[:-1]] == [Decimal("540.85")] * (len(r.installments) - 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"prepayment_date": date(2027, 4, 1)}, "not in the current period"),
        ({"prepayment_date": date(2027, 2, 28)}, "not in the current period"),
        ({"new_principal": Decimal("7610.81")}, "above the principal outstanding"),
        ({"new_principal": Decimal("-1.00")}, "New principal must be a non-negative"),
        ({"new_principal": Decimal("100.001")}, "whole fen"),
        ({"settled_interest": Decimal("76.12")}, "above the period's interest"),
        ({"annual_rate": Decimal("1")}, "Annual rate"),
        ({"fee": Decimal("-0.01")}, "Fee"),
        ({"remaining": ()}, "no remaining installment"),
        ({"remaining": remaining_from(WORKED, 4)[::2]}, "does not follow"),
    ],
)
def test_invalid_prepayments_are_refused(overrides, message):
    with pytest.raises(InvalidPrepayment, match=message):
        reamortise(**(WORKED_ARGS | overrides))


def test_a_bullet_loan_has_one_remaining_installment():
    with pytest.raises(InvalidPrepayment, match="BULLET"):
        reamortise(**(WORKED_ARGS | {"method": RepaymentMethod.BULLET}))


def test_float_amounts_are_refused():
    with pytest.raises(TypeError):
        reamortise(**(WORKED_ARGS | {"new_principal": 4632.9}))
