"""Loans over HTTP: draw, list with filters, detail, schedule, transactions, payoff (PRODUCT §7)."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from loans.api.models import IdempotencyRecord
from loans.documents.models import ContractDocument
from loans.documents.services import contract_pdf_generate
from loans.events.models import OutboxEvent
from loans.servicing.models import CreditLine, Loan, LoanStatus
from tests.factories.api import assert_error, business_date_set, partner_borrower, partner_loan
from tests.factories.loans import credit_line_for

pytestmark = pytest.mark.django_db


def _draw_body(borrower, **overrides):
    return {
        "borrower": borrower.pk,
        "product": "CASH",
        "principal": "5000.00",
        "term": 12,
        "method": "EQUAL_INSTALLMENT",
        "contract": {
            "version": "v1",
            "accepted_at": "2027-01-15T10:00:00+08:00",
            "ip": "203.0.113.7",
            "user_agent": "Shop app 3.1",
            "signature_name": borrower.full_name,
        },
        **overrides,
    }


@pytest.fixture
def borrower(acme):
    borrower = partner_borrower(acme.partner)
    credit_line_for(borrower, limit=Decimal("20000.00"))
    return borrower


def test_draw_a_loan_disburses_it_and_records_the_contract(api, acme, borrower):
    response = api.post(
        "/api/v1/loans", _draw_body(borrower), format="json", HTTP_IDEMPOTENCY_KEY="draw-1"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    loan = Loan.objects.get(pk=body["id"])
    assert loan.partner == acme.partner
    assert body["status"] == LoanStatus.ACTIVE
    assert body["principal"] == "5000.00"
    assert body["balances"]["principal_outstanding"] == "5000.00"
    assert body["bucket"] == "CURRENT"
    assert loan.accepted_ip == "203.0.113.7"
    assert loan.accepted_user_agent == "Shop app 3.1"
    assert len(loan.contract_hash) == 64
    assert OutboxEvent.objects.get(loan=loan).event_type == "loan.disbursed"
    # the contract's PDF is recorded at signing, as in the portal (#19)
    recorded = ContractDocument.objects.get(loan=loan)
    assert recorded.pdf_sha256 == hashlib.sha256(contract_pdf_generate(loan=loan)).hexdigest()


def test_draw_needs_an_idempotency_key(api, borrower):
    response = api.post("/api/v1/loans", _draw_body(borrower), format="json")

    assert_error(response, 400, "idempotency_key_required")
    assert not Loan.objects.exists()


def test_draw_replays_with_the_same_key(api, borrower):
    first = api.post("/api/v1/loans", _draw_body(borrower), format="json", HTTP_IDEMPOTENCY_KEY="k")
    again = api.post("/api/v1/loans", _draw_body(borrower), format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Loan.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code", "fields"),
    [
        ({"principal": "25000.00"}, 422, "credit_limit_exceeded", []),
        ({"term": 5}, 422, "loan_draw_refused", []),
        ({"product": "NOPE"}, 400, "invalid", ["product"]),
        ({"contract": {"version": "v9"}}, 400, "invalid", None),
        ({"method": "INSTALLMENT_FEE"}, 422, "loan_draw_refused", []),
    ],
)
def test_refused_draws_change_nothing(api, borrower, change, status, code, fields):
    line_before = CreditLine.objects.get(borrower=borrower).used_amount

    response = api.post(
        "/api/v1/loans",
        _draw_body(borrower, **change),
        format="json",
        HTTP_IDEMPOTENCY_KEY="refused",
    )

    assert_error(response, status, code, fields)
    assert not Loan.objects.exists()
    assert CreditLine.objects.get(borrower=borrower).used_amount == line_before
    assert not OutboxEvent.objects.exists()
    # A refusal stores no response: the key may be used again once the request is right.
    assert not IdempotencyRecord.objects.exists()


def test_a_borrower_late_on_a_loan_draws_nothing_and_the_error_says_why(api, acme, borrower):
    late = partner_loan(acme.partner, borrower=borrower, principal="3000.00", term=6)
    business_date_set(date(2027, 2, 16))  # its first installment fell due yesterday, unpaid

    response = api.post(
        "/api/v1/loans", _draw_body(borrower), format="json", HTTP_IDEMPOTENCY_KEY="late"
    )

    body = assert_error(response, 422, "borrower_past_due", [])
    assert f"Loan {late.pk} has an installment due on 2027-02-15 unpaid" in body["error"]["message"]
    assert Loan.objects.count() == 1
    assert CreditLine.objects.get(borrower=borrower).used_amount == Decimal("3000.00")


def test_contract_must_be_signed_with_the_borrowers_name(api, borrower):
    body = _draw_body(borrower)
    body["contract"]["signature_name"] = "Someone Else"

    response = api.post("/api/v1/loans", body, format="json", HTTP_IDEMPOTENCY_KEY="sig")

    assert_error(response, 422, "contract_not_accepted")
    assert not Loan.objects.exists()


def test_draw_for_another_partners_borrower_is_404(api, other):
    borrower = partner_borrower(other.partner)
    credit_line_for(borrower)

    response = api.post(
        "/api/v1/loans", _draw_body(borrower), format="json", HTTP_IDEMPOTENCY_KEY="x"
    )

    assert_error(response, 404, "not_found")
    assert not Loan.objects.exists()


def test_list_shows_only_the_partners_loans_with_filters_and_pages(api, acme, other):
    mine = [partner_loan(acme.partner) for _ in range(3)]
    partner_loan(other.partner)
    Loan.objects.filter(pk=mine[0].pk).update(bucket="M1", days_past_due=5)

    everything = api.get("/api/v1/loans").json()
    assert [row["id"] for row in everything["results"]] == [loan.pk for loan in reversed(mine)]
    assert api.get("/api/v1/loans?bucket=M1").json()["results"][0]["id"] == mine[0].pk
    assert len(api.get("/api/v1/loans?bucket=M1").json()["results"]) == 1
    by_borrower = api.get(f"/api/v1/loans?borrower={mine[1].borrower_id}").json()["results"]
    assert [row["id"] for row in by_borrower] == [mine[1].pk]
    assert api.get("/api/v1/loans?status=PAID_OFF").json()["results"] == []
    assert len(api.get("/api/v1/loans?drawn_date_from=2027-01-15").json()["results"]) == 3
    assert api.get("/api/v1/loans?drawn_date_to=2027-01-14").json()["results"] == []

    page = api.get("/api/v1/loans?limit=2").json()
    assert len(page["results"]) == 2
    rest = api.get(page["next"]).json()
    assert [row["id"] for row in rest["results"]] == [mine[0].pk]


def test_bad_filters_are_400(api):
    assert_error(api.get("/api/v1/loans?status=LOST"), 400, "invalid", ["status"])
    assert_error(api.get("/api/v1/loans?drawn_date_from=yesterday"), 400, "invalid")
    assert_error(api.get("/api/v1/loans?borrower=-1"), 400, "invalid", ["borrower"])


def test_detail_schedule_transactions_and_payoff(api, acme):
    loan = partner_loan(acme.partner)

    detail = api.get(f"/api/v1/loans/{loan.pk}").json()
    assert detail["days_past_due"] == 0
    assert detail["balances"]["principal_outstanding"] == "10000.00"
    schedule = api.get(f"/api/v1/loans/{loan.pk}/schedule").json()
    assert schedule["loan"] == loan.pk
    assert len(schedule["installments"]) == 12
    assert sum(Decimal(i["principal"]) for i in schedule["installments"]) == Decimal("10000.00")
    transactions = api.get(f"/api/v1/loans/{loan.pk}/transactions").json()["results"]
    assert {t["entry_type"] for t in transactions} >= {"DISBURSEMENT"}
    payoff = api.get(f"/api/v1/loans/{loan.pk}/payoff-quote?date=2027-02-01").json()
    assert payoff["principal"] == "10000.00"
    assert Decimal(payoff["interest"]) > 0
    assert Decimal(payoff["total"]) == Decimal(payoff["principal"]) + Decimal(payoff["interest"])


def test_payoff_quote_refuses_past_dates_and_closed_loans(api, acme):
    loan = partner_loan(acme.partner)

    assert_error(
        api.get(f"/api/v1/loans/{loan.pk}/payoff-quote?date=2027-01-01"), 400, "invalid", ["date"]
    )
    assert_error(
        api.get(f"/api/v1/loans/{loan.pk}/payoff-quote?date=soon"), 400, "invalid", ["date"]
    )
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.PAID_OFF)
    assert_error(api.get(f"/api/v1/loans/{loan.pk}/payoff-quote"), 422, "payoff_quote_refused")


@pytest.mark.parametrize("suffix", ["", "/schedule", "/transactions", "/payoff-quote"])
def test_another_partners_loan_is_404_everywhere(api, other, suffix):
    loan = partner_loan(other.partner)

    assert_error(api.get(f"/api/v1/loans/{loan.pk}{suffix}"), 404, "not_found")


def test_a_huge_id_is_404_not_500(api):
    assert_error(api.get("/api/v1/loans/99999999999999999999999"), 404, "not_found")
