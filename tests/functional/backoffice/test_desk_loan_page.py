"""The officers' loan page (#6): masked identity, an audited reveal, and actions that show their
effect on a confirmation page and write nothing until confirmed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.crypto import decrypt
from accounts.models import AuditEvent
from accounts.roles import COLLECTIONS_AGENT, FINANCE, LOAN_OFFICER
from loans.approvals.models import ApprovalRequest
from loans.backoffice.services import offline_repayment_record
from loans.ledger.models import JournalEntry
from loans.servicing.models import (
    ContactNote,
    Installment,
    Loan,
    PromiseToPay,
    Repayment,
    RepaymentChannel,
    RepaymentStatus,
)
from loans.servicing.services.daily import loan_interest_accrue
from tests.factories.api import business_date_set
from tests.functional.backoffice.conftest import AS_OF, client_for
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db


def _url(name: str, loan: Loan) -> str:
    return reverse(f"admin:servicing_loan_desk{name}", args=[loan.pk])


def _written() -> tuple[int, int, int]:
    return (Repayment.objects.count(), JournalEntry.objects.count(), AuditEvent.objects.count())


# Creating the staff of the fixtures records their roles; the tests look at what came after.
ROLE_CHANGE = "user.roles_change"


def test_the_loan_page_shows_the_identity_masked_and_its_sections(staff, loan):
    id_number = decrypt(loan.borrower.id_number_ciphertext)

    response = client_for(staff[LOAN_OFFICER]).get(_url("", loan))

    content = response.content.decode()
    assert response.status_code == 200
    assert loan.borrower.id_number_masked in content
    assert id_number not in content
    assert loan.borrower.mobile_masked in content
    assert decrypt(loan.borrower.mobile_ciphertext) not in content
    for section in [
        "Schedule",
        "Balances",
        "Bucket history",
        "Ledger entries",
        "Contract evidence",
    ]:
        assert section in content
    assert loan.contract_hash in content
    assert 'data-action="offline_repayment"' in content
    assert 'data-action="reverse_repayment"' not in content  # finance reverses, not officers


def test_reveal_shows_the_clear_numbers_once_and_is_audited_without_them(staff, loan):
    borrower = loan.borrower
    id_number, card = decrypt(borrower.id_number_ciphertext), decrypt(borrower.bank_card_ciphertext)

    response = client_for(staff[LOAN_OFFICER]).post(_url("_reveal", loan))

    assert response.status_code == 200
    mobile = decrypt(borrower.mobile_ciphertext)
    assert id_number in response.content.decode()
    assert card in response.content.decode()
    assert mobile in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="borrower.reveal")
    assert (event.actor, event.target_type, event.target_id) == (
        staff[LOAN_OFFICER],
        "accounts.borrower",
        str(borrower.pk),
    )
    assert event.details == {"fields": ["id_number", "bank_card", "mobile"]}
    assert id_number not in str(event.details)
    assert card not in str(event.details)


def test_reveal_without_the_permission_is_refused_and_records_nothing(staff, loan):
    client = client_for(staff[COLLECTIONS_AGENT])

    page = client.get(_url("", loan)).content.decode()
    response = client.post(_url("_reveal", loan))

    assert "Reveal identity" not in page
    assert response.status_code == 403
    assert decrypt(loan.borrower.id_number_ciphertext) not in response.content.decode()
    assert not AuditEvent.objects.exclude(action=ROLE_CHANGE).exists()


def test_an_offline_repayment_is_previewed_then_posted_on_confirmation(staff, loan):
    client = client_for(staff[FINANCE])
    data = {"amount": "500.00", "value_date": AS_OF.isoformat(), "reference": "BANK-7"}
    before = _written()

    review = client.post(_url("_repayment", loan), data)

    assert review.status_code == 200
    assert "Confirm" in review.content.decode()
    effect = review.context["effect"]
    advance = next(c for c in effect.balances if c.field == "advance_amount")
    assert (advance.before, advance.after) == (Decimal("0.00"), Decimal("500.00"))
    assert _written() == before  # nothing kept by the preview

    done = client.post(_url("_repayment", loan), {**data, "confirm": "1"})

    assert done.status_code == 302
    repayment = Repayment.objects.get(loan=loan)
    assert (repayment.amount, repayment.channel, repayment.created_by) == (
        Decimal("500.00"),
        RepaymentChannel.BACK_OFFICE,
        staff[FINANCE],
    )
    loan.refresh_from_db()
    assert loan.advance_amount == Decimal("500.00")
    audit = AuditEvent.objects.get(action="repayment.offline")
    assert audit.details == {
        "repayment": repayment.pk,
        "amount": "500.00",
        "value_date": AS_OF.isoformat(),
    }
    assert_books_reconcile()


def test_a_refused_repayment_shows_the_reason_and_writes_nothing(staff, loan):
    before = _written()

    response = client_for(staff[FINANCE]).post(
        _url("_repayment", loan), {"amount": "50.00", "value_date": "2027-01-25", "confirm": "1"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _written() == before


def test_a_reversal_is_previewed_then_reverses_through_the_service(staff, loan):
    repayment = offline_repayment_record(
        loan=loan, amount=Decimal("300.00"), value_date=AS_OF, as_of=AS_OF, user=staff[FINANCE]
    )
    client = client_for(staff[FINANCE])
    data = {"repayment": repayment.pk, "reason": "bounced"}
    before = _written()

    review = client.post(_url("_reverse", loan), data)

    assert [c.delta for c in review.context["effect"].changed] == [Decimal("-300.00")]
    assert _written() == before
    repayment.refresh_from_db()
    assert repayment.status == RepaymentStatus.POSTED

    client.post(_url("_reverse", loan), {**data, "confirm": "1"})

    repayment.refresh_from_db()
    loan.refresh_from_db()
    assert (repayment.status, loan.advance_amount) == (RepaymentStatus.REVERSED, Decimal("0.00"))
    assert AuditEvent.objects.filter(action="repayment.reverse").count() == 1
    assert_books_reconcile()


def test_a_write_off_request_needs_the_days_past_due_and_opens_an_approval(staff, loan):
    client = client_for(staff[COLLECTIONS_AGENT])
    data = {"reason": "no contact for six months", "confirm": "1"}

    refused = client.post(_url("_write_off", loan), data)
    Loan.objects.filter(pk=loan.pk).update(days_past_due=180)
    done = client.post(_url("_write_off", loan), data)

    assert "180" in str(refused.context["form"].non_field_errors())
    assert done.status_code == 302
    request = ApprovalRequest.objects.get(loan=loan)
    assert request.requested_by == staff[COLLECTIONS_AGENT]
    # One record, by the shared request service (approval.request), not a second by the page.
    audited = AuditEvent.objects.exclude(action=ROLE_CHANGE)
    assert list(audited.values_list("action", "target_id")) == [
        ("approval.request", str(request.pk))
    ]


def test_a_waiver_request_is_previewed_then_waits_for_a_second_officer(staff, loan):
    loan_interest_accrue(loan=loan, as_of=AS_OF)
    owed = Installment.objects.get(loan=loan, number=1).interest_accrued_amount
    client = client_for(staff[COLLECTIONS_AGENT])
    data = {"installment_number": "1", "component": "INTEREST", "amount": "1.00",
            "reason": "goodwill"}  # fmt: skip

    preview = client.post(_url("_waive", loan), data)
    assert preview.status_code == 200
    assert preview.context["effect"] is not None
    assert not ApprovalRequest.objects.exists()
    too_much = client.post(_url("_waive", loan), {**data, "amount": str(owed + 1)})
    assert too_much.context["form"].non_field_errors()

    done = client.post(_url("_waive", loan), {**data, "confirm": "1"})

    assert done.status_code == 302
    request = ApprovalRequest.objects.get(loan=loan)
    assert (request.kind, request.status, request.requested_by) == (
        "WAIVER",
        "PENDING",
        staff[COLLECTIONS_AGENT],
    )
    assert request.payload == {"installment_number": 1, "component": "INTEREST", "amount": "1.00"}
    # Nothing is waived until a second officer approves it.
    assert Installment.objects.get(loan=loan, number=1).interest_waived_amount == 0


def test_promises_and_notes_are_recorded_from_the_page(staff, loan):
    client = client_for(staff[COLLECTIONS_AGENT])
    made = business_date_set(date(2027, 2, 20))  # installment 1 (due 2027-02-15) is overdue

    review = client.post(
        _url("_promise", loan), {"amount": "800.00", "promised_date": "2027-02-25"}
    )
    assert not PromiseToPay.objects.exists()
    client.post(
        _url("_promise", loan), {"amount": "800.00", "promised_date": "2027-02-25", "confirm": "1"}
    )
    client.post(
        _url("_note", loan), {"channel": "PHONE", "text": "Will pay on payday", "confirm": "1"}
    )

    assert "Promise to pay ¥800.00 by 2027-02-25." in review.content.decode()
    promise = PromiseToPay.objects.get(loan=loan)
    assert (promise.amount, promise.business_date, promise.outcome) == (
        Decimal("800.00"),
        made,
        "PENDING",
    )
    assert ContactNote.objects.get(loan=loan).text == "Will pay on payday"
    actions = set(AuditEvent.objects.exclude(action=ROLE_CHANGE).values_list("action", flat=True))
    assert actions == {"collections.promise", "collections.note"}
    assert "Will pay" not in str(AuditEvent.objects.get(action="collections.note").details)
