"""The collections worklist as agents work it (#23): overdue amount, days, last contact, promise
and next action on every row, sorted by priority; no "Current" bucket to filter on; a promise
checked against what is overdue, refused in the officer's language; a loan's collections state
for its page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.roles import COLLECTIONS_AGENT
from loans.backoffice.models import OverdueLoan
from loans.backoffice.worklist import NextAction, loan_collections_state
from loans.servicing.models import ContactChannel, Installment, Loan, PromiseOutcome, PromiseToPay
from loans.servicing.services.collections_desk import (
    PromiseRefused,
    contact_note_add,
    promise_to_pay_record,
)
from tests.factories.api import business_date_set
from tests.factories.loans import draw
from tests.functional.backoffice.conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 1)  # the first installments (due 2027-02-15) are overdue
WORKLIST = reverse("admin:backoffice_overdueloan_changelist")


def _overdue_loan(principal: str, days: int = 14, bucket: str = "M1") -> Loan:
    loan = draw(principal=principal, term=3)
    Loan.objects.filter(pk=loan.pk).update(days_past_due=days, bucket=bucket)
    loan.refresh_from_db()
    return loan


def _first_installment_due(loan: Loan) -> Decimal:
    i = Installment.objects.get(loan=loan, number=1)
    return i.principal_amount + i.interest_amount + i.fee_amount


@pytest.fixture
def today(db) -> date:
    return business_date_set(TODAY)


@pytest.fixture
def cases(staff, today) -> dict[str, Loan]:
    """Five overdue loans, one in each state of the priority rule."""
    agent = staff[COLLECTIONS_AGENT]
    loans = {
        "untouched": _overdue_loan("1000.00", days=14),
        "called": _overdue_loan("3000.00", days=14),
        "promise_due": _overdue_loan("2000.00", days=14),
        "promise_later": _overdue_loan("9000.00", days=40, bucket="M2"),
        "broken": _overdue_loan("1500.00", days=14),
        "worse": _overdue_loan("1000.00", days=20),
    }
    contact_note_add(
        loan=loans["called"], author=agent, channel=ContactChannel.PHONE, text="no answer",
        as_of=today - timedelta(days=2),
    )  # fmt: skip
    promise_to_pay_record(
        loan=loans["promise_due"], user=agent, amount=Decimal("100.00"),
        promised_date=today, as_of=today,
    )  # fmt: skip
    promise_to_pay_record(
        loan=loans["promise_later"], user=agent, amount=Decimal("200.00"),
        promised_date=today + timedelta(days=5), as_of=today,
    )  # fmt: skip
    broken = promise_to_pay_record(
        loan=loans["broken"], user=agent, amount=Decimal("50.00"), promised_date=today,
        as_of=today,
    )  # fmt: skip
    PromiseToPay.objects.filter(pk=broken.pk).update(
        outcome=PromiseOutcome.BROKEN, resolved_date=today, promised_date=today - timedelta(1),
        business_date=today - timedelta(days=3),
    )  # fmt: skip
    return loans


def _rows(response) -> list[int]:
    return [loan.pk for loan in response.context["cl"].result_list]


def _cells(html: str, column: str) -> list[str]:
    cells = re.findall(rf'<td class="field-{column}[^"]*">(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_rows_are_sorted_by_priority_and_show_what_collections_knows(staff, cases):
    response = client_for(staff[COLLECTIONS_AGENT]).get(WORKLIST)
    html = response.content.decode()

    # Follow up now (promise due today, promise broken: same DPD, the larger overdue amount
    # first), then work (by DPD, then overdue amount), then waiting for a promise.
    assert _rows(response) == [
        cases["promise_due"].pk,
        cases["broken"].pk,
        cases["worse"].pk,
        cases["called"].pk,
        cases["untouched"].pk,
        cases["promise_later"].pk,
    ]
    overdue = {pk: _first_installment_due(Loan.objects.get(pk=pk)) for pk in _rows(response)}
    assert _cells(html, "overdue") == [f"¥{overdue[pk]:,.2f}" for pk in _rows(response)]
    assert _cells(html, "dpd") == ["14", "14", "20", "14", "14", "40"]
    assert _cells(html, "last_contact_shown")[3] == "2027-02-27"
    assert _cells(html, "last_contact_shown")[4] == "never"
    assert _cells(html, "promise")[0] == "¥100.00 by 2027-03-01 (pending)"
    assert _cells(html, "promise")[1] == "¥50.00 by 2027-02-28 (broken)"
    assert _cells(html, "next_action") == [
        "Check the promise due today",
        "Call: the promise was broken",
        "First contact",
        "Contact again, ask for a promise",
        "First contact",
        "Wait for the promised payment",
    ]
    assert _cells(html, "bucket_label")[-1] == "M2 (31-60 days)"


def test_pages_keep_the_priority_order_across_the_tiers(staff, cases, monkeypatch):
    """Pages are read tier by tier through the index (``worklist_slice``), not by sorting every
    overdue loan: two rows a page cross from "follow up" to "work" and from "work" to
    "waiting", and together they are the one-page order."""
    client = client_for(staff[COLLECTIONS_AGENT])
    whole = _rows(client.get(WORKLIST))
    monkeypatch.setattr(admin.site._registry[OverdueLoan], "list_per_page", 2)

    paged = [pk for page in (1, 2, 3) for pk in _rows(client.get(WORKLIST, {"p": str(page)}))]
    bucket_m1 = [
        pk
        for page in (1, 2, 3)
        for pk in _rows(client.get(WORKLIST, {"p": str(page), "bucket__exact": "M1"}))
    ]

    assert paged == whole
    assert bucket_m1 == [pk for pk in whole if pk != cases["promise_later"].pk]


def test_the_bucket_filter_offers_only_overdue_buckets(staff, cases):
    response = client_for(staff[COLLECTIONS_AGENT]).get(WORKLIST)
    html = response.content.decode()

    offered = re.findall(r"bucket__exact=(\w+)", html)
    assert sorted(set(offered)) == ["M1", "M2", "M3", "M4_PLUS"]
    assert "CURRENT" not in offered
    assert "M4+ (over 90 days)" in html
    m2 = client_for(staff[COLLECTIONS_AGENT]).get(WORKLIST, {"bucket__exact": "M2"})
    assert _rows(m2) == [cases["promise_later"].pk]


def _promise(client: Client, loan: Loan, amount: str, day: date, *, confirm: bool = False):
    data = {"amount": amount, "promised_date": day.isoformat()}
    if confirm:
        data["confirm"] = "1"
    return client.post(reverse("admin:servicing_loan_desk_promise", args=[loan.pk]), data)


def test_the_promise_form_refuses_more_than_is_overdue_and_a_date_outside_the_window(staff, today):
    loan = _overdue_loan("1000.00")
    overdue = _first_installment_due(loan)
    client = client_for(staff[COLLECTIONS_AGENT])

    form = client.get(reverse("admin:servicing_loan_desk_promise", args=[loan.pk]))
    too_much = _promise(client, loan, str(overdue + Decimal("0.01")), today + timedelta(days=31))
    nothing = _promise(client, loan, "0.00", today)
    yesterday = _promise(client, loan, "10.00", today - timedelta(days=1))
    done = _promise(client, loan, str(overdue), today + timedelta(days=30), confirm=True)

    assert f"Overdue now: ¥{overdue:,.2f}." in form.content.decode()
    errors = too_much.context["form"].errors
    assert errors["amount"] == [
        f"The promised amount is more than the overdue total of ¥{overdue:,.2f}."
    ]
    assert errors["promised_date"] == [
        "The promised date must be between 2027-03-01 and 2027-03-31."
    ]
    assert "amount" in nothing.context["form"].errors
    assert "promised_date" in yesterday.context["form"].errors
    assert done.status_code == 302
    assert list(PromiseToPay.objects.values_list("amount", "promised_date")) == [
        (overdue, date(2027, 3, 31))
    ]


def test_the_promise_refusals_read_in_chinese(staff, today):
    loan = _overdue_loan("1000.00")
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(staff[COLLECTIONS_AGENT])

    response = _promise(client, loan, "99999.00", today + timedelta(days=60))

    errors = response.context["form"].errors
    assert errors["amount"][0].startswith("承诺金额超过逾期总额")
    assert errors["promised_date"][0].startswith("承诺日期须在")


def test_the_service_refuses_a_promise_on_a_loan_with_nothing_overdue(staff, today):
    loan = draw(principal="1000.00", term=3, as_of=today)  # first installment not yet due

    with pytest.raises(PromiseRefused, match="Nothing is overdue"):
        promise_to_pay_record(
            loan=loan, user=staff[COLLECTIONS_AGENT], amount=Decimal("10.00"),
            promised_date=today, as_of=today,
        )  # fmt: skip
    assert not PromiseToPay.objects.exists()


def test_a_loans_collections_state_for_its_page(staff, cases, today):
    loan = cases["called"]
    state = loan_collections_state(loan=loan, as_of=today)

    with translation.override("en"):
        html = render_to_string("admin/backoffice/_collections_state.html", {"loan": loan})

    assert state.action == NextAction.CALL_AGAIN
    assert state.overdue == _first_installment_due(loan)
    assert f"¥{state.overdue:,.2f}" in html
    assert "Contact again, ask for a promise" in html
    assert "Phone call" in html
    assert "14 · M1 (1-30 days)" in html
    promised = render_to_string(
        "admin/backoffice/_collections_state.html", {"loan": cases["promise_later"]}
    )
    assert "¥200.00" in promised
    assert "承诺" not in html
