"""Quotes, borrowers and credit applications over HTTP (PRODUCT §7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Borrower
from loans.events.models import OutboxEvent
from loans.origination.models import CreditApplication
from loans.servicing.models import CreditLine
from tests.factories.accounts import make_bank_card, make_id_number
from tests.factories.api import assert_error, partner_borrower
from tests.factories.loans import credit_line_for

pytestmark = pytest.mark.django_db

QUOTE = {"product": "CASH", "principal": "10000.00", "term": 12, "method": "EQUAL_INSTALLMENT"}


def test_quote_has_the_product_section_8_shape(api):
    response = api.post("/api/v1/quotes", {**QUOTE, "start_date": "2026-12-01"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["principal"] == "10000.00"
    assert body["currency"] == "CNY"
    assert body["start_date"] == "2026-12-01"
    # Without a borrower: the product's highest rate (grade E of the test product).
    assert body["annual_rate"] == "0.239000"
    assert len(body["installments"]) == 12
    assert body["installments"][0]["due_date"] == "2027-01-01"
    assert sum(Decimal(i["principal"]) for i in body["installments"]) == Decimal("10000.00")


def test_quote_at_the_borrowers_rate(api, acme):
    borrower = partner_borrower(acme.partner)
    credit_line_for(borrower, grade="A", rate=Decimal("0.072000"))

    response = api.post("/api/v1/quotes", {**QUOTE, "borrower": borrower.pk}, format="json")

    assert response.status_code == 200
    assert response.json()["annual_rate"] == "0.072000"


def test_quote_for_another_partners_borrower_is_404(api, other):
    borrower = partner_borrower(other.partner)

    response = api.post("/api/v1/quotes", {**QUOTE, "borrower": borrower.pk}, format="json")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("change", "status", "code", "fields"),
    [
        ({"principal": "abc"}, 400, "invalid", ["principal"]),
        ({"principal": "10.001"}, 400, "invalid", ["principal"]),
        ({"term": 0}, 400, "invalid", ["term"]),
        ({"method": "BALLOON"}, 400, "invalid", ["method"]),
        ({"product": "NOPE"}, 400, "invalid", ["product"]),
        ({"start_date": "9999-12-31"}, 400, "invalid", ["start_date"]),
        ({"term": 7}, 422, "loan_draw_refused", []),
        ({"principal": "99999999.00"}, 422, "loan_draw_refused", []),
    ],
)
def test_bad_quotes_are_refused_with_the_error_body(api, change, status, code, fields):
    response = api.post("/api/v1/quotes", {**QUOTE, **change}, format="json")

    assert_error(response, status, code, fields)


def test_malformed_json_is_400(api):
    response = api.post("/api/v1/quotes", "{not json", content_type="application/json")

    assert_error(response, 400, "parse_error")


def _borrower_body(serial: int = 501, **overrides):
    return {
        "external_id": f"cust-{serial}",
        "name": "王小明",
        "id_number": make_id_number(sequence=f"{serial % 1000:03d}"),
        "mobile": f"139{serial:08d}",
        "email": "wxm@example.com",
        "monthly_income": "15000.00",
        "employment_months": 48,
        "monthly_debt_payments": "0.00",
        "bank_card": make_bank_card(number=serial),
        **overrides,
    }


def test_register_a_borrower(api, acme):
    response = api.post("/api/v1/borrowers", _borrower_body(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    borrower = Borrower.objects.get(pk=body["id"])
    assert borrower.partner == acme.partner
    assert body["external_id"] == "cust-501"
    assert body["name"] == "王小明"
    assert body["id_number_masked"] == borrower.id_number_masked
    assert "*" in body["id_number_masked"]
    assert body["mobile_masked"] == "1********01"  # 13900000501, masked (#16)
    assert "mobile" not in body
    assert "id_number" not in body
    assert "bank_card" not in body
    assert body["monthly_income"] == "15000.00"


def test_borrower_field_errors_name_the_api_fields_and_write_nothing(api):
    body = _borrower_body(id_number="110105199005171234", monthly_income="-1.00", name="")

    response = api.post("/api/v1/borrowers", body, format="json")

    error = assert_error(response, 400, "invalid")
    assert "name" in error["error"]["fields"]
    assert not Borrower.objects.exists()


def test_service_validation_maps_to_api_field_names(api):
    response = api.post("/api/v1/borrowers", _borrower_body(monthly_income="-5.00"), format="json")

    assert_error(response, 400, "invalid", ["monthly_income"])
    assert not Borrower.objects.exists()


def test_duplicate_external_id_is_refused(api):
    assert api.post("/api/v1/borrowers", _borrower_body(501), format="json").status_code == 201

    again = api.post(
        "/api/v1/borrowers", _borrower_body(502, external_id="cust-501"), format="json"
    )

    assert_error(again, 400, "invalid", ["external_id"])
    assert Borrower.objects.count() == 1


def test_borrower_detail_is_the_partners_only(api, client_for, other):
    created = api.post("/api/v1/borrowers", _borrower_body(), format="json").json()

    assert api.get(f"/api/v1/borrowers/{created['id']}").json()["id"] == created["id"]
    assert_error(client_for(other).get(f"/api/v1/borrowers/{created['id']}"), 404, "not_found")


def test_credit_application_is_decided_and_readable(api, acme):
    borrower_id = api.post("/api/v1/borrowers", _borrower_body(), format="json").json()["id"]

    response = api.post("/api/v1/credit-applications", {"borrower": borrower_id}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "APPROVED"
    assert body["credit_limit"] == "30000.00"
    assert body["grade"] in "ABCDE"
    assert body["reasons"] == []
    assert CreditLine.objects.get(borrower_id=borrower_id).limit_amount == Decimal("30000.00")
    assert api.get(f"/api/v1/credit-applications/{body['id']}").json() == body
    event = OutboxEvent.objects.get(partner=acme.partner)
    assert event.event_type == "credit_application.decided"
    assert event.data["credit_application"] == body["id"]


def test_credit_application_refused_while_referred_writes_nothing(api, acme):
    borrower_id = api.post("/api/v1/borrowers", _borrower_body(), format="json").json()["id"]
    CreditApplication.objects.create(
        borrower_id=borrower_id,
        applied_date="2027-01-10",
        status="REFERRED",
        scorecard_version=1,
        inputs={},
        score=0,
    )

    response = api.post("/api/v1/credit-applications", {"borrower": borrower_id}, format="json")

    assert_error(response, 422, "credit_application_refused")
    assert CreditApplication.objects.count() == 1
    assert not OutboxEvent.objects.exists()


def test_credit_application_of_another_partner_is_404(api, client_for, other):
    borrower = partner_borrower(other.partner)
    application = client_for(other).post(
        "/api/v1/credit-applications", {"borrower": borrower.pk}, format="json"
    )
    assert application.status_code == 201

    assert_error(
        api.post("/api/v1/credit-applications", {"borrower": borrower.pk}, format="json"),
        404,
        "not_found",
    )
    assert_error(
        api.get(f"/api/v1/credit-applications/{application.json()['id']}"), 404, "not_found"
    )
    assert CreditApplication.objects.count() == 1
