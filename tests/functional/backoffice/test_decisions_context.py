"""Decisions with context (issue #23): the maker never sees Approve on their own request, a
reason is required to ask and to reject, and the checker reads who, what and why first."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import LOAN_OFFICER, RISK_MANAGER
from loans.approvals.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from loans.approvals.services.maker_checker import disbursement_request
from loans.origination.models import CreditApplication, LoanProduct
from loans.servicing.models import Loan, LoanStatus
from tests.factories.accounts import totp_enable
from tests.factories.loans import ProductFactory, draw
from tests.functional.backoffice.conftest import staff_member, world_build
from tests.functional.test_admin_pages import product_form

pytestmark = pytest.mark.django_db

MAKER_REASON = "Regular customer, salary raised in December"


def _client(user: User, language: str = "en") -> Client:
    if not Authenticator.objects.filter(user=user).exists():
        totp_enable(user)  # staff without TOTP are sent to enrol first
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def maker() -> User:
    user = staff_member("maker-anna", LOAN_OFFICER)
    user.first_name, user.last_name = "Anna", "Maker"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def checker() -> User:
    return staff_member("checker-bo", LOAN_OFFICER)


@pytest.fixture
def pending_loan(as_of) -> Loan:
    loan = draw(principal="26000.00", product=ProductFactory.create())
    CreditApplication.objects.filter(pk=loan.credit_line.application_id).update(
        reasons=["BORDERLINE_SCORE", "MOBILE_SHARED"]
    )
    return loan


@pytest.fixture
def request_(pending_loan, maker) -> ApprovalRequest:
    return disbursement_request(loan=pending_loan, officer=maker, reason=MAKER_REASON)


def _page(name: str, approval: ApprovalRequest) -> str:
    return reverse(f"admin:backoffice_pendingapproval_{name}", args=[approval.pk])


# --- the maker never sees Approve on their own request --------------------------------------


def test_the_maker_sees_no_approve_on_their_own_request_in_the_list_or_on_its_page(request_, maker):
    client = _client(maker)
    approve_url = _page("approve", request_)

    listing = client.get(reverse("admin:backoffice_pendingapproval_changelist")).content.decode()
    page = client.get(_page("change", request_)).content.decode()

    assert approve_url not in listing
    assert "Your request: another officer decides" in listing
    assert approve_url not in page
    assert _page("reject", request_) not in page
    assert "Your request: another officer decides" in page
    # Typing the address sends the maker back; nothing is decided.
    response = client.get(approve_url)
    assert response.status_code == 302
    assert ApprovalRequest.objects.get(pk=request_.pk).status == ApprovalStatus.PENDING


def test_a_checker_sees_approve_and_reject_on_the_request_page(request_, checker):
    page = _client(checker).get(_page("change", request_)).content.decode()

    assert _page("approve", request_) in page
    assert _page("reject", request_) in page
    assert "Your request" not in page


# --- a reason is required --------------------------------------------------------------------


def test_a_disbursement_request_without_a_reason_is_refused_with_a_translated_error(
    pending_loan, maker
):
    url = reverse(
        "admin:backoffice_pendingdisbursement_request_disbursement", args=[pending_loan.pk]
    )

    english = _client(maker).post(url, {"confirm": "yes", "reason": "  "})
    chinese = _client(maker, "zh-hans").post(url, {"confirm": "yes", "reason": ""})

    assert english.status_code == 200
    assert "Give the reason for this request." in english.content.decode()
    assert "请说明申请理由。" in chinese.content.decode()
    assert not ApprovalRequest.objects.filter(loan=pending_loan).exists()


def test_a_disbursement_request_keeps_the_makers_reason(pending_loan, maker):
    url = reverse(
        "admin:backoffice_pendingdisbursement_request_disbursement", args=[pending_loan.pk]
    )

    response = _client(maker).post(url, {"confirm": "yes", "reason": MAKER_REASON})

    assert response.status_code == 302
    request = ApprovalRequest.objects.get(loan=pending_loan, kind=ApprovalKind.DISBURSEMENT)
    assert request.reason == MAKER_REASON


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(request_, checker):
    english = _client(checker).post(_page("reject", request_), {"confirm": "yes", "reason": ""})
    chinese = _client(checker, "zh-hans").post(_page("reject", request_), {"reason": " "})

    assert english.status_code == 200
    assert "Give the reason for the rejection." in english.content.decode()
    assert "请说明拒绝理由。" in chinese.content.decode()
    assert ApprovalRequest.objects.get(pk=request_.pk).status == ApprovalStatus.PENDING
    assert Loan.objects.get(pk=request_.loan_id).status == LoanStatus.PENDING_DISBURSEMENT


def _product_change(reason: str) -> tuple[int, str, LoanProduct]:
    risk = staff_member("risk-ru", RISK_MANAGER)
    product = ProductFactory.create()
    data = product_form(
        code=product.code,
        name_zh="促销",
        methods=",".join(product.methods),
        terms=",".join(str(t) for t in product.terms),
        rates_by_grade=json.dumps(product.rates_by_grade),
        grace_days="5",
        change_reason=reason,
    )
    response = _client(risk).post(
        reverse("admin:origination_loanproduct_change", args=[product.pk]), data
    )
    return response.status_code, response.content.decode(), product


def test_a_product_change_without_a_reason_is_refused(as_of):
    status, content, product = _product_change(" ")

    assert status == 200
    assert "Give the reason for this change." in content
    assert not ApprovalRequest.objects.filter(product=product).exists()


def test_a_product_change_keeps_the_reason_and_not_as_a_change(as_of):
    status, _, product = _product_change("Grace aligned with the market")

    assert status == 302
    request = ApprovalRequest.objects.get(product=product, kind=ApprovalKind.PRODUCT_CHANGE)
    assert request.reason == "Grace aligned with the market"
    assert request.payload["grace_days"] == 5
    assert "change_reason" not in request.payload


# --- the checker's page ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["approve", "change"])
def test_the_checker_page_shows_borrower_line_grade_reasons_maker_amount_and_card(
    request_, checker, name
):
    loan = request_.loan
    assert loan is not None
    borrower, line = loan.borrower, loan.credit_line

    content = _client(checker).get(_page(name, request_)).content.decode()

    assert borrower.full_name in content
    assert borrower.id_number_masked in content
    assert borrower.bank_card_masked in content
    assert "¥30,000.00 limit, ¥26,000.00 used, ¥4,000.00 available" in content
    assert f'<span class="grade">{line.grade}</span>' in content
    assert "Borderline score; Mobile number used by another borrower" in content
    assert "maker-anna (Anna Maker)" in content
    assert MAKER_REASON in content
    assert '<span class="amount">¥26,000.00</span>' in content
    assert f"Disburse loan {loan.pk}: ¥26,000.00 to card" in content
    for raw in ["BORDERLINE_SCORE", "MOBILE_SHARED", "DISBURSEMENT", "PENDING_DISBURSEMENT"]:
        assert raw not in content
    assert "26000.00" not in content


def test_the_checker_page_reads_in_chinese_without_codes(request_, checker):
    content = _client(checker, "zh-hans").get(_page("approve", request_)).content.decode()

    assert "可用" in content  # the credit line, in Chinese
    assert "评分接近临界值；手机号已被其他借款人使用" in content  # noqa: RUF001 - Chinese punctuation
    assert "¥26,000.00" in content
    assert "借款人" in content
    for raw in ["BORDERLINE_SCORE", "MOBILE_SHARED", "DISBURSEMENT", "Where it goes"]:
        assert raw not in content


def test_the_checker_approves_from_the_context_page(request_, checker):
    response = _client(checker).post(_page("approve", request_), {"confirm": "yes"})

    assert response.status_code == 302
    decided = ApprovalRequest.objects.get(pk=request_.pk)
    assert decided.status == ApprovalStatus.APPROVED
    assert decided.decided_by == checker


def test_the_history_and_raw_request_pages_show_the_context_not_json(request_, checker):
    _client(checker).post(_page("reject", request_), {"confirm": "yes", "reason": "Income unclear"})
    client = _client(checker)

    for url in [
        reverse("admin:backoffice_decidedapproval_change", args=[request_.pk]),
        reverse("admin:approvals_approvalrequest_change", args=[request_.pk]),
    ]:
        content = client.get(url).content.decode()
        assert "Income unclear" in content
        assert MAKER_REASON in content
        assert "checker-bo" in content
        assert '{"' not in content  # no payload JSON
        assert _page("approve", request_) not in content


def test_a_waiver_request_page_says_where_the_amount_goes(as_of, checker):
    world = world_build()
    content = _client(checker).get(_page("change", world.waiver)).content.decode()

    assert '<span class="amount">¥1.00</span>' in content
    assert "Waived from the interest of installment 1" in content
    assert Decimal("1.00") == Decimal(world.waiver.payload["amount"])


def test_the_approvals_queue_reads_as_words_with_the_borrower(request_, checker):
    listing = (
        _client(checker)
        .get(reverse("admin:backoffice_pendingapproval_changelist"))
        .content.decode()
    )

    loan = request_.loan
    assert loan is not None
    assert loan.borrower.full_name in listing
    assert reverse("admin:servicing_loan_desk", args=[loan.pk]) in listing
    assert ">Disbursement</a>: <strong>1</strong>" in listing  # the count, as a kind
    for raw in ["PENDING_DISBURSEMENT", ">DISBURSEMENT<"]:
        assert raw not in listing
