"""The officers' loan page laid out (issue #23): a summary header first, then the schedule,
transactions, ledger, contract, contacts and notes; actions as buttons; the mobile masked and
its reveal audited; Chinese and English without raw codes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.crypto import decrypt
from accounts.models import AuditEvent
from accounts.roles import FINANCE, LOAN_OFFICER
from loans.servicing.models import Installment, Loan
from loans.servicing.selectors import installment_amount_due
from tests.functional.backoffice.conftest import AS_OF, client_for

pytestmark = pytest.mark.django_db

RAW_CODES = [
    "ACTIVE",
    "PENDING_DISBURSEMENT",
    "EQUAL_INSTALLMENT",
    "CURRENT",
    "M4_PLUS",
    "BACK_OFFICE",
]


def _page(user, loan: Loan, language: str = "en") -> str:
    client = client_for(user)
    response = client.get(
        reverse("admin:servicing_loan_desk", args=[loan.pk]), headers={"accept-language": language}
    )
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """The page's visible text (tags, attributes and the SVG sprite left out)."""
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style|svg)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.fixture
def overdue_loan(loan) -> Loan:
    Loan.objects.filter(pk=loan.pk).update(days_past_due=40, bucket="M2")
    loan.refresh_from_db()
    return loan


def test_the_summary_header_comes_first_with_status_dpd_bucket_next_due_and_balances(
    staff, overdue_loan
):
    loan = overdue_loan
    upcoming = Installment.objects.filter(loan=loan, due_date__gte=AS_OF).order_by("number")[0]

    content = _page(staff[LOAN_OFFICER], loan)

    header = content.split('id="loan-summary"', 1)[1].split("</section>", 1)[0]
    assert f"Loan {loan.pk}: Active" in header
    assert '<span class="summary-value status">Active</span>' in header
    assert '<span class="summary-value dpd">40</span>' in header
    assert '<span class="summary-value bucket">M2 (31-60 days)</span>' in header
    due = f"{upcoming.due_date:%Y-%m-%d} · ¥{installment_amount_due(upcoming):,.2f}"
    assert f"{due} (installment {upcoming.number})" in header
    assert f"¥{loan.principal_outstanding_amount:,.2f}" in header
    assert "Interest receivable" in header
    assert "Advance held" in header


def test_the_sections_follow_in_the_order_officers_work_them(staff, loan):
    content = _page(staff[LOAN_OFFICER], loan)

    marks = [
        'id="loan-summary"',
        'id="loan-actions"',
        "<h2>Schedule</h2>",
        "<h2>Transactions</h2>",
        "<h2>Ledger entries</h2>",
        "<h2>Contract evidence</h2>",
        "<h2>Contacts and notes</h2>",
    ]
    positions = [content.index(mark) for mark in marks]
    assert positions == sorted(positions)
    # the contract's PDF (#19) under the contract, and the collections state (#23)
    contract = content.split("<h2>Contract evidence</h2>", 1)[1]
    assert reverse("backoffice:contract_pdf", args=[loan.pk]) in contract
    assert 'id="collections-state"' in content


def test_the_actions_are_buttons(staff, loan):
    content = _page(staff[LOAN_OFFICER], loan)

    assert 'class="button desk-action" data-action="offline_repayment"' in content
    assert 'class="button desk-all-fields"' in content


def test_the_mobile_is_masked_like_the_identity_number(staff, loan):
    borrower = loan.borrower

    content = _page(staff[LOAN_OFFICER], loan)

    assert f'<span class="mobile">{borrower.mobile_masked}</span>' in content
    assert f'<span class="id-number">{borrower.id_number_masked}</span>' in content
    assert decrypt(borrower.mobile_ciphertext) not in content
    assert decrypt(borrower.id_number_ciphertext) not in content


def test_revealing_the_mobile_writes_an_audit_row_without_the_number(staff, loan):
    borrower = loan.borrower
    mobile = decrypt(borrower.mobile_ciphertext)
    before = AuditEvent.objects.filter(action="borrower.reveal").count()

    response = client_for(staff[LOAN_OFFICER]).post(
        reverse("admin:servicing_loan_desk_reveal", args=[loan.pk])
    )

    assert response.status_code == 200
    assert f'<span class="revealed-mobile">{mobile}</span>' in response.content.decode()
    events = AuditEvent.objects.filter(action="borrower.reveal")
    assert events.count() == before + 1
    event = events.latest("id")
    assert event.actor == staff[LOAN_OFFICER]
    assert "mobile" in event.details["fields"]
    assert mobile not in str(event.details)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_reads_without_raw_codes_or_unformatted_amounts(staff, overdue_loan, language):
    content = _page(staff[FINANCE], overdue_loan, language)
    text = _text(content)

    for code in RAW_CODES:
        assert code not in text, code
    assert not re.search(r"(?<![\d,.¥])\d{4,}\.\d{2}\b", text)  # 10000.00 instead of ¥10,000.00
    if language == "zh-hans":
        assert "逾期天数" in text
        assert "Schedule" not in text
