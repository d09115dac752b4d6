"""Importing a settlement file (PRODUCT §11): every line matched to our record, the undecided
decided by the file through each record's own service, every difference queued with the action
that resolves it, and the same file twice changing nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from loans.ledger.models import EntryType, JournalEntry
from loans.origination.models import Payout, PayoutStatus
from loans.origination.services.payouts import payout_fail
from loans.payments.models import (
    AttemptStatus,
    CollectionAttempt,
    PaymentStatus,
    PortalPayment,
    SettlementDifference,
    SettlementFile,
)
from loans.payments.settlement.imports import settlement_import
from loans.servicing.models import LoanStatus, RepaymentChannel
from loans.servicing.selectors import loan_amounts_due
from loans.servicing.services.collections import overpayment_refund
from loans.servicing.services.repayments import repayment_post
from tests.integration.payments.settlement_world import (
    BEIJING,
    DAY,
    attempt_for,
    line,
    loan_on_day,
    payment_for,
    payout_of,
    repayments_of,
    settlement_csv,
)

pytestmark = pytest.mark.django_db


def run(*lines: str, name: str = "settlement-2027-02-15.csv"):
    return settlement_import(name=name, content=settlement_csv(*lines))


def differences() -> list[tuple[str, str, str, str, str]]:
    return [
        (d.kind, d.our_key, d.difference, d.action, d.state)
        for d in SettlementDifference.objects.order_by("id")
    ]


# --- the file decides what we did not know -----------------------------------------------------


def test_a_sent_payout_is_settled_by_a_succeeded_line():
    payout = payout_of(loan_on_day())

    file, summary = run(line(f"payout-{payout.pk}", "PAYOUT", "10000.00"))

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SETTLED
    assert payout.reference == f"GW-payout-{payout.pk}"
    assert JournalEntry.objects.filter(key=f"payout:{payout.pk}").count() == 1
    assert (summary.lines, summary.matched, summary.decided, summary.differences) == (1, 1, 1, 0)
    assert file.settlement_date == DAY
    assert file.completed_at is not None
    assert file.summary == {
        "lines": 1,
        "matched": 1,
        "decided": 1,
        "differences": 0,
        "by_difference": {},
    }


def test_a_sent_payout_is_failed_by_a_failed_line_and_the_loan_cancelled():
    loan = loan_on_day()
    payout = payout_of(loan)

    run(line(f"payout-{payout.pk}", "PAYOUT", "10000.00", "FAILED"))

    payout.refresh_from_db()
    loan.refresh_from_db()
    assert (payout.status, payout.failure_code) == (PayoutStatus.FAILED, "REFUSED")
    assert payout.failure_reason == "Refused in the gateway's settlement file"
    assert loan.status == LoanStatus.CANCELLED
    assert differences() == []


def test_a_refusal_of_a_settled_payout_is_a_bank_return_that_fails_it():
    loan = loan_on_day()
    payout = payout_of(loan)
    run(line(f"payout-{payout.pk}", "PAYOUT", "10000.00"))

    _file, summary = run(
        line(f"payout-{payout.pk}", "PAYOUT", "10000.00", "FAILED"), name="corrected.csv"
    )

    loan.refresh_from_db()
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.FAILED
    assert loan.status == LoanStatus.CANCELLED
    assert summary.decided == 1


def test_a_pending_portal_payment_is_paid_by_a_succeeded_line_once():
    loan = loan_on_day()
    payment = payment_for(loan)

    _file, summary = run(line(payment.token, "PAYMENT", "500.00"))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.gateway_reference == f"GW-{payment.token}"
    [repayment] = repayments_of(loan)
    assert (repayment.amount, repayment.value_date) == (Decimal("500.00"), DAY)
    assert summary.decided == 1


def test_a_pending_portal_payment_is_cancelled_by_a_failed_line():
    loan = loan_on_day()
    payment = payment_for(loan)

    run(line(payment.token, "PAYMENT", "500.00", "FAILED"))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert repayments_of(loan) == []
    assert differences() == []


def test_a_charge_in_flight_is_decided_by_the_file_and_posted_once():
    loan = loan_on_day()
    attempt = attempt_for(loan)

    _file, summary = run(line(attempt.key, "CHARGE", "916.80"))

    attempt.refresh_from_db()
    assert (attempt.status, attempt.decided_by) == (AttemptStatus.SUCCEEDED, "file")
    assert attempt.gateway_reference == f"GW-{attempt.key}"
    [repayment] = repayments_of(loan)
    assert repayment.channel == RepaymentChannel.AUTO_DEBIT
    assert attempt.repayment_id == repayment.pk
    assert (summary.matched, summary.decided, summary.differences) == (1, 1, 0)


def test_a_failed_line_fails_a_charge_in_flight_without_a_repayment():
    loan = loan_on_day()
    attempt = attempt_for(loan)

    run(line(attempt.key, "CHARGE", "916.80", "FAILED"))

    attempt.refresh_from_db()
    assert (attempt.status, attempt.decided_by) == (AttemptStatus.FAILED, "file")
    assert repayments_of(loan) == []


def test_lines_that_agree_with_decided_records_are_matched_without_change():
    loan = loan_on_day()
    attempt = attempt_for(loan, status=AttemptStatus.FAILED)
    payout = payout_of(loan)
    Payout.objects.filter(pk=payout.pk).update(status=PayoutStatus.SETTLED)

    _file, summary = run(
        line(attempt.key, "CHARGE", "916.80", "FAILED"),
        line(f"payout-{payout.pk}", "PAYOUT", "10000.00"),
    )

    assert (summary.lines, summary.matched, summary.decided, summary.differences) == (2, 2, 0, 0)
    assert CollectionAttempt.objects.get(pk=attempt.pk).decided_by == ""


def test_a_refund_entry_is_matched_and_a_failed_refund_queued():
    loan = loan_on_day()
    payoff = loan_amounts_due(loan=loan, as_of=DAY).payoff
    repayment_post(
        loan=loan,
        amount=payoff + Decimal("100.00"),
        value_date=DAY,
        as_of=DAY,
        channel=RepaymentChannel.BACK_OFFICE,
    )
    overpayment_refund(loan=loan, amount=Decimal("60.00"), as_of=DAY)
    overpayment_refund(loan=loan, amount=Decimal("40.00"), as_of=DAY)
    first, second = JournalEntry.objects.filter(loan=loan, entry_type=EntryType.REFUND)

    _file, summary = run(
        line(f"refund-{first.pk}", "REFUND", "60.00"),
        line(f"refund-{second.pk}", "REFUND", "40.00", "FAILED"),
    )

    assert summary.matched == 1
    assert differences() == [
        ("REFUND", f"refund-{second.pk}", "STATUS", "REPEAT_REFUND", "OPEN"),
    ]


# --- differences land in the finance queue -----------------------------------------------------


def test_each_kind_of_difference_is_queued_with_its_action():
    loan = loan_on_day()
    other = loan_on_day()
    failed_charge = attempt_for(loan, status=AttemptStatus.FAILED)
    short_charge = attempt_for(other, amount="300.00", status=AttemptStatus.FAILED)
    paid = payment_for(loan, "200.00")
    run(line(paid.token, "PAYMENT", "200.00"), name="first.csv")  # now PAID
    succeeded_unlisted = attempt_for(other, amount="50.00", status=AttemptStatus.SUCCEEDED)
    sent_unlisted = payout_of(other)

    _file, summary = run(
        line("AD-NOT-OURS-1", "CHARGE", "10.00"),
        line("payout-999999", "PAYOUT", "10.00"),
        line(failed_charge.key, "CHARGE", "916.80"),  # ours FAILED, money taken
        line(short_charge.key, "CHARGE", "301.00", "FAILED"),  # other amount
        line(paid.token, "PAYMENT", "200.00", "FAILED"),  # ours PAID, no money came
    )

    assert differences() == [
        ("CHARGE", "AD-NOT-OURS-1", "NOT_OURS", "ASK_GATEWAY", "OPEN"),
        ("PAYOUT", "payout-999999", "NOT_OURS", "ASK_GATEWAY", "OPEN"),
        ("CHARGE", failed_charge.key, "STATUS", "POST_OR_REFUND", "OPEN"),
        ("CHARGE", short_charge.key, "AMOUNT", "CORRECT_AMOUNT", "OPEN"),
        ("PAYMENT", paid.token, "STATUS", "REVERSE_REPAYMENT", "OPEN"),
        ("CHARGE", succeeded_unlisted.key, "MISSING", "CONFIRM_RECEIVED", "OPEN"),
        ("PAYOUT", f"payout-{sent_unlisted.pk}", "MISSING", "FAIL_OR_PAY_PAYOUT", "OPEN"),
    ]
    amount = SettlementDifference.objects.get(our_key=short_charge.key)
    assert (amount.line_number, amount.file_amount, amount.file_status) == (
        5,
        Decimal("301.00"),
        "FAILED",
    )
    assert (amount.our_amount, amount.our_status) == (Decimal("300.00"), "FAILED")
    missing = SettlementDifference.objects.get(our_key=succeeded_unlisted.key)
    assert (missing.line_number, missing.file_amount, missing.our_amount) == (
        None,
        None,
        Decimal("50.00"),
    )
    assert str(missing.get_action_display()).startswith("We posted a repayment the gateway")
    assert (summary.matched, summary.differences) == (0, 7)
    assert summary.by_difference == {"AMOUNT": 1, "MISSING": 2, "NOT_OURS": 2, "STATUS": 2}
    # Nothing was decided or posted by a disagreeing line.
    assert CollectionAttempt.objects.get(pk=failed_charge.pk).repayment_id is None
    assert PortalPayment.objects.get(pk=paid.pk).status == PaymentStatus.PAID


def test_money_taken_on_a_loan_closed_meanwhile_is_queued_for_a_refund():
    loan = loan_on_day()
    attempt = attempt_for(loan)
    payment = payment_for(loan)
    payout_fail(payout=payout_of(loan), code="ACCOUNT_CLOSED", reason="closed", as_of=DAY)

    _file, summary = run(
        line(attempt.key, "CHARGE", "916.80"), line(payment.token, "PAYMENT", "500.00")
    )

    attempt.refresh_from_db()
    assert (attempt.status, attempt.unapplied, attempt.repayment_id) == (
        AttemptStatus.SUCCEEDED,
        True,
        None,
    )
    assert differences() == [
        ("CHARGE", attempt.key, "UNAPPLIED", "REFUND_BORROWER", "OPEN"),
        ("PAYMENT", payment.token, "UNAPPLIED", "REFUND_BORROWER", "OPEN"),
    ]
    assert PortalPayment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert summary.by_difference == {"UNAPPLIED": 2}


def test_records_of_another_day_or_that_moved_nothing_are_not_missing():
    loan = loan_on_day()
    attempt_for(loan, status=AttemptStatus.FAILED)  # failed: nothing moved
    attempt_for(
        loan_on_day(),
        status=AttemptStatus.SUCCEEDED,
        sent_at=datetime(2027, 2, 16, 0, 5, tzinfo=BEIJING),  # the next Beijing day
    )
    payout_of(loan, sent_at=datetime(2027, 2, 14, 23, 59, tzinfo=BEIJING))

    run(line("AD-X", "CHARGE", "1.00", "FAILED"))

    assert [d[2] for d in differences()] == ["NOT_OURS"]


# --- the same file twice, a corrected file -----------------------------------------------------


def test_the_same_file_twice_changes_nothing():
    loan = loan_on_day()
    attempt = attempt_for(loan)
    payout = payout_of(loan)
    lines = (
        line(attempt.key, "CHARGE", "916.80"),
        line(f"payout-{payout.pk}", "PAYOUT", "10000.00"),
        line("AD-NOT-OURS", "CHARGE", "5.00"),
    )
    first, _ = run(*lines)
    before = (repayments_of(loan), differences(), JournalEntry.objects.count())

    again, summary = run(*lines, name="renamed.csv")

    assert again.pk == first.pk
    assert summary.already_imported
    assert (summary.lines, summary.matched, summary.decided, summary.differences) == (3, 2, 2, 1)
    assert (repayments_of(loan), differences(), JournalEntry.objects.count()) == before
    assert SettlementFile.objects.count() == 1


def test_an_interrupted_import_is_resumed_without_doing_anything_twice():
    loan = loan_on_day()
    attempt = attempt_for(loan)
    content = settlement_csv(
        line(attempt.key, "CHARGE", "916.80"), line("AD-NOT-OURS", "CHARGE", "5.00")
    )
    settlement_import(name="a.csv", content=content)
    SettlementFile.objects.update(completed_at=None)  # as if it stopped before the end

    _file, summary = settlement_import(name="a.csv", content=content)

    assert not summary.already_imported
    assert len(repayments_of(loan)) == 1
    assert (summary.matched, summary.decided, summary.differences) == (1, 0, 1)
    assert len(differences()) == 1


def test_a_corrected_file_of_the_same_date_matches_again_and_replaces_the_open_differences():
    loan = loan_on_day()
    attempt = attempt_for(loan)
    run(line(attempt.key, "CHARGE", "916.00"))  # a wrong amount: nothing decided
    assert differences() == [("CHARGE", attempt.key, "AMOUNT", "CORRECT_AMOUNT", "OPEN")]

    corrected, summary = run(line(attempt.key, "CHARGE", "916.80"), name="corrected.csv")

    assert SettlementFile.objects.count() == 2
    assert differences() == [("CHARGE", attempt.key, "AMOUNT", "CORRECT_AMOUNT", "SUPERSEDED")]
    assert not corrected.differences.exists()
    assert (summary.decided, summary.differences) == (1, 0)
    assert len(repayments_of(loan)) == 1


def test_a_difference_finance_resolved_is_not_raised_again_by_a_corrected_file():
    run(line("AD-NOT-OURS", "CHARGE", "5.00"))
    SettlementDifference.objects.update(
        state="RESOLVED",
        resolved_at=timezone.now(),
        resolved_by=User.objects.create(username="finance-1"),
        note="returned by the gateway",
    )

    run(line("AD-NOT-OURS", "CHARGE", "5.00"), line("AD-OTHER", "CHARGE", "1.00"), name="b.csv")

    assert sorted((d[1], d[4]) for d in differences()) == [
        ("AD-NOT-OURS", "RESOLVED"),
        ("AD-OTHER", "OPEN"),
    ]


# --- the command ---------------------------------------------------------------------------------


def test_the_command_prints_progress_and_a_summary_and_says_when_nothing_changed(tmp_path):
    loan = loan_on_day()
    attempt = attempt_for(loan)
    path = tmp_path / "settlement-2027-02-15.csv"
    path.write_bytes(
        settlement_csv(line(attempt.key, "CHARGE", "916.80"), line("AD-X", "CHARGE", "1.00"))
    )
    out = StringIO()

    call_command("settlement_import", str(path), stdout=out)

    assert "  2/2 lines" in out.getvalue()
    assert (
        "Settlement 2027-02-15: 2 lines, 1 matched, 1 decided by the file, 1 differences."
        in out.getvalue()
    )
    assert "  NOT_OURS: 1" in out.getvalue()
    again = StringIO()
    call_command("settlement_import", str(path), stdout=again)
    assert "was imported on" in again.getvalue()
    assert "nothing changed" in again.getvalue()
    assert len(repayments_of(loan)) == 1


def test_an_empty_day_is_imported_with_its_date(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(settlement_csv())

    call_command("settlement_import", str(path), "--date", "2027-02-15", stdout=StringIO())

    assert SettlementFile.objects.get().settlement_date == date(2027, 2, 15)
