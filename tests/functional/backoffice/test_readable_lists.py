"""Readable admin lists (issue #23): ¥21,000.00, rates as percentages, codes as translated
labels, the borrower on the pending-disbursement queue, and no Approve for the maker."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from accounts.roles import ADMINISTRATOR, LOAN_OFFICER
from loans.approvals.models import ApprovalRequest, ApprovalStatus
from loans.backoffice.readable import codes_label, percent
from loans.servicing.models import Loan
from tests.factories.accounts import totp_enable
from tests.functional.backoffice.conftest import World, staff_member

pytestmark = pytest.mark.django_db

PENDING_APPROVALS = "/admin/backoffice/pendingapproval/"


def client_as(user, language: str = "en") -> Client:
    totp_enable(user)
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_rates_and_reason_codes_read_as_people_say_them():
    assert percent(Decimal("0.108000")) == "10.80%"
    assert percent(Decimal("0.000050")) == "0.01%"  # half up at the second place
    assert codes_label(["IDENTITY_CONFLICT", "MOBILE_SHARED"]) == (
        "Identity conflict; Mobile number used by another borrower"
    )


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["¥25,000.00", "¥26,000.00", "Equal installments"]),
        ("zh-hans", ["¥25,000.00", "¥26,000.00", "等额本息"]),
    ],
)
def test_the_pending_disbursement_queue_names_the_borrower_and_formats_money(
    world: World, language: str, texts: list[str]
):
    admin_client = client_as(staff_member("boss", ADMINISTRATOR), language)

    shown = page(admin_client, "/admin/backoffice/pendingdisbursement/")

    assert [text in shown for text in texts] == [True] * len(texts)
    assert f'<td class="field-borrower_name">{world.pending_loan.borrower.full_name}</td>' in shown
    assert "25000.00" not in shown
    assert "EQUAL_INSTALLMENT" not in shown


def test_the_loan_list_shows_money_labels_and_no_raw_codes(world: World):
    admin_client = client_as(staff_member("boss", ADMINISTRATOR))

    shown = page(admin_client, "/admin/servicing/loan/")

    assert re.search(r">¥\d{1,3}(,\d{3})*\.\d{2}</td>", shown)  # the principal outstanding
    assert ">M4+ (over 90 days)</a>" in shown  # the bucket filter's option
    assert ">Equal installments</a>" in shown  # the method filter's option
    raw = ("EQUAL_INSTALLMENT<", ">ACTIVE<", ">CURRENT<", ">M4_PLUS<")
    assert [code in shown for code in raw] == [False] * len(raw)


def test_the_loan_lists_filters_read_in_the_pages_language(world: World):
    # The status, bucket and method filters offered the English labels on the Chinese page.
    admin_client = client_as(staff_member("boss", ADMINISTRATOR), "zh-hans")

    shown = page(admin_client, "/admin/servicing/loan/")

    options = re.findall(r'<li[^>]*>\s*<a href="\?[^"]*">([^<]+)</a>', shown)
    for label in ("还款中", "已结清", "已核销", "正常", "M4+（逾期 90 天以上）", "等额本息"):  # noqa: RUF001
        assert label in options
    assert [
        o for o in options if o in ("Active", "Paid off", "Current", "Equal installments")
    ] == []


def test_the_product_list_shows_rates_as_percentages(world: World):
    admin_client = client_as(staff_member("boss", ADMINISTRATOR))

    shown = page(admin_client, "/admin/origination/loanproduct/")

    assert "%</td>" in shown
    assert "0.240000" not in shown


def test_referral_reasons_are_labels_not_json(world: World):
    admin_client = client_as(staff_member("boss", ADMINISTRATOR), "en")

    shown = page(admin_client, "/admin/backoffice/referredapplication/")

    assert "Borderline score" in shown
    assert "BORDERLINE_SCORE" not in shown
    assert "[&quot;" not in shown


def test_the_maker_does_not_see_approve_on_their_own_request(world: World):
    maker = world.disbursement.requested_by
    maker_client = client_as(maker)
    checker_client = client_as(staff_member("checker", LOAN_OFFICER))
    approve_url = f"{PENDING_APPROVALS}{world.disbursement.pk}/approve/"

    maker_list = page(maker_client, f"{PENDING_APPROVALS}?kind=DISBURSEMENT")
    checker_list = page(checker_client, f"{PENDING_APPROVALS}?kind=DISBURSEMENT")
    refused = maker_client.get(approve_url, follow=True)

    assert approve_url not in maker_list
    assert "Your request: another officer decides" in maker_list
    assert approve_url in checker_list
    assert "Your request" not in checker_list
    assert "You made this request: another officer must decide it." in refused.content.decode()
    assert 'name="_confirm"' not in refused.content.decode()
    request = ApprovalRequest.objects.get(pk=world.disbursement.pk)
    assert request.status == ApprovalStatus.PENDING
    assert request.loan is not None
    assert request.loan.status == "PENDING_DISBURSEMENT"


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Loan {id}: Active", "¥10,000.00", "Equal installments", "Current", "%</span>"]),
        ("zh-hans", ["贷款 {id}：", "¥10,000.00", "等额本息", "%</span>"]),  # noqa: RUF001
    ],
)
def test_the_officers_loan_page_formats_money_rates_and_states(
    loan: Loan, language: str, texts: list[str]
):
    admin_client = client_as(staff_member("boss", ADMINISTRATOR), language)

    shown = page(admin_client, f"/admin/servicing/loan/{loan.pk}/desk/")

    expected = [text.format(id=loan.pk) for text in texts]
    assert [text in shown for text in expected] == [True] * len(expected)
    assert f"<span>{loan.apr}</span>" not in shown
    assert "<td>10000.00</td>" not in shown
    assert "EQUAL_INSTALLMENT" not in shown


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "en",
            ["¥25,000.00", "Equal installments", "Overdue installments: penalty, fee"],
        ),
        ("zh-hans", ["¥25,000.00", "等额本息", "逾期的期次: 罚息, 费用"]),
    ],
)
def test_the_loans_all_fields_page_reads_like_the_lists(
    world: World, language: str, texts: list[str]
):
    """The change page's read-only fields (issue #23): money, rates, labels, no JSON."""
    admin_client = client_as(staff_member("boss", ADMINISTRATOR), language)
    loan = world.pending_loan

    shown = page(admin_client, f"/admin/servicing/loan/{loan.pk}/change/")

    assert [text in shown for text in texts] == [True] * len(texts)
    assert percent(loan.annual_rate) in shown
    for raw in ["25000.00", str(loan.annual_rate), "EQUAL_INSTALLMENT", '"scope"', "DUE_TODAY"]:
        assert raw not in shown
