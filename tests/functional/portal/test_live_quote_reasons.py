"""The live quote says why it cannot quote (issue #22): over the available credit it names the
limit, under the product's minimum it names the minimum, and garbage in the amount is named as
such; the fragment marks itself refused so the page's script keeps the last quote beside the
reason. Amounts are read as people type them."""

# ruff: noqa: RUF001

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.servicing.models import Loan
from tests.functional.portal.conftest import signed_in

pytestmark = pytest.mark.django_db

TERMS = {"product": "CASH", "amount": "5000", "term": "12", "method": "EQUAL_INSTALLMENT"}

REASONS = [
    pytest.param(
        "20000.01",
        {"en": "You can borrow at most ¥20,000.00.", "zh-hans": "您最多可借 ¥20,000.00。"},
        id="over-the-available-limit",
    ),
    pytest.param(
        "99.99",
        {"en": "Borrow at least ¥100.00.", "zh-hans": "最低借款 ¥100.00。"},
        id="under-the-minimum",
    ),
    pytest.param(
        "5000 yuan please",
        {
            "en": "Enter an amount in yuan, such as 1,000 or 1,000.50.",
            "zh-hans": "请输入以元为单位的金额，例如 1,000 或 1,000.50。",
        },
        id="garbage",
    ),
]


def quote(client: Client, **terms: str) -> str:
    response = client.get(reverse("portal:borrow_quote"), TERMS | terms)
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize(("amount", "reasons"), REASONS)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_live_quote_says_why_it_cannot_quote(
    user: User, borrower: Borrower, amount: str, reasons: dict[str, str], language: str
):
    fragment = quote(signed_in(user, language), amount=amount)

    assert 'data-quote="refused"' in fragment
    assert 'id="quote-reason"' in fragment
    assert reasons[language] in fragment
    assert "<tr" not in fragment  # no quote for values that cannot be borrowed
    assert Loan.objects.count() == 0


def test_the_borrow_page_shows_the_reason_in_the_quote_area_too(
    client_en: Client, borrower: Borrower
):
    page = client_en.get(reverse("portal:borrow"), TERMS | {"amount": "20000.01"}).text

    quote_area = page[page.index('id="quote"') :]
    assert "You can borrow at most ¥20,000.00." in quote_area
    assert 'data-quote="refused"' in quote_area


def test_a_good_quote_is_marked_as_such(client_en: Client, borrower: Borrower):
    fragment = quote(client_en)

    assert 'data-quote="ok"' in fragment
    assert 'id="quote-reason"' not in fragment


@pytest.mark.parametrize("typed", ["1,000", "1,000.00", "¥1,000", "￥1,000", "１，０００"])
def test_the_quote_reads_amounts_as_people_type_them(
    client_en: Client, borrower: Borrower, typed: str
):
    fragment = quote(client_en, amount=typed)

    assert 'data-quote="ok"' in fragment
    assert "<dd>¥1,000.00</dd>" in fragment  # what is received
    assert fragment.count("<tr") == 13


def test_the_contract_takes_an_amount_typed_with_a_separator(client_en: Client, borrower: Borrower):
    page = client_en.get(reverse("portal:contract"), TERMS | {"amount": "¥1,000"}).text

    assert 'name="text_hash"' in page
    assert "¥1,000.00" in page
