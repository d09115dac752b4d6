"""Payout failures (issue #17, PRODUCT §11): a refused payout cancels the loan and undoes it.

At once (the bank refuses while we send) or later (a callback or a settlement file line, through
``payout_fail``), the loan ends CANCELLED / PAYOUT_FAILED, its disbursement, interest, fees and
penalties are reversed by linked entries, the line's limit is back, the borrower is told and a
partner's loan reported. A payout whose outcome is unknown is asked about, never sent again.
"""

# The Chinese notice uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import Partner
from loans.calendar.models import BusinessDate
from loans.domain.schedule import RepaymentMethod
from loans.events.models import OutboxEvent
from loans.ledger.models import EntryType, JournalEntry, JournalLine
from loans.origination.models import Payout, PayoutStatus
from loans.origination.services.drawdown import loan_draw
from loans.origination.services.payouts import FakePayoutBackend, PayoutResult
from loans.servicing.models import (
    Loan,
    LoanEvent,
    LoanStatus,
    Reminder,
    ReminderChannel,
    RepaymentChannel,
)
from loans.servicing.notifications import LocmemSmsBackend
from loans.servicing.services.reminders import reminders_send_due
from loans.servicing.services.repayments import repayment_post
from tests.factories.accounts import borrower_create, partner_create
from tests.factories.loans import (
    DRAW_DATE,
    ProductFactory,
    business_date_open_on,
    contract_for,
    credit_line_for,
    draw,
)
from tests.integration.books import assert_books_reconcile, loan_state

pytestmark = pytest.mark.django_db

LIMIT = Decimal("30000.00")
BEIJING = ZoneInfo("Asia/Shanghai")
TEN_AM = datetime(2027, 1, 15, 10, 0, tzinfo=BEIJING)
LOAN_ACCOUNTS = (
    "PRINCIPAL_RECEIVABLE",
    "INTEREST_RECEIVABLE",
    "FEE_RECEIVABLE",
    "PENALTY_RECEIVABLE",
    "INTEREST_INCOME",
    "FEE_INCOME",
    "PENALTY_INCOME",
    "DISBURSEMENT_CLEARING",
    "CASH",
    "WAIVERS",
)


@pytest.fixture(autouse=True)
def bank() -> Iterator[type[FakePayoutBackend]]:
    """The fake bank, its script and answers empty before and after each test."""
    for kept in (FakePayoutBackend.sent, FakePayoutBackend.script, LocmemSmsBackend.outbox):
        kept.clear()
    FakePayoutBackend.answers.clear()
    yield FakePayoutBackend
    for kept in (FakePayoutBackend.sent, FakePayoutBackend.script, LocmemSmsBackend.outbox):
        kept.clear()
    FakePayoutBackend.answers.clear()


def _borrower(**overrides: Any):
    borrower = borrower_create(**({"email": "borrower@example.com"} | overrides))
    credit_line_for(borrower, limit=LIMIT)
    return borrower


def _draw(capture, borrower=None, **kwargs: Any) -> Loan:
    """Draw a loan and run what its commit queues (the payout's send), at 10:00 Beijing."""
    with time_machine.travel(TEN_AM, tick=False), capture(execute=True):
        loan = draw(borrower or _borrower(), **kwargs)
    loan.refresh_from_db()
    return loan


def _partner_draw(capture, partner: Partner) -> Loan:
    """Draw ¥3,000 over 6 months through a partner."""
    borrower = _borrower(partner=partner)
    with business_date_open_on(DRAW_DATE), capture(execute=True):
        loan = loan_draw(
            borrower=borrower,
            product=ProductFactory.create(),
            principal=Decimal("3000.00"),
            term=6,
            method=RepaymentMethod.EQUAL_INSTALLMENT,
            contract=contract_for(borrower),
            as_of=DRAW_DATE,
            partner=partner,
        )
    loan.refresh_from_db()
    return loan


def _close(day: date) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})
    call_command("close_business_day", "--inline", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _loan_account_totals(loan: Loan) -> dict[str, Decimal]:
    rows = (
        JournalLine.objects.filter(loan=loan)
        .values("account")
        .annotate(total=Sum("amount"))
        .order_by("account")
    )
    return {row["account"]: row["total"] for row in rows}


def _book_totals() -> dict[str, Decimal]:
    rows = JournalLine.objects.values("account").annotate(total=Sum("amount")).order_by("account")
    return {row["account"]: row["total"] for row in rows}


def _counts() -> tuple[int, int, int, int]:
    return (
        JournalEntry.objects.count(),
        Reminder.objects.count(),
        OutboxEvent.objects.count(),
        LoanEvent.objects.count(),
    )


def _fail(loan: Loan, *, code: str = "NAME_MISMATCH", as_of: date) -> Payout:
    from loans.origination.services.payouts import payout_fail

    return payout_fail(
        payout=Payout.objects.get(loan=loan),
        code=code,
        reason="Name on the account differs",
        as_of=as_of,
    )


def test_a_payout_refused_at_once_cancels_the_loan_and_reverses_the_disbursement(
    django_capture_on_commit_callbacks, bank
):
    bank.script.append("ACCOUNT_CLOSED")

    loan = _draw(django_capture_on_commit_callbacks, principal="10000.00", term=12)

    assert (loan.status, loan.cancel_reason) == (LoanStatus.CANCELLED, "PAYOUT_FAILED")
    assert loan.closed_date == DRAW_DATE
    payout = Payout.objects.get(loan=loan)
    assert (payout.status, payout.failure_code) == (PayoutStatus.FAILED, "ACCOUNT_CLOSED")
    assert payout.failed_at is not None
    disbursement = JournalEntry.objects.get(loan=loan, entry_type=EntryType.DISBURSEMENT)
    reversal = disbursement.reversed_by
    assert reversal.entry_type == EntryType.REVERSAL
    assert reversal.value_date == DRAW_DATE
    assert sorted((line.account, line.amount) for line in reversal.lines.all()) == [
        ("DISBURSEMENT_CLEARING", Decimal("10000.00")),
        ("PRINCIPAL_RECEIVABLE", Decimal("-10000.00")),
    ]
    assert (loan.principal_outstanding_amount, loan.interest_receivable_amount) == (0, 0)
    assert loan.credit_line.used_amount == 0
    assert loan.credit_line.available_amount == LIMIT
    assert bank.sent == [payout.pk]
    event = LoanEvent.objects.get(loan=loan, event_type="loan.payout_failed")
    assert event.data["reason"] == "ACCOUNT_CLOSED"
    assert_books_reconcile()


def test_a_refusal_after_two_nights_leaves_the_books_as_if_the_loan_was_never_drawn(
    django_capture_on_commit_callbacks, bank
):
    bank.script.append("PENDING")  # the bank has not answered yet
    before = _book_totals()
    loan = _draw(django_capture_on_commit_callbacks, principal="10000.00", term=12)
    _close(DRAW_DATE)
    _close(DRAW_DATE + timedelta(days=1))
    loan.refresh_from_db()
    # Two nights of installment 1's ¥150.00 over 31 days: round(150 * 2 / 31).
    assert loan.interest_receivable_amount == Decimal("9.68")
    assert loan.credit_line.available_amount == Decimal("20000.00")

    _fail(loan, as_of=DRAW_DATE + timedelta(days=2))

    loan.refresh_from_db()
    assert (loan.status, loan.cancel_reason) == (LoanStatus.CANCELLED, "PAYOUT_FAILED")
    call_command("reconcile", stdout=open("/dev/null", "w"))  # noqa: SIM115 - raises if not 0
    assert_books_reconcile()
    assert loan.credit_line.available_amount == LIMIT
    assert loan.credit_line.used_amount == 0
    # Every receivable and income line of the loan nets to zero; so does the whole book.
    assert {account: total for account, total in _loan_account_totals(loan).items() if total} == {}
    assert {a: t for a, t in _book_totals().items() if t} == {a: t for a, t in before.items() if t}
    balances = loan_state(loan)["balances"]
    assert balances == (0, 0, 0, 0, 0, 0)
    # The nights' accruals are each reversed by an entry keyed to this loan and the original.
    accruals = JournalEntry.objects.filter(
        entry_type=EntryType.INTEREST_ACCRUAL, lines__loan=loan
    ).distinct()
    assert accruals.count() == 2
    for accrual in accruals:
        reversal = JournalEntry.objects.get(key=f"payout-failed:{loan.pk}:{accrual.pk}")
        assert reversal.entry_type == EntryType.REVERSAL
        share = JournalLine.objects.filter(entry=accrual, loan=loan).aggregate(t=Sum("amount"))
        assert reversal.lines.aggregate(t=Sum("amount"))["t"] == 0
        assert (
            JournalLine.objects.filter(entry=reversal, loan=loan).aggregate(t=Sum("amount"))["t"]
            == -share["t"]
        )

    lines_after = JournalLine.objects.filter(loan=loan).count()
    _close(DRAW_DATE + timedelta(days=2))
    _close(DRAW_DATE + timedelta(days=3))

    loan.refresh_from_db()
    assert JournalLine.objects.filter(loan=loan).count() == lines_after
    assert (loan.status, loan.interest_receivable_amount) == (LoanStatus.CANCELLED, 0)
    assert_books_reconcile()


def test_a_second_failure_report_changes_nothing(django_capture_on_commit_callbacks, bank):
    bank.script.append("PENDING")
    loan = _partner_draw(django_capture_on_commit_callbacks, partner_create())
    _close(DRAW_DATE)
    _fail(loan, as_of=DRAW_DATE + timedelta(days=1))
    state = loan_state(loan)
    counts = _counts()
    failed_at = Payout.objects.get(loan=loan).failed_at

    payout = _fail(loan, code="ACCOUNT_CLOSED", as_of=DRAW_DATE + timedelta(days=5))

    assert loan_state(loan) == state
    assert _counts() == counts
    assert (payout.failure_code, payout.failed_at) == ("NAME_MISMATCH", failed_at)


def test_a_partners_loan_is_reported_to_the_partner(django_capture_on_commit_callbacks, bank):
    partner = partner_create()
    bank.script.append("NAME_MISMATCH")

    loan = _partner_draw(django_capture_on_commit_callbacks, partner)

    event = OutboxEvent.objects.get(partner=partner, event_type="loan.payout_failed")
    assert event.loan_id == loan.pk
    assert event.data == {
        "loan": loan.pk,
        "principal": "3000.00",
        "reason": "NAME_MISMATCH",
        "cancelled_date": DRAW_DATE.isoformat(),
    }


def test_the_borrower_is_told_in_their_language_on_each_channel(
    django_capture_on_commit_callbacks, bank
):
    bank.script.append("ACCOUNT_CLOSED")
    loan = _draw(django_capture_on_commit_callbacks, principal="3000.00", term=6)

    assert set(Reminder.objects.filter(loan=loan).values_list("kind", "channel", "language")) == {
        ("PAYOUT_FAILED", ReminderChannel.EMAIL, "zh-hans"),
        ("PAYOUT_FAILED", ReminderChannel.SMS, "zh-hans"),
    }
    assert reminders_send_due(now=TEN_AM + timedelta(minutes=1)) == 2

    (email,) = mail.outbox
    assert email.subject == "借款已取消：银行退回了放款"
    assert f"编号{loan.pk}，金额¥3,000.00" in email.body
    assert "（账户已销户）" in email.body
    assert "2027年1月15日" in email.body
    (sms,) = LocmemSmsBackend.outbox
    assert "账户已销户" in sms.text
    # Sent once: a second run finds nothing to send.
    assert reminders_send_due(now=TEN_AM + timedelta(hours=1)) == 0


def test_an_english_speaking_borrower_reads_the_notice_in_english(
    django_capture_on_commit_callbacks, bank
):
    bank.script.append("NAME_MISMATCH")
    borrower = _borrower()
    borrower.language = "en"
    borrower.save(update_fields=["language"])
    loan = _draw(django_capture_on_commit_callbacks, borrower, principal="3000.00", term=6)

    reminders_send_due(now=TEN_AM + timedelta(minutes=1))

    (email,) = mail.outbox
    assert email.subject == "Your loan was cancelled: the bank refused the transfer"
    assert f"loan no. {loan.pk} (¥3,000.00)" in email.body
    assert "the name on the account does not match yours" in email.body


def test_money_paid_before_the_refusal_is_owed_back_as_an_overpayment(
    django_capture_on_commit_callbacks, bank
):
    bank.script.append("PENDING")
    loan = _draw(django_capture_on_commit_callbacks, principal="10000.00", term=12)
    _close(DRAW_DATE)
    repayment_post(
        loan=loan,
        amount=Decimal("500.00"),
        value_date=DRAW_DATE + timedelta(days=1),
        as_of=DRAW_DATE + timedelta(days=1),
        channel=RepaymentChannel.PORTAL,
    )
    _close(DRAW_DATE + timedelta(days=1))

    _fail(loan, as_of=DRAW_DATE + timedelta(days=2))

    loan.refresh_from_db()
    assert loan_state(loan)["balances"] == (0, 0, 0, 0, 0, Decimal("500.00"))
    assert loan.status == LoanStatus.CANCELLED
    assert loan.credit_line.used_amount == 0
    assert _book_totals()["CASH"] == Decimal("500.00")
    assert _book_totals()["OVERPAYMENT_LIABILITY"] == Decimal("-500.00")
    assert_books_reconcile()


def test_a_payout_returned_after_settlement_reverses_the_settlement_too(
    django_capture_on_commit_callbacks, bank
):
    loan = _draw(django_capture_on_commit_callbacks, principal="3000.00", term=6)
    assert Payout.objects.get(loan=loan).status == PayoutStatus.SETTLED

    _fail(loan, code="ACCOUNT_CLOSED", as_of=DRAW_DATE + timedelta(days=3))

    settlement = JournalEntry.objects.get(loan=loan, entry_type=EntryType.PAYOUT_SETTLED)
    assert settlement.reversed_by.value_date == DRAW_DATE + timedelta(days=3)
    assert {a: t for a, t in _book_totals().items() if t} == {}
    assert_books_reconcile()


def test_an_unknown_outcome_is_asked_about_never_sent_again(
    django_capture_on_commit_callbacks, bank
):
    from loans.origination.services.payouts import payouts_query_unknown

    bank.script.append("TIMEOUT")
    loan = _draw(django_capture_on_commit_callbacks, principal="3000.00", term=6)
    payout = Payout.objects.get(loan=loan)
    assert (payout.status, bank.sent) == (PayoutStatus.SENT, [payout.pk])
    sent_at = payout.sent_at
    from loans.origination.services.payouts import payout_send

    payout_send(payout_id=payout.pk)  # a retried task after the timeout sends nothing
    assert bank.sent == [payout.pk]

    # Too young to ask about; then asked once, the bank still does not know.
    assert payouts_query_unknown(now=sent_at + timedelta(minutes=10), older_than_minutes=15) == 0
    assert payouts_query_unknown(now=sent_at + timedelta(minutes=16), older_than_minutes=15) == 1
    assert payouts_query_unknown(now=sent_at + timedelta(minutes=20), older_than_minutes=15) == 0
    payout.refresh_from_db()
    assert (payout.status, payout.query_count) == (PayoutStatus.SENT, 1)

    bank.answers[payout.pk] = PayoutResult("FAKE-X", False, "CARD_INVALID", "Card not valid")
    assert payouts_query_unknown(now=sent_at + timedelta(minutes=32), older_than_minutes=15) == 1

    payout.refresh_from_db()
    loan.refresh_from_db()
    assert (payout.status, payout.failure_code, payout.query_count) == (
        PayoutStatus.FAILED,
        "CARD_INVALID",
        2,
    )
    assert (loan.status, loan.cancel_reason) == (LoanStatus.CANCELLED, "PAYOUT_FAILED")
    assert bank.sent == [payout.pk]  # never sent again
    assert_books_reconcile()


def test_a_query_that_finds_the_payout_settled_settles_it(django_capture_on_commit_callbacks, bank):
    from loans.origination.services.payouts import payouts_query_unknown

    bank.script.append("PENDING")
    loan = _draw(django_capture_on_commit_callbacks, principal="3000.00", term=6)
    payout = Payout.objects.get(loan=loan)
    bank.answers[payout.pk] = PayoutResult(reference="BANK-123", settled=True)

    assert payouts_query_unknown(now=payout.sent_at + timedelta(hours=1), older_than_minutes=15)

    payout.refresh_from_db()
    loan.refresh_from_db()
    assert (payout.status, payout.reference) == (PayoutStatus.SETTLED, "BANK-123")
    assert loan.status == LoanStatus.ACTIVE
    assert bank.sent == [payout.pk]
    assert_books_reconcile()
