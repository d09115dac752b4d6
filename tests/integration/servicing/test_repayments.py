"""Repayments (PRODUCT §2.5): allocation, advance, payoff, prepayment, reversal and replay."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from loans.domain.prepayment import PrepaymentMode
from loans.ledger.models import EntryType, JournalEntry
from loans.servicing.models import (
    CreditLine,
    Installment,
    Loan,
    LoanStatus,
    RepaymentChannel,
    RepaymentStatus,
)
from loans.servicing.selectors import loan_payoff_quote
from loans.servicing.services.collections import RefundRefused, overpayment_refund
from loans.servicing.services.daily import loan_advance_apply, loan_interest_accrue
from loans.servicing.services.repayment_plans import RepaymentRefused
from loans.servicing.services.repayment_undo import RepaymentReversalRefused
from loans.servicing.services.repayments import (
    repayment_post,
    repayment_reverse,
)
from tests.factories.loans import DRAW_DATE, draw
from tests.integration.books import assert_books_reconcile, loan_state

pytestmark = pytest.mark.django_db

FEB_15, MAR_15 = date(2027, 2, 15), date(2027, 3, 15)


def accrue_through(loan: Loan, last_day: date) -> None:
    day = DRAW_DATE
    while day <= last_day:
        loan_interest_accrue(loan=loan, as_of=day)
        day += timedelta(days=1)


def pay(loan: Loan, amount: str, on: date, *, as_of: date | None = None, **kwargs):
    return repayment_post(
        loan=loan,
        amount=Decimal(amount),
        value_date=on,
        as_of=as_of or on,
        channel=RepaymentChannel.PORTAL,
        **kwargs,
    )


def row(loan: Loan, number: int) -> Installment:
    return Installment.objects.get(loan=loan, number=number)


def used(loan: Loan) -> Decimal:
    return CreditLine.objects.get(pk=loan.credit_line_id).used_amount


@pytest.fixture
def loan() -> Loan:
    """¥10,000 at 18% over 12 months, equal installments of 916.80 from 2027-01-15."""
    return draw(principal="10000.00", term=12)


def test_the_exact_installment_on_its_due_date_settles_it(loan):
    accrue_through(loan, FEB_15 - timedelta(days=1))

    repayment = pay(loan, "916.80", FEB_15)

    assert repayment.allocation["parts"] == [
        {"number": 1, "component": "INTEREST", "amount": "150.00"},
        {"number": 1, "component": "PRINCIPAL", "amount": "766.80"},
    ]
    assert [(line.account, line.amount) for line in repayment.entry.lines.order_by("id")] == [
        ("CASH", Decimal("916.80")),
        ("INTEREST_RECEIVABLE", Decimal("-150.00")),
        ("PRINCIPAL_RECEIVABLE", Decimal("-766.80")),
    ]
    assert row(loan, 1).paid_date == FEB_15
    loan.refresh_from_db()
    assert loan.principal_outstanding_amount == Decimal("9233.20")
    assert loan.interest_receivable_amount == 0
    assert used(loan) == Decimal("9233.20")
    assert_books_reconcile()


def test_a_partial_payment_goes_to_interest_first_and_leaves_the_installment_open(loan):
    accrue_through(loan, FEB_15 - timedelta(days=1))

    pay(loan, "100.00", FEB_15)

    first = row(loan, 1)
    assert (first.interest_paid_amount, first.principal_paid_amount) == (Decimal("100.00"), 0)
    assert first.paid_date is None
    assert_books_reconcile()


def test_overdue_installments_are_paid_oldest_first(loan):
    accrue_through(loan, MAR_15 - timedelta(days=1))  # installments 1 and 2 fully accrued

    repayment = pay(loan, "1000.00", MAR_15)  # 1 is overdue, 2 is due today

    assert repayment.allocation["parts"] == [
        {"number": 1, "component": "INTEREST", "amount": "150.00"},
        {"number": 1, "component": "PRINCIPAL", "amount": "766.80"},
        {"number": 2, "component": "INTEREST", "amount": "83.20"},
    ]
    assert repayment.advance_amount == 0
    assert_books_reconcile()


def test_money_beyond_what_is_due_is_held_as_an_advance_and_applied_on_the_next_due_date(loan):
    accrue_through(loan, FEB_15 - timedelta(days=1))
    repayment = pay(loan, "1000.00", FEB_15)
    assert repayment.advance_amount == Decimal("83.20")
    loan.refresh_from_db()
    assert loan.advance_amount == Decimal("83.20")

    accrue_through(loan, MAR_15 - timedelta(days=1))
    applied = loan_advance_apply(loan=loan, as_of=MAR_15)

    assert applied == Decimal("83.20")
    assert row(loan, 2).interest_paid_amount == Decimal("83.20")
    loan.refresh_from_db()
    assert loan.advance_amount == 0
    assert JournalEntry.objects.filter(loan=loan, entry_type=EntryType.ADVANCE_APPLIED).count() == 1
    assert_books_reconcile()


def test_payoff_charges_interest_for_the_days_before_the_payoff_date_only(loan):
    accrue_through(loan, FEB_15 - timedelta(days=1))
    pay(loan, "916.80", FEB_15)
    payoff_day = date(2027, 2, 25)
    accrue_through(loan, payoff_day - timedelta(days=1))

    quote = loan_payoff_quote(loan=loan, as_of=payoff_day)
    # Period 2 is [Feb 15, Mar 15), 28 days, interest 138.50; 10 days before Feb 25:
    # round(138.50 * 10 / 28) = round(49.464…) = 49.46.
    assert (quote.principal, quote.interest, quote.total) == (
        Decimal("9233.20"),
        Decimal("49.46"),
        Decimal("9282.66"),
    )
    repayment = pay(loan, "9300.00", payoff_day)

    loan.refresh_from_db()
    assert loan.status == LoanStatus.PAID_OFF
    assert loan.closed_date == payoff_day
    assert repayment.overpayment_amount == Decimal("17.34")
    assert loan.overpayment_amount == Decimal("17.34")
    assert row(loan, 2).interest_amount == Decimal("49.46")
    assert row(loan, 3).interest_amount == 0
    assert used(loan) == 0
    assert_books_reconcile()

    overpayment_refund(loan=loan, amount=Decimal("17.34"), as_of=payoff_day)
    loan.refresh_from_db()
    assert loan.overpayment_amount == 0
    with pytest.raises(RefundRefused):
        overpayment_refund(loan=loan, amount=Decimal("0.01"), as_of=payoff_day)
    assert_books_reconcile()


def test_a_payoff_on_a_day_close_of_business_has_not_accrued_trues_up_the_interest(loan):
    accrue_through(loan, date(2027, 1, 20))  # accrual lags behind the payoff date

    quote = loan_payoff_quote(loan=loan, as_of=FEB_15)
    pay(loan, str(quote.total), FEB_15)

    loan.refresh_from_db()
    assert quote.interest == Decimal("150.00")
    assert loan.status == LoanStatus.PAID_OFF
    assert loan.overpayment_amount == 0
    assert_books_reconcile()


@pytest.mark.parametrize("mode", list(PrepaymentMode))
def test_a_prepayment_reamortises_and_never_raises_interest(loan, mode):
    accrue_through(loan, FEB_15 - timedelta(days=1))
    pay(loan, "916.80", FEB_15)
    day = date(2027, 2, 25)
    accrue_through(loan, day - timedelta(days=1))
    interest_before = sum(r.interest_amount for r in loan.installments.filter(number__gte=2))
    count_before = loan.installments.count()

    repayment = pay(loan, "3000.00", day, prepayment_mode=mode)

    assert repayment.allocation["parts"][0] == {
        "number": 2, "component": "INTEREST", "amount": "49.46",
    }  # fmt: skip
    assert repayment.prepaid_principal_amount == Decimal("2950.54")
    loan.refresh_from_db()
    assert loan.principal_outstanding_amount == Decimal("9233.20") - Decimal("2950.54")
    rest = list(loan.installments.filter(number__gte=2).order_by("number"))
    assert sum(r.principal_amount for r in rest) == loan.principal_outstanding_amount
    assert sum(r.interest_amount for r in rest) < interest_before
    assert rest[0].accrual_start_date == day
    assert rest[0].accrual_base_amount == Decimal("49.46")
    if mode is PrepaymentMode.SHORTEN_TERM:
        assert loan.installments.count() < count_before
        assert all(r.total_amount <= Decimal("916.80") for r in rest)
    else:
        assert loan.installments.count() == count_before
        assert all(r.total_amount < Decimal("916.80") for r in rest)
    assert used(loan) == loan.principal_outstanding_amount
    assert_books_reconcile()


def test_reversing_a_prepayment_restores_the_schedule(loan):
    accrue_through(loan, date(2027, 1, 24))
    schedule = list(loan.installments.values_list("number", "principal_amount", "interest_amount"))
    state = loan_state(loan)
    repayment = pay(loan, "3000.00", date(2027, 1, 25), prepayment_mode=PrepaymentMode.SHORTEN_TERM)

    repayment_reverse(repayment=repayment, as_of=date(2027, 1, 25))

    after = loan_state(loan)
    assert after["balances"] == state["balances"]
    assert after["installments"] == state["installments"]
    assert list(loan.installments.values_list("number", "principal_amount", "interest_amount")) == (
        schedule
    )
    assert_books_reconcile()


def test_a_reversal_is_a_linked_entry_and_restores_everything(loan):
    accrue_through(loan, FEB_15 - timedelta(days=1))
    before = loan_state(loan)
    repayment = pay(loan, "916.80", FEB_15)

    reversed_ = repayment_reverse(repayment=repayment, as_of=date(2027, 2, 16))

    assert reversed_.status == RepaymentStatus.REVERSED
    reversal = JournalEntry.objects.get(reverses=repayment.entry)
    assert reversal.entry_type == EntryType.REVERSAL
    assert sorted(line.amount for line in reversal.lines.all()) == sorted(
        -line.amount for line in repayment.entry.lines.all()
    )
    after = loan_state(loan)
    assert after["balances"] == before["balances"]
    assert after["installments"] == before["installments"]
    assert after["line_used"] == before["line_used"]
    with pytest.raises(RepaymentReversalRefused):
        repayment_reverse(repayment=repayment, as_of=date(2027, 2, 16))
    assert_books_reconcile()


def test_reversing_an_early_repayment_replays_the_later_ones_in_date_order(loan):
    accrue_through(loan, MAR_15 - timedelta(days=1))
    first = pay(loan, "916.80", FEB_15, as_of=MAR_15)
    second = pay(loan, "916.80", MAR_15)

    repayment_reverse(repayment=first, as_of=MAR_15)

    second.refresh_from_db()
    assert second.status == RepaymentStatus.REVERSED
    replay = second.replayed_by
    assert replay.status == RepaymentStatus.POSTED
    # Without the first payment, installment 1 is overdue on Mar 15 and is paid first.
    assert replay.allocation["parts"] == [
        {"number": 1, "component": "INTEREST", "amount": "150.00"},
        {"number": 1, "component": "PRINCIPAL", "amount": "766.80"},
    ]
    assert row(loan, 1).paid_date == MAR_15
    assert row(loan, 2).paid_date is None
    assert_books_reconcile()


def test_a_back_dated_repayment_is_allocated_as_if_posted_in_date_order(loan):
    twin = draw(principal="10000.00", term=12)
    for each in (loan, twin):
        accrue_through(each, MAR_15 - timedelta(days=1))
    pay(twin, "916.80", FEB_15, as_of=MAR_15)
    pay(twin, "916.80", MAR_15)

    pay(loan, "916.80", MAR_15)
    pay(loan, "916.80", FEB_15, as_of=MAR_15)  # posted late, value date earlier

    def paid(which: Loan) -> list[tuple[int, Decimal, Decimal]]:
        return list(
            which.installments.order_by("number").values_list(
                "number", "interest_paid_amount", "principal_paid_amount"
            )
        )

    assert paid(loan) == paid(twin)
    assert row(loan, 1).paid_date == FEB_15
    assert_books_reconcile()


@pytest.mark.parametrize(
    ("amount", "on", "message"),
    [
        ("0.00", FEB_15, "positive"),
        ("-5.00", FEB_15, "positive"),
        ("10.001", FEB_15, "whole fen"),
        ("10.00", date(2027, 1, 14), "before the disbursement"),
    ],
)
def test_bad_repayments_are_refused_and_change_nothing(loan, amount, on, message):
    before = loan_state(loan)

    with pytest.raises(RepaymentRefused, match=message):
        pay(loan, amount, on, as_of=FEB_15)

    assert loan_state(loan) == before


def test_a_value_date_after_the_business_date_is_refused(loan):
    before = loan_state(loan)

    with pytest.raises(RepaymentRefused, match="after the business date"):
        pay(loan, "10.00", MAR_15, as_of=FEB_15)

    assert loan_state(loan) == before


def test_a_paid_off_loan_takes_no_more_repayments(loan):
    pay(loan, str(loan_payoff_quote(loan=loan, as_of=DRAW_DATE).total), DRAW_DATE)
    before = loan_state(loan)

    with pytest.raises(RepaymentRefused, match="PAID_OFF"):
        pay(loan, "10.00", FEB_15)

    assert loan_state(loan) == before


def test_reversing_a_repayment_whose_advance_was_applied_undoes_the_application(loan):
    accrue_through(loan, FEB_15 - timedelta(days=1))
    before = loan_state(loan)
    repayment = pay(loan, "1000.00", FEB_15)  # 83.20 held as an advance
    accrue_through(loan, MAR_15 - timedelta(days=1))
    loan_advance_apply(loan=loan, as_of=MAR_15)
    assert row(loan, 2).interest_paid_amount == Decimal("83.20")

    repayment_reverse(repayment=repayment, as_of=MAR_15)

    application = JournalEntry.objects.get(loan=loan, entry_type=EntryType.ADVANCE_APPLIED)
    assert JournalEntry.objects.filter(reverses=application).exists()
    assert row(loan, 2).interest_paid_amount == 0
    loan.refresh_from_db()
    assert loan.advance_amount == 0
    assert loan_state(loan)["line_used"] == before["line_used"]
    assert_books_reconcile()


def test_a_back_dated_repayment_replays_the_advance_applied_after_it(loan):
    accrue_through(loan, FEB_15 - timedelta(days=1))
    pay(loan, "1000.00", FEB_15)
    accrue_through(loan, MAR_15 - timedelta(days=1))
    loan_advance_apply(loan=loan, as_of=MAR_15)

    pay(loan, "50.00", date(2027, 2, 20), as_of=date(2027, 3, 20))

    # The advance is now 83.20 + 50.00, applied again on Mar 15 to installment 2's interest.
    assert row(loan, 2).interest_paid_amount == Decimal("133.20")
    loan.refresh_from_db()
    assert loan.advance_amount == 0
    applications = JournalEntry.objects.filter(loan=loan, entry_type=EntryType.ADVANCE_APPLIED)
    assert applications.count() == 2  # the original (reversed) and the replay
    assert_books_reconcile()


def test_a_correction_before_an_overpayment_refund_is_refused(loan):
    quote = loan_payoff_quote(loan=loan, as_of=FEB_15)
    payoff = pay(loan, str(quote.total + Decimal("10.00")), FEB_15)
    overpayment_refund(loan=loan, amount=Decimal("10.00"), as_of=FEB_15)
    before = loan_state(loan)

    with pytest.raises(RepaymentRefused, match="refund"):
        repayment_reverse(repayment=payoff, as_of=FEB_15)

    assert loan_state(loan) == before
