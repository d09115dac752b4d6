"""A successful charge becomes one repayment whoever reports it first: the settlement file or the
gateway's callback (PRODUCT §11: "exactly once, whether the callback, the query or the settlement
file reports it first")."""

from __future__ import annotations

import pytest

from loans.origination.models import Payout, PayoutStatus
from loans.payments.models import AttemptStatus, CollectionAttempt, SettlementDifference
from loans.payments.settlement.callbacks import CallbackKeyUnknown, gateway_callback_record
from loans.payments.settlement.imports import settlement_import
from loans.servicing.models import LoanStatus
from tests.integration.payments.settlement_world import (
    attempt_for,
    line,
    loan_on_day,
    payout_of,
    repayments_of,
    settlement_csv,
)

pytestmark = pytest.mark.django_db


def import_lines(*lines: str) -> None:
    settlement_import(name="settlement.csv", content=settlement_csv(*lines))


def test_file_first_then_callback_posts_one_repayment():
    loan = loan_on_day()
    attempt = attempt_for(loan)

    import_lines(line(attempt.key, "CHARGE", "916.80"))
    gateway_callback_record(kind="CHARGE", key=attempt.key, outcome="SUCCEEDED")

    attempt.refresh_from_db()
    assert (attempt.status, attempt.decided_by) == (AttemptStatus.SUCCEEDED, "file")
    assert len(repayments_of(loan)) == 1


def test_callback_first_then_file_posts_one_repayment_and_the_line_matches():
    loan = loan_on_day()
    attempt = attempt_for(loan)

    gateway_callback_record(
        kind="CHARGE", key=attempt.key, outcome="SUCCEEDED", gateway_reference="GW-1"
    )
    _file, summary = settlement_import(
        name="settlement.csv", content=settlement_csv(line(attempt.key, "CHARGE", "916.80"))
    )

    attempt.refresh_from_db()
    assert (attempt.status, attempt.decided_by) == (AttemptStatus.SUCCEEDED, "callback")
    assert len(repayments_of(loan)) == 1
    assert (summary.matched, summary.decided, summary.differences) == (1, 0, 0)


def test_a_failure_by_callback_then_a_success_in_the_file_is_a_difference_not_a_repayment():
    loan = loan_on_day()
    attempt = attempt_for(loan)

    gateway_callback_record(kind="CHARGE", key=attempt.key, outcome="CARD_FROZEN")
    import_lines(line(attempt.key, "CHARGE", "916.80"))

    assert CollectionAttempt.objects.get(pk=attempt.pk).status == AttemptStatus.FAILED
    assert repayments_of(loan) == []
    [difference] = SettlementDifference.objects.all()
    assert (difference.difference, difference.action) == ("STATUS", "POST_OR_REFUND")
    assert (difference.file_status, difference.our_status) == ("SUCCEEDED", "FAILED")


def test_a_payout_callback_settles_or_fails_the_payout_once():
    loan = loan_on_day()
    payout = payout_of(loan)

    gateway_callback_record(
        kind="PAYOUT", key=f"payout-{payout.pk}", outcome="FAILED", failure_code="NAME_MISMATCH"
    )
    gateway_callback_record(
        kind="PAYOUT", key=f"payout-{payout.pk}", outcome="FAILED", failure_code="NAME_MISMATCH"
    )
    gateway_callback_record(kind="PAYOUT", key=f"payout-{payout.pk}", outcome="SETTLED")

    payout.refresh_from_db()
    loan.refresh_from_db()
    assert (payout.status, payout.failure_code) == (PayoutStatus.FAILED, "NAME_MISMATCH")
    assert loan.status == LoanStatus.CANCELLED


def test_a_callback_for_a_key_we_never_made_is_refused():
    with pytest.raises(CallbackKeyUnknown):
        gateway_callback_record(kind="CHARGE", key="AD-NOT-OURS", outcome="SUCCEEDED")
    with pytest.raises(CallbackKeyUnknown):
        gateway_callback_record(kind="PAYOUT", key="payout-424242", outcome="SETTLED")
    with pytest.raises(CallbackKeyUnknown):
        gateway_callback_record(kind="PAYOUT", key="424242", outcome="SETTLED")
    assert Payout.objects.count() == 0
