"""A revolving bill as PDF (issue #19, PRODUCT §14): the figures of the portal's bills page
exactly as the page writes them, in Chinese and English with the font embedded; the page links
it; another borrower's bill is a 404; officers download it from the back office."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower
from loans.calendar.models import BusinessDate
from loans.revolving.models import RevolvingProduct, Statement
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.statements import statements_cut
from tests.factories.accounts import PartnerFactory, totp_enable
from tests.functional.portal.conftest import borrower_for, signed_in, verified_user
from tests.integration.documents.pdfs import fonts_of, pdf_text
from tests.integration.revolving.test_statements import bought
from tests.integration.revolving.world import Shop

pytestmark = pytest.mark.django_db


def bill_of(borrower: Borrower) -> Statement:
    """Two purchases in the cycle, the bill cut on 5 April 2027."""
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": date(2027, 3, 15)})
    product, _ = RevolvingProduct.objects.get_or_create(code="huabei", defaults={"name": "花呗"})
    account = revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=5, as_of=date(2027, 3, 15)
    )
    shop = Shop(PartnerFactory.create(), account, borrower.credit_line)
    bought(shop, date(2027, 3, 20), "1000.00", 1)
    bought(shop, date(2027, 4, 4), "234.56", 2)
    statements_cut(statement_date=date(2027, 4, 5))
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 4, 6))
    return Statement.objects.get(account=account)


# The bills page also shows what the line has available: the account's, not the bill's.
NOT_ON_THE_BILL = {"Available to spend", "可用额度"}


def latest_bill_figures(page: str) -> list[str]:
    """The latest bill's figures, facts and purchases, as the bills page writes them."""
    section = page[page.index('id="latest-title"') : page.index('id="unbilled-title"')]
    owed = re.search(r'<p class="big-number owed-amount">([^<]+)', section)
    assert owed is not None
    facts = re.findall(r"<dt>([^<]+)</dt><dd>(?:<strong>)?([^<]+)(?:</strong>)?</dd>", section)
    purchases = re.findall(r"<li><span>([^<]+)</span> <strong>([^<]+)</strong>", section)
    figures = [owed.group(1).strip()]
    figures += [value for label, value in facts if html.unescape(label) not in NOT_ON_THE_BILL]
    for label, amount in purchases:
        figures += [part.strip() for part in label.split("·")] + [amount]
    return [html.unescape(figure) for figure in figures]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_bill_pdf_shows_the_pages_figures(language):
    user = verified_user()
    borrower = borrower_for(user, full_name="王芳", language=language)
    bill = bill_of(borrower)
    client = signed_in(user, language)

    page = client.get(reverse("portal:bills")).text
    link = reverse("portal:bill_pdf", args=[bill.pk])
    assert f'href="{link}"' in page
    response = client.get(link)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    figures = latest_bill_figures(page)
    assert "¥1,234.56" in figures
    assert "¥123.46" in figures
    assert len(figures) >= 9
    assert [figure for figure in figures if figure not in text] == []
    assert "王芳" in text
    assert ("账单" if language == "zh-hans" else "Bill") in text
    assert fonts_of(response.content)
    assert all(fonts_of(response.content).values())


def test_another_borrowers_bill_is_a_404():
    owner = borrower_for(verified_user("owner@example.com"), full_name="王芳")
    bill = bill_of(owner)
    stranger = verified_user("stranger@example.com")
    borrower_for(stranger)

    response = signed_in(stranger).get(reverse("portal:bill_pdf", args=[bill.pk]))

    assert response.status_code == 404


def test_an_officer_downloads_the_bill_from_the_back_office(admin_user):
    bill = bill_of(borrower_for(verified_user(), full_name="王芳"))
    totp_enable(admin_user)  # the back office lets in staff with a second factor only
    client = Client()
    client.force_login(admin_user)

    page = client.get(
        reverse("admin:revolving_revolvingaccount_change", args=[bill.account_id])
    ).text
    link = reverse("backoffice:bill_pdf", args=[bill.pk])
    assert f'href="{link}"' in page
    response = client.get(link)

    assert response.status_code == 200
    assert "¥1,234.56" in pdf_text(response.content)
