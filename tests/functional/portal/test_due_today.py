"""The "due today" box only when something is due (issue #22): the loan page's 今日应还 box and the
dashboard name an amount due now only on a due date or when an installment is late; a late
installment is shown as due now, not "by" the next date, and the repayment review does not say
"nothing is due yet" when the payment settles something late."""

# ruff: noqa: RUF001

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.servicing.models import Loan, Repayment, RepaymentChannel
from loans.servicing.selectors import installment_amount_due
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import draw
from tests.functional.portal.conftest import TODAY, signed_in

pytestmark = pytest.mark.django_db

FIRST_DUE = date(2027, 2, 15)
LATE = date(2027, 2, 20)  # five days after the first due date


@pytest.fixture
def loan(borrower: Borrower) -> Loan:
    return draw(borrower, principal="5000.00", term=12, as_of=TODAY)


def open_date(day: date) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)


def first_installment(loan: Loan) -> str:
    amount = installment_amount_due(loan.installments.get(number=1))
    return f"¥{amount:,.2f}"


def second_installment(loan: Loan) -> str:
    amount = installment_amount_due(loan.installments.get(number=2))
    return f"¥{amount:,.2f}"


@pytest.mark.parametrize(
    ("language", "box"), [("en", "What you owe today"), ("zh-hans", "今日应还")]
)
def test_nothing_due_today_no_due_today_box(user: User, loan: Loan, language: str, box: str):
    client = signed_in(user, language)

    page = client.get(reverse("portal:loan", args=[loan.pk])).text
    dashboard = client.get(reverse("portal:dashboard")).text

    assert loan.installments.get(number=1).due_date == FIRST_DUE
    assert box not in page
    assert {"en": "Your next payment", "zh-hans": "下一期还款"}[language] in page
    assert first_installment(loan) in page
    for text in (page, dashboard):
        assert {"en": "Due today", "zh-hans": "今日到期"}[language] not in text
        assert {"en": "Overdue", "zh-hans": "已逾期"}[language] not in text


def test_on_the_due_date_the_box_says_what_is_due_today(client_en: Client, loan: Loan):
    open_date(FIRST_DUE)

    page = client_en.get(reverse("portal:loan", args=[loan.pk])).text
    dashboard = client_en.get(reverse("portal:dashboard")).text

    assert "What you owe today" in page
    assert "<dt>Due today</dt><dd><strong>" + first_installment(loan) in page
    assert f"Due today: {first_installment(loan)}" in dashboard
    assert "Next payment:" not in dashboard


def test_an_installment_paid_in_advance_is_not_due_on_its_date(client_en: Client, loan: Loan):
    amount = installment_amount_due(loan.installments.get(number=1))
    repayment_post(
        loan=loan, amount=amount, value_date=TODAY, as_of=TODAY, channel=RepaymentChannel.PORTAL
    )
    open_date(FIRST_DUE)

    page = client_en.get(reverse("portal:loan", args=[loan.pk])).text
    dashboard = client_en.get(reverse("portal:dashboard")).text

    assert "What you owe today" not in page
    assert "Your next payment" in page
    assert f"<dt>Paid in advance</dt><dd>¥{amount:,.2f}</dd>" in page
    assert "Due today" not in page
    assert "Due today" not in dashboard


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_late_installment_is_due_now_not_by_the_next_date(user: User, loan: Loan, language: str):
    open_date(LATE)
    client = signed_in(user, language)

    page = client.get(reverse("portal:loan", args=[loan.pk])).text
    dashboard = client.get(reverse("portal:dashboard")).text

    late, following = first_installment(loan), second_installment(loan)
    if language == "en":
        assert "What you owe today" in page
        assert f"<dt>Overdue, to pay now</dt><dd><strong>{late}</strong></dd>" in page
        assert f"<dt>Next payment, due 15 March 2027</dt><dd>{following}</dd>" in page
        assert f"Overdue: {late}, to pay now." in dashboard
        assert f"Next payment: {following} by 15 March 2027" in dashboard
    else:
        assert "今日应还" in page
        assert f"<dt>已逾期，请立即还款</dt><dd><strong>{late}</strong></dd>" in page
        assert f"已逾期 {late}，请立即还款。" in dashboard
    # The late installment is not put off to the next date with the next one.
    total = Decimal(late[1:].replace(",", "")) + Decimal(following[1:].replace(",", ""))
    assert f"¥{total:,.2f}" not in dashboard


def test_the_review_of_a_late_installment_does_not_say_nothing_is_due(
    client_en: Client, loan: Loan
):
    open_date(LATE)

    review = client_en.post(
        reverse("portal:repay", args=[loan.pk]), {"purpose": "NEXT_INSTALLMENT"}
    ).text

    assert "Nothing is due yet" not in review
    assert (
        "What is due now is paid; the rest is kept for your next installment and used on its due "
        "date."
    ) in review
    assert Repayment.objects.count() == 0


def test_an_early_payment_still_says_nothing_is_due_yet(client_en: Client, loan: Loan):
    review = client_en.post(
        reverse("portal:repay", args=[loan.pk]), {"purpose": "NEXT_INSTALLMENT"}
    ).text

    assert (
        "Nothing is due yet: the money is kept for your next installment and used on its due date."
    ) in review
