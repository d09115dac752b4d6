"""The bills page after close of business charged the account (issue #18, PRODUCT §10): the
interest and penalty on the bill, what waits for the next one, and a past-due warning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.revolving.models import RevolvingAccount, RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.close import revolving_day_close
from tests.functional.portal.conftest import TODAY, signed_in
from tests.functional.portal.test_bills import buy

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(borrower: Borrower) -> RevolvingAccount:
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    return revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=1, as_of=TODAY
    )


def nights(first: date, last: date) -> None:
    day = first
    while day <= last:
        BusinessDate.objects.filter(id=1).update(current_date=day)
        revolving_day_close(business_date=day)
        day += timedelta(days=1)


def test_an_unpaid_bill_shows_its_interest_and_the_account_past_due(
    user: User, account: RevolvingAccount
) -> None:
    buy(account, date(2027, 1, 20), "3000.00", 1, "Redmi Note 14")
    nights(date(2027, 1, 20), date(2027, 3, 2))  # bills of 1 February and 1 March, none paid

    page = signed_in(user, "zh-hans").get("/app/bills/").content.decode()

    # 1 March bill: interest 15.00 at the check, then 1.35 a day on 2,700 for 18 days = 39.30;
    # penalty 0.80 + 14 * 0.20 = 3.60; 2 March's charges wait for the April bill.
    assert "本期账单利息" in page
    assert "¥39.30" in page
    assert "本期账单罚息" in page
    assert "¥3.60" in page
    assert "本期账单后产生的利息（计入下期账单）" in page  # noqa: RUF001 - Chinese punctuation
    assert "逾期天数" in page
    assert "您的账户已逾期。还清最低还款额即可恢复正常。" in page


def test_a_bill_on_time_shows_no_charges_or_warning(user: User, account: RevolvingAccount) -> None:
    buy(account, date(2027, 1, 20), "3000.00", 1, "Redmi Note 14")
    nights(date(2027, 1, 20), date(2027, 2, 5))

    page = signed_in(user, "en").get("/app/bills/").content.decode()

    assert "Interest on this bill" not in page
    assert "past due" not in page
