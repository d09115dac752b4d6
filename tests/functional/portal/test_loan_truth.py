"""The loan page tells the truth (issue #22): an overdue borrower sees what is due now first, the
late rows marked, the penalty so far and the latest reminder; a draw waiting for a second officer
says so and by when; the history has one clock. The borrow page leads with the installment times the
number of installments and the APR, the schedule folded; the prepayment review shows each option's
new installment and new schedule, open, and each figure once."""

# ruff: noqa: RUF001

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.calendar.services import calendar_year_load
from loans.servicing.models import (
    Loan,
    LoanStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from tests.factories.loans import draw
from tests.functional.portal.conftest import TODAY, signed_in

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
LATE = date(2027, 2, 20)  # five days after the first due date, 15 February
TERMS = {"product": "CASH", "amount": "5000", "term": "12", "method": "EQUAL_INSTALLMENT"}


@pytest.fixture
def loan(borrower: Borrower) -> Loan:
    return draw(borrower, principal="5000.00", term=12, as_of=TODAY)


def late(loan: Loan) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=LATE)
    Loan.objects.filter(pk=loan.pk).update(
        days_past_due=5, penalty_receivable_amount=Decimal("1.23")
    )
    sent = datetime(2027, 2, 16, 9, tzinfo=BEIJING)
    Reminder.objects.create(
        installment=loan.installments.get(number=1),
        loan=loan,
        kind=ReminderKind.OVERDUE_1,
        channel=ReminderChannel.SMS,
        business_date=date(2027, 2, 16),
        language="en",
        send_after=sent,
        status=ReminderStatus.SENT,
        sent_at=sent,
    )


def test_an_overdue_loan_shows_what_is_due_now_first_and_marks_the_late_row(
    client_en: Client, loan: Loan
):
    late(loan)

    page = client_en.get(reverse("portal:loan", args=[loan.pk])).text

    # What is due now comes before the APR box, and is the first (largest) line of its card.
    assert page.index("Overdue, to pay now") < page.index("Annualized rate (APR)")
    assert re.search(r'class="card due-card"[^>]*>\s*.*\s*<h2[^>]*>What you owe today</h2>', page)
    assert "5 days overdue. Penalty interest so far: ¥1.23." in page
    assert "It grows each day until what is late is paid." in page
    assert "Our latest reminder, 16 February 2027" in page
    assert 'href="/app/notifications/"' in page
    rows = re.findall(r"<tr( class=\"\w+\")?>\s*<td>(\d+)</td>", page)
    assert rows[0] == (' class="late"', "1")
    assert all(cls == "" for cls, _ in rows[1:])
    assert page.count("badge-late") == 1
    assert "Nothing is due yet" not in page


def test_the_repay_page_of_an_overdue_loan_names_what_is_late(client_en: Client, loan: Loan):
    late(loan)

    page = client_en.get(reverse("portal:repay", args=[loan.pk])).text
    review = client_en.post(
        reverse("portal:repay", args=[loan.pk]), {"purpose": "NEXT_INSTALLMENT"}
    ).text

    assert "<dt>Overdue, to pay now</dt><dd><strong>¥441.44</strong></dd>" in page
    assert "What is late and the installment due 15 March 2027" in page
    assert "Nothing is due yet" not in review


def test_an_overdue_borrower_is_not_offered_a_new_loan(client_en: Client, loan: Loan):
    borrow = f'class="button button-primary" href="{reverse("portal:borrow")}"'
    assert borrow in client_en.get(reverse("portal:dashboard")).text

    late(loan)

    assert borrow not in client_en.get(reverse("portal:dashboard")).text


def test_a_loan_on_time_marks_no_row_late(client_en: Client, loan: Loan):
    page = client_en.get(reverse("portal:loan", args=[loan.pk])).text

    assert 'class="late"' not in page
    assert "Your next payment" in page


def test_a_draw_waiting_for_a_second_officer_says_so_and_by_when(
    client_en: Client, borrower: Borrower, settings
):
    settings.LENDPORTAL_AUTO_DISBURSE_LIMIT = Decimal("1000.00")
    calendar_year_load(year=2027)  # 16 and 17 January 2027 are a weekend
    page = client_en.get(reverse("portal:contract"), TERMS).text
    text_hash = re.search(r'name="text_hash" value="([0-9a-f]{64})"', page)
    token = re.search(r'name="draw_token" value="([A-Za-z0-9_-]{16,64})"', page)
    assert text_hash
    assert token

    response = client_en.post(
        reverse("portal:contract"),
        TERMS
        | {
            "signature_name": borrower.full_name,
            "consent": "on",
            "text_hash": text_hash.group(1),
            "draw_token": token.group(1),
        },
        follow=True,
    )

    loan = Loan.objects.get()
    assert loan.status == LoanStatus.PENDING_DISBURSEMENT
    text = response.content.decode()
    assert "on its way" not in text
    # Drawn on Friday 15 January 2027: the officers approve by the next working day, Monday.
    assert "checked by a second officer before the money is sent: expect it by 18 January" in text
    assert "Waiting for a second officer" in text
    assert "Expect it on your card by 18 January 2027" in text
    dashboard = client_en.get(reverse("portal:dashboard")).text
    assert "Waiting for a second officer to approve the payout" in dashboard


def test_the_history_has_one_clock(client_en: Client, loan: Loan):
    Loan.objects.filter(pk=loan.pk).update(
        accepted_at=datetime(2027, 1, 16, 0, 30, tzinfo=BEIJING)  # after midnight
    )

    page = client_en.get(reverse("portal:loan", args=[loan.pk])).text

    assert "<span>15 January 2027</span> <span>Contract signed at 00:30</span>" in page
    assert "16 January 2027" not in page


def test_the_quote_leads_with_the_installment_times_the_count_and_the_apr(
    client_en: Client, borrower: Borrower
):
    page = client_en.get(reverse("portal:borrow"), TERMS).text
    chinese = signed_in(User.objects.get(borrower=borrower), "zh-hans")
    page_zh = chinese.get(reverse("portal:borrow"), TERMS).text

    lead = page.index('class="quote-lead"')
    assert lead < page.index("¥441.44") < page.index("× 12 installments") < page.index("10.80%")
    assert page.index("10.80%") < page.index("You repay in total")
    assert "<details>" in page  # the schedule folded below
    assert "<details open" not in page
    assert "The last installment is ¥441.46" in page
    assert "每期还款" in page_zh
    assert "× 12期" in page_zh


def test_equal_principal_leads_with_the_first_installment(client_en: Client, borrower: Borrower):
    page = client_en.get(reverse("portal:borrow"), TERMS | {"method": "EQUAL_PRINCIPAL"}).text

    assert "First installment" in page
    assert "Each later installment is a little less" in page


def test_the_prepayment_review_shows_each_new_installment_and_schedule_once(
    client_en: Client, loan: Loan
):
    review = client_en.post(
        reverse("portal:repay", args=[loan.pk]), {"purpose": "AMOUNT", "amount": "3000"}
    ).text

    assert review.count("<details open>") == 2
    assert review.count("New installment") == 2
    assert review.count("Installments left") == 2
    shorter, lower = re.findall(r"New installment</dt><dd><strong>(¥[\d,.]+)</strong>", review)
    assert shorter == "¥441.44"  # the installment kept, the term shorter
    assert Decimal(lower[1:].replace(",", "")) < Decimal("441.44")
    # Each figure once: the prepaid principal is said in the sentence above the options only,
    # not again in each option nor in a list of what is paid now (nothing is due on the date).
    assert "You can use ¥3,000.00 of it to prepay principal" in review
    assert "Principal prepaid" not in review
    assert "Paid now" not in review
    assert "Interest you save" in review
