"""Bill installments through the partner API (issue #18, PRODUCT §7, §10): the quote with its
APR, the plan made once per reference, the refusals, the plans listed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Borrower
from loans.calendar.models import BusinessDate
from loans.revolving.models import InstallmentPlan, RevolvingProduct, Statement
from loans.revolving.services.orders import order_capture
from loans.revolving.services.statements import statements_cut
from tests.factories.api import assert_error, partner_borrower
from tests.factories.loans import credit_line_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def borrower(acme) -> Borrower:
    borrower = partner_borrower(acme.partner)
    credit_line_for(borrower, limit=Decimal("8000.00"))
    return borrower


def account_path(borrower: Borrower) -> str:
    return f"/api/v1/borrowers/{borrower.pk}/revolving-account"


@pytest.fixture
def billed(api, borrower) -> Borrower:
    """A bill of ¥6,000 of 5 February 2027, due 14 February; the business date is 8 February."""
    RevolvingProduct.objects.create(code="huabei", name="花呗")
    opened = api.post(
        account_path(borrower), {"product": "huabei", "statement_day": 5}, format="json"
    )
    assert opened.status_code == 201, opened.content
    body = {
        "borrower": borrower.pk,
        "merchant_order_id": "MI-1",
        "amount": "6000.00",
        "description": "MacBook",
    }
    made = api.post("/api/v1/orders", body, format="json").json()
    order_capture(order_id=made["id"], now=timezone.now())
    statements_cut(statement_date=date(2027, 2, 5))
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 2, 8))
    return borrower


def test_the_quote_shows_the_apr_and_each_installment(api, billed):
    response = api.get(
        account_path(billed) + "/bill-installments/quote",
        {"statement_date": "2027-02-05", "amount": "6000.00", "term": 12},
    )

    assert response.status_code == 200, response.content
    quote = response.json()
    assert {k: quote[k] for k in ("apr", "fee_per_installment", "fees", "total")} == {
        "apr": "0.157939",
        "fee_per_installment": "43.80",
        "fees": "525.60",
        "total": "6525.60",
    }
    assert quote["installments"][0] == {
        "number": 1,
        "statement_date": "2027-03-05",
        "principal": "500.00",
        "fee": "43.80",
    }
    assert len(quote["installments"]) == 12
    assert not InstallmentPlan.objects.exists()  # a quote makes nothing


def test_a_bill_installment_is_made_once_per_reference_and_listed(api, billed):
    path = account_path(billed) + "/bill-installments"
    body = {"statement_date": "2027-02-05", "amount": "6000.00", "term": 12, "reference": "BI-1"}

    first = api.post(path, body, format="json")
    again = api.post(path, body, format="json")
    other = api.post(path, body | {"amount": "3000.00"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200), first.content
    plan = first.json()
    assert again.json() == plan
    assert (plan["kind"], plan["apr"], plan["fee_payer"]) == ("BILL", "0.157939", "BORROWER")
    assert plan["installments"][11] == {
        "number": 12,
        "statement_date": "2028-02-05",
        "principal": "500.00",
        "fee": "43.80",
        "billed": False,
    }
    assert_error(other, 409, "duplicate_reference")
    bill = Statement.objects.get()
    assert (bill.revolving_principal_unpaid_amount, bill.minimum_unpaid_amount) == (0, 0)
    listed = api.get(account_path(billed) + "/plans").json()["results"]
    assert [p["id"] for p in listed] == [plan["id"]]


def test_a_refused_bill_installment_answers_422_and_makes_nothing(api, billed):
    path = account_path(billed) + "/bill-installments"
    body = {"statement_date": "2027-02-05", "amount": "99.00", "term": 3, "reference": "BI-2"}

    small = api.post(path, body, format="json")
    late = None
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 2, 15))
    late = api.post(path, body | {"amount": "1000.00"}, format="json")
    no_bill = api.post(path, body | {"statement_date": "2027-01-05"}, format="json")
    bad_term = api.post(path, body | {"term": 5}, format="json")

    assert_error(small, 422, "bill_installment_refused")
    assert_error(late, 422, "bill_installment_refused")
    assert_error(no_bill, 422, "bill_installment_refused")
    assert_error(bad_term, 400, "invalid", ["term"])
    assert not InstallmentPlan.objects.exists()


def test_another_partners_borrower_is_not_found(api, client_for, other, billed):
    response = client_for(other).get(account_path(billed) + "/plans")
    assert response.status_code == 404


def test_the_credit_balance_is_shown_and_paid_back_once_on_request(api, billed):
    pay = api.post(
        account_path(billed) + "/payments",
        {"amount": "6100.00", "reference": "PAY-1"},
        format="json",
    )
    path = account_path(billed) + "/credit-refunds"

    first = api.post(path, {"amount": "60.00", "reference": "CR-1"}, format="json")
    again = api.post(path, {"amount": "60.00", "reference": "CR-1"}, format="json")
    other = api.post(path, {"amount": "1.00", "reference": "CR-1"}, format="json")
    too_much = api.post(path, {"amount": "40.01", "reference": "CR-2"}, format="json")

    assert pay.status_code == 201, pay.content
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert (first.json()["amount"], again.json()["id"]) == ("60.00", first.json()["id"])
    assert_error(other, 409, "duplicate_reference")
    assert_error(too_much, 422, "credit_refund_refused")
    assert api.get(account_path(billed)).json()["credit_balance"] == "40.00"


def test_an_order_on_a_subsidised_plan_shows_its_plan_once_captured(api, borrower):
    RevolvingProduct.objects.create(code="huabei", name="花呗")
    api.post(account_path(borrower), {"product": "huabei", "statement_day": 5}, format="json")
    body = {
        "borrower": borrower.pk,
        "merchant_order_id": "MI-PLAN-1",
        "amount": "1200.00",
        "description": "Xiaomi Pad 7",
        "plan_term": 6,
        "merchant_subsidised": True,
    }

    made = api.post("/api/v1/orders", body, format="json")
    again = api.post("/api/v1/orders", body, format="json")
    other = api.post("/api/v1/orders", body | {"plan_term": 12}, format="json")
    no_plan = api.post(
        "/api/v1/orders",
        body | {"merchant_order_id": "MI-PLAN-2", "plan_term": None},
        format="json",
    )

    assert (made.status_code, again.status_code) == (201, 200), made.content
    assert (made.json()["plan_term"], made.json()["plan"]) == (6, None)
    assert_error(other, 409, "order_conflict")
    assert_error(no_plan, 422, "order_not_created")
    order_capture(order_id=made.json()["id"], now=timezone.now())
    plan = api.get(f"/api/v1/orders/{made.json()['id']}").json()["plan"]
    assert {k: plan[k] for k in ("term", "apr", "fee_per_installment", "fee_payer", "subsidy")} == {
        "term": 6,
        "apr": "0.000000",
        "fee_per_installment": "9.00",
        "fee_payer": "MERCHANT",
        "subsidy": "54.00",
    }
    listed = api.get(account_path(borrower) + "/plans").json()["results"]
    assert [(p["kind"], p["order"]) for p in listed] == [("PURCHASE", made.json()["id"])]
