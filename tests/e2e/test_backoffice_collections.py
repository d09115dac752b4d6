"""A collections agent works a case in a real browser (issue #23), in Chinese and English: signs
in with TOTP, finds the overdue loan on the worklist with its overdue amount and next action,
opens the loan page, notes a promise to pay (a promise above what is overdue is refused on the
form), and sees the promise on the worklist and on the loan's collections state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import COLLECTIONS_AGENT
from loans.servicing.models import Installment, Loan, PromiseToPay
from tests.e2e.test_backoffice import officer_page
from tests.factories.accounts import totp_enable
from tests.factories.api import business_date_set
from tests.factories.loans import draw
from tests.functional.backoffice.conftest import staff_member

TODAY = date(2027, 3, 1)  # the first installment (due 2027-02-15) is 14 days late
CASES = [
    pytest.param("zh-CN", "逾期金额", "还款承诺", "超过逾期总额", id="chinese"),
    pytest.param("en-US", "Overdue amount", "promise", "more than the overdue total", id="english"),
]


@pytest.mark.parametrize(("locale", "overdue_heading", "promise_word", "too_much"), CASES)
def test_an_agent_finds_the_case_and_notes_a_promise(
    live_server, browser, locale, overdue_heading, promise_word, too_much
):
    business_date_set(TODAY)
    loan = draw(principal="1000.00", term=3)
    Loan.objects.filter(pk=loan.pk).update(days_past_due=14, bucket="M1")
    first = Installment.objects.get(loan=loan, number=1)
    overdue = first.principal_amount + first.interest_amount + first.fee_amount
    secret = totp_enable(staff_member("agent", COLLECTIONS_AGENT))
    base = live_server.url

    page = officer_page(browser, base, "agent", secret, locale=locale)
    page.goto(base + reverse("admin:backoffice_overdueloan_changelist"))
    table = page.inner_text("#result_list")
    assert overdue_heading.lower() in table.lower()  # headings are upper-cased by CSS
    assert f"¥{overdue:,.2f}" in table
    assert loan.borrower.full_name in table

    with page.expect_navigation():
        page.click(f'#result_list a[href="{reverse("admin:servicing_loan_desk", args=[loan.pk])}"]')
    assert page.locator("#collections-state").count() == 1
    with page.expect_navigation():
        page.click('a.desk-action[data-action="promise_to_pay"]')

    page.fill("input[name=amount]", str(overdue + Decimal("0.01")))
    page.fill("input[name=promised_date]", "2027-03-05")
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert too_much in page.inner_text("#content-main")

    page.fill("input[name=amount]", str(overdue))
    with page.expect_navigation():
        page.click("input[type=submit]")
    if page.locator("input[name=confirm]").count():  # the review step, then confirm
        with page.expect_navigation():
            page.click("input[name=confirm]")

    assert list(PromiseToPay.objects.values_list("loan_id", "amount", "promised_date")) == [
        (loan.pk, overdue, date(2027, 3, 5))
    ]
    assert f"¥{overdue:,.2f}" in page.inner_text("#collections-state")
    page.goto(base + reverse("admin:backoffice_overdueloan_changelist"))
    row = page.inner_text("#result_list")
    assert "2027-03-05" in row
    assert promise_word.lower() in (row + page.inner_text("#content-main")).lower()
    page.context.close()
