"""Revolving accounts and checkout orders through the partner API (issue #18, PRODUCT §7, §10)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Borrower
from loans.revolving.models import Order, OrderStatus, RevolvingAccount, RevolvingProduct
from loans.revolving.services.confirmation import order_from_confirm_token
from loans.revolving.services.orders import order_capture
from loans.revolving.services.statements import statements_cut
from tests.factories.api import api_partner, assert_error, partner_borrower
from tests.factories.loans import credit_line_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def huabei(db) -> RevolvingProduct:
    return RevolvingProduct.objects.create(code="huabei", name="花呗")


@pytest.fixture
def borrower(acme) -> Borrower:
    borrower = partner_borrower(acme.partner)
    credit_line_for(borrower, limit=Decimal("8000.00"))
    return borrower


def account_path(borrower: Borrower) -> str:
    return f"/api/v1/borrowers/{borrower.pk}/revolving-account"


def order_body(borrower: Borrower, **overrides: object) -> dict[str, object]:
    return {
        "borrower": borrower.pk,
        "merchant_order_id": "MI-20270115-0001",
        "amount": "2499.00",
        "description": "Redmi K80 12GB+256GB",
    } | overrides


@pytest.fixture
def opened(api, borrower, huabei) -> RevolvingAccount:
    response = api.post(
        account_path(borrower), {"product": "huabei", "statement_day": 5}, format="json"
    )
    assert response.status_code == 201, response.content
    return RevolvingAccount.objects.get()


def test_opening_the_account_answers_its_day_rate_and_what_is_available(api, borrower, huabei):
    response = api.post(
        account_path(borrower), {"product": "huabei", "statement_day": 5}, format="json"
    )

    assert response.status_code == 201, response.content
    account = RevolvingAccount.objects.get()
    assert response.json() == {
        "id": account.pk,
        "borrower": borrower.pk,
        "product": "huabei",
        "status": "ACTIVE",
        "statement_day": 5,
        "daily_rate": "0.000500",
        "limit": "8000.00",
        "available": "8000.00",
        "principal": "0.00",
        "credit_balance": "0.00",
        "opened_date": "2027-01-15",
        "closed_date": None,
    }
    assert api.get(account_path(borrower)).json() == response.json()


def test_a_second_account_and_a_day_out_of_range_are_refused(api, borrower, opened):
    again = api.post(account_path(borrower), {"product": "huabei"}, format="json")
    day = api.post(
        account_path(borrower), {"product": "huabei", "statement_day": 29}, format="json"
    )

    assert_error(again, 422, "revolving_account_not_opened")
    assert_error(day, 400, "invalid", ["statement_day"])
    assert RevolvingAccount.objects.count() == 1


def test_an_order_answers_a_confirm_link_that_names_it(api, borrower, opened):
    now = timezone.localtime().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        response = api.post("/api/v1/orders", order_body(borrower), format="json")

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    body = response.json()
    link = body.pop("confirm_url")
    assert body == {
        "id": order.pk,
        "borrower": borrower.pk,
        "merchant_order_id": "MI-20270115-0001",
        "amount": "2499.00",
        "description": "Redmi K80 12GB+256GB",
        "status": "CREATED",
        "created_at": now.isoformat(),
        "expires_at": (now + timedelta(minutes=15)).isoformat(),
        "captured_at": None,
        "captured_date": None,
        "refunded": "0.00",
        "plan_term": None,
        "merchant_subsidised": False,
        "plan": None,
    }
    assert link.startswith("http://testserver/app/orders/")
    token = link.removeprefix("http://testserver/app/orders/").rstrip("/")
    assert order_from_confirm_token(token=token) == order
    assert order_from_confirm_token(token=token[:-2] + "xx") is None


def test_the_same_order_sent_again_is_the_first_and_another_under_its_id_is_a_conflict(
    api, borrower, opened
):
    first = api.post("/api/v1/orders", order_body(borrower), format="json")
    again = api.post("/api/v1/orders", order_body(borrower), format="json")
    other = api.post("/api/v1/orders", order_body(borrower, amount="1.00"), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert_error(other, 409, "order_conflict")
    assert Order.objects.count() == 1


def test_an_order_for_a_borrower_without_an_account_or_of_another_partner_is_refused(
    api, borrower, huabei
):
    stranger = partner_borrower(api_partner().partner)

    no_account = api.post("/api/v1/orders", order_body(borrower), format="json")
    not_ours = api.post("/api/v1/orders", order_body(stranger), format="json")

    assert_error(no_account, 422, "revolving_account_not_opened")
    assert_error(not_ours, 404, "not_found")
    assert not Order.objects.exists()


def test_orders_are_listed_and_read_with_their_capture(api, borrower, opened):
    first = api.post("/api/v1/orders", order_body(borrower), format="json").json()
    api.post("/api/v1/orders", order_body(borrower, merchant_order_id="MI-2"), format="json")
    order_capture(order_id=first["id"], now=timezone.now())

    listed = api.get("/api/v1/orders", {"status": "CAPTURED"}).json()
    detail = api.get(f"/api/v1/orders/{first['id']}").json()

    assert [o["id"] for o in listed["results"]] == [first["id"]]
    assert (detail["status"], detail["captured_date"], detail["confirm_url"]) == (
        "CAPTURED",
        "2027-01-15",
        None,
    )
    assert api.get(account_path(borrower)).json()["available"] == "5501.00"


def test_another_partner_sees_none_of_the_orders(api, client_for, other, borrower, opened):
    made = api.post("/api/v1/orders", order_body(borrower), format="json").json()

    theirs = client_for(other)

    assert theirs.get("/api/v1/orders").json()["results"] == []
    assert_error(theirs.get(f"/api/v1/orders/{made['id']}"), 404, "not_found")


def test_orders_need_their_scopes(client_for, borrower, opened, acme):
    reader = client_for(api_partner(token_scopes=["orders:read"]))

    response = reader.post("/api/v1/orders", order_body(borrower), format="json")

    assert response.status_code == 403
    assert not Order.objects.exists()


def test_an_expired_order_has_no_link(api, borrower, opened):
    made = api.post("/api/v1/orders", order_body(borrower), format="json").json()
    Order.objects.filter(pk=made["id"]).update(status=OrderStatus.EXPIRED)

    detail = api.get(f"/api/v1/orders/{made['id']}").json()

    assert (detail["status"], detail["confirm_url"]) == ("EXPIRED", None)
    assert timedelta(minutes=15) == Order.objects.get().expires_at - Order.objects.get().created_at


def test_a_refund_is_posted_once_and_listed(api, borrower, opened):
    made = api.post("/api/v1/orders", order_body(borrower), format="json").json()
    order_capture(order_id=made["id"], now=timezone.now())
    path = f"/api/v1/orders/{made['id']}/refunds"

    first = api.post(path, {"merchant_refund_id": "RF-1", "amount": "499.00"}, format="json")
    again = api.post(path, {"merchant_refund_id": "RF-1", "amount": "499.00"}, format="json")
    other = api.post(path, {"merchant_refund_id": "RF-1", "amount": "1.00"}, format="json")
    too_much = api.post(path, {"merchant_refund_id": "RF-2", "amount": "2000.01"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    body = first.json()
    assert {k: body[k] for k in ("order", "merchant_refund_id", "amount", "value_date")} == {
        "order": made["id"],
        "merchant_refund_id": "RF-1",
        "amount": "499.00",
        "value_date": "2027-01-15",
    }
    assert_error(other, 409, "refund_conflict")
    assert_error(too_much, 422, "order_not_refunded")
    assert [r["id"] for r in api.get(path).json()] == [body["id"]]
    assert api.get(f"/api/v1/orders/{made['id']}").json()["refunded"] == "499.00"
    assert api.get(account_path(borrower)).json()["available"] == "6000.00"


def test_the_borrowers_bills_are_listed_newest_first(api, borrower, opened):
    made = api.post("/api/v1/orders", order_body(borrower), format="json").json()
    order_capture(order_id=made["id"], now=timezone.now())
    statements_cut(statement_date=date(2027, 2, 5))

    page = api.get(account_path(borrower) + "/statements").json()

    assert page["results"] == [
        {
            "id": page["results"][0]["id"],
            "statement_date": "2027-02-05",
            "due_date": "2027-02-14",
            "pay_by_date": "2027-02-14",
            "cycle_start": "2027-01-15",
            "previous_unpaid": "0.00",
            "new_purchases": "2499.00",
            "revolving_principal": "2499.00",
            "installment_principal": "0.00",
            "fees": "0.00",
            "interest": "0.00",
            "penalty": "0.00",
            "balance": "2499.00",
            "minimum_payment": "249.90",
        }
    ]
    stranger = partner_borrower(api_partner().partner)
    assert_error(api.get(account_path(stranger) + "/statements"), 404, "not_found")


def test_a_payment_on_the_bill_is_allocated_posted_once_and_above_the_debt_is_credit(
    api, borrower, opened
):
    made = api.post("/api/v1/orders", order_body(borrower), format="json").json()
    order_capture(order_id=made["id"], now=timezone.now())
    statements_cut(statement_date=date(2027, 2, 5))
    path = account_path(borrower) + "/payments"

    first = api.post(path, {"amount": "300.00", "reference": "PAY-1"}, format="json")
    again = api.post(path, {"amount": "300.00", "reference": "PAY-1"}, format="json")
    other = api.post(path, {"amount": "1.00", "reference": "PAY-1"}, format="json")
    too_much = api.post(path, {"amount": "2199.01", "reference": "PAY-2"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    body = first.json()
    assert (body["amount"], body["minimum_paid"]) == ("300.00", "249.90")
    assert [(line["step"], line["amount"]) for line in body["allocation"]] == [
        ("MINIMUM", "249.90"),
        ("REVOLVING_PRINCIPAL", "50.10"),
    ]
    assert_error(other, 409, "duplicate_reference")
    assert too_much.status_code == 201, too_much.content
    account = api.get(account_path(borrower)).json()
    assert (account["available"], account["credit_balance"]) == ("8000.00", "0.01")


def test_the_account_closes_when_nothing_is_owed_and_not_before(api, borrower, opened):
    order = api.post("/api/v1/orders", order_body(borrower, amount="100.00"), format="json").json()
    still_waiting = api.post(f"{account_path(borrower)}/close")
    assert_error(still_waiting, 422, "revolving_account_not_closed")
    assert "waiting for the borrower" in still_waiting.json()["error"]["message"]
    order_capture(order_id=order["id"], now=timezone.now())
    owing = api.post(f"{account_path(borrower)}/close")
    assert_error(owing, 422, "revolving_account_not_closed")
    paid = api.post(
        f"{account_path(borrower)}/payments",
        {"amount": "100.00", "reference": "PAY-1"},
        format="json",
    )
    assert paid.status_code == 201, paid.content

    closed = api.post(f"{account_path(borrower)}/close")

    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["closed_date"]) == ("CLOSED", "2027-01-15")
    assert api.get(account_path(borrower)).json()["status"] == "CLOSED"
    refused = api.post(
        "/api/v1/orders", order_body(borrower, merchant_order_id="M-2"), format="json"
    )
    assert refused.status_code == 422


def test_closing_needs_the_write_scope_and_the_partners_borrower(
    client_for, other, borrower, opened
):
    reader = api_partner(token_scopes=["orders:read"])
    assert client_for(other).post(f"{account_path(borrower)}/close").status_code == 404
    assert client_for(reader).post(f"{account_path(borrower)}/close").status_code == 403
    assert RevolvingAccount.objects.get().status == "ACTIVE"


def test_the_partner_closes_an_account_that_owes_nothing_and_the_line_stays(
    api, client_for, other, borrower, opened
):
    theirs = client_for(other).post(account_path(borrower) + "/close")
    response = api.post(account_path(borrower) + "/close")

    assert_error(theirs, 404, "not_found")  # another partner's borrower is as absent
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["closed_date"], body["limit"]) == (
        "CLOSED",
        "2027-01-15",
        "8000.00",
    )
    assert api.get(account_path(borrower)).json() == body
    assert_error(api.post(account_path(borrower) + "/close"), 422, "revolving_account_not_closed")


def test_an_account_with_an_order_waiting_is_not_closed(api, borrower, opened):
    assert api.post("/api/v1/orders", order_body(borrower), format="json").status_code == 201

    refused = api.post(account_path(borrower) + "/close")

    assert_error(refused, 422, "revolving_account_not_closed")
    assert RevolvingAccount.objects.get().status == "ACTIVE"
