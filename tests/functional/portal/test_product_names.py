"""A product has a name per language (issue #22): Chinese pages name it in Chinese (the product
select, the contract), English pages in English; without a Chinese name the English one shows."""

# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Borrower, User
from loans.origination.models import LoanProduct
from tests.factories.accounts import totp_enable
from tests.factories.loans import installment_product
from tests.functional.portal.conftest import signed_in
from tests.functional.test_admin_pages import admin_url, product_form

pytestmark = pytest.mark.django_db

TERMS = {"product": "CASH", "amount": "5000", "term": "12", "method": "EQUAL_INSTALLMENT"}


def test_the_product_select_and_the_contract_name_the_product_in_the_page_language(
    client_en: Client, user: User, borrower: Borrower
):
    installment_product()
    chinese = signed_in(user, "zh-hans")

    borrow_zh = chinese.get(reverse("portal:borrow")).text
    contract_zh = chinese.get(reverse("portal:contract"), TERMS).text
    borrow_en = client_en.get(reverse("portal:borrow")).text
    contract_en = client_en.get(reverse("portal:contract"), TERMS).text

    assert '<option value="CASH" selected>现金贷</option>' in borrow_zh
    assert '<option value="INSTALLMENT">分期付</option>' in borrow_zh
    assert "Cash loan" not in borrow_zh
    assert "产品：现金贷。" in contract_zh
    assert '<option value="CASH" selected>Cash loan</option>' in borrow_en
    assert "Product: Cash loan." in contract_en


def test_without_a_chinese_name_the_english_name_shows(product: LoanProduct):
    LoanProduct.objects.filter(pk=product.pk).update(name_zh="")
    product.refresh_from_db()

    with translation.override("zh-hans"):
        assert product.display_name == "Cash loan"
    LoanProduct.objects.filter(pk=product.pk).update(name_zh="现金贷")
    product.refresh_from_db()
    with translation.override("zh-hans"):
        assert product.display_name == "现金贷"
    with translation.override("en"):
        assert product.display_name == "Cash loan"


def test_the_admin_asks_for_both_names(client: Client):
    user = User.objects.create_superuser("admin", "admin@example.com", "x")
    totp_enable(user)  # staff must have TOTP to use the admin (issue #6)
    client.force_login(user)

    response = client.post(admin_url(LoanProduct, "add"), product_form(name_zh=""))

    assert response.status_code == 200
    assert "name_zh" in response.context["adminform"].form.errors
    assert not LoanProduct.objects.filter(code="PROMO").exists()
