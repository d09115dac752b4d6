"""Input that is not what a partner sends (issue #16, hole 6): deep nesting, huge bodies, money
written in ways a bank does not write it, a token guesser rotating X-Forwarded-For."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loans.api.models import IdempotencyRecord
from loans.ledger.models import JournalEntry
from loans.servicing.models import Repayment
from tests.factories.api import assert_error, partner_borrower, partner_loan

pytestmark = pytest.mark.django_db

FIVE_MB = 5 * 1024 * 1024


@pytest.fixture
def loan(acme):
    return partner_loan(acme.partner)


def _post_raw(api, url, body, **headers):
    return api.generic("POST", url, body, content_type="application/json", **headers)


def test_a_body_nested_100000_deep_is_a_400_not_a_500(api, loan):
    response = _post_raw(
        api,
        f"/api/v1/loans/{loan.pk}/repayments",
        "[" * 100_000,
        HTTP_IDEMPOTENCY_KEY="deep-1",
    )

    error = assert_error(response, 400, "parse_error")
    assert "nested" in error["error"]["message"]
    assert not Repayment.objects.exists()


def test_a_body_nested_deeper_than_any_request_needs_is_refused(api):
    # 500 levels parse in Python; no request needs more than 3, and the code after the parser
    # (hashing the body for the idempotency record, flattening field errors) recurses over it.
    body = '{"amount": ' + "[" * 500 + "]" * 500 + "}"

    response = _post_raw(api, "/api/v1/quotes", body, HTTP_IDEMPOTENCY_KEY="deep-2")

    assert_error(response, 400, "parse_error")
    assert not IdempotencyRecord.objects.exists()


def test_a_body_nested_as_deep_as_real_requests_still_parses(api):
    # A loan's contract is the deepest real body; 32 levels are allowed.
    body = '{"product": "CASH", "x": ' + "[" * 31 + "]" * 31 + "}"

    response = _post_raw(api, "/api/v1/quotes", body)

    # Parsed, then refused for its fields, not its shape.
    assert_error(response, 400, "invalid", ["principal", "term", "method"])


def test_a_5_mb_body_is_a_413_in_the_api_error_shape(api, loan):
    body = '{"amount": "1.00", "reference": "' + "x" * FIVE_MB + '"}'

    response = _post_raw(
        api, f"/api/v1/loans/{loan.pk}/repayments", body, HTTP_IDEMPOTENCY_KEY="big-1"
    )

    assert response["Content-Type"] == "application/json"
    assert_error(response, 413, "request_too_large")
    assert not Repayment.objects.exists()


def test_a_5_mb_body_to_the_token_endpoint_is_a_413_in_the_api_error_shape(client, acme):
    response = client.post(
        "/o/token/",
        f"grant_type=client_credentials&client_id={acme.client_id}&pad={'x' * FIVE_MB}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response["Content-Type"] == "application/json"
    assert_error(response, 413, "request_too_large")


MALFORMED_MONEY = [
    "1_000",
    "1E2",
    "1e2",
    "1000e-1",
    "１０００",  # full-width digits  # noqa: RUF001
    "١٠٠٠",  # Arabic-Indic digits  # noqa: RUF001
    "۱۰۰۰",  # Extended Arabic-Indic digits  # noqa: RUF001
    "१०००",  # Devanagari digits
    " 100",
    "100 ",
    "100\n",
    "+100",
    "100.",
    ".50",
    "1,000",
    "100.001",
    "0x64",
    "NaN",
    "Infinity",
    "",
    100,
    100.5,
    1e2,
    True,
]


@pytest.mark.parametrize("amount", MALFORMED_MONEY, ids=repr)
def test_a_repayment_amount_not_written_as_money_is_refused(api, loan, amount):
    entries = JournalEntry.objects.count()

    response = api.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        {"amount": amount},
        format="json",
        HTTP_IDEMPOTENCY_KEY="money-1",
    )

    assert_error(response, 400, "invalid", ["amount"])
    assert not Repayment.objects.exists()
    assert JournalEntry.objects.count() == entries


@pytest.mark.parametrize("amount", ["916.80", "916.8", "916", "0.01", "0000.50"])
def test_plain_amounts_are_accepted(api, loan, amount):
    response = api.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        {"amount": amount},
        format="json",
        HTTP_IDEMPOTENCY_KEY="money-2",
    )

    assert response.status_code == 201, response.content
    assert Repayment.objects.get().amount == Decimal(amount)


def test_every_money_input_refuses_an_exponent(api, acme):
    borrower = partner_borrower(acme.partner)
    quote = {"product": "CASH", "principal": "5E3", "term": 12, "method": "EQUAL_INSTALLMENT"}
    loan = {**quote, "borrower": borrower.pk, "contract": {}}
    person = {"monthly_income": "1.5e4", "monthly_debt_payments": "０"}  # noqa: RUF001

    assert (
        "principal"
        in assert_error(api.post("/api/v1/quotes", quote, format="json"), 400, "invalid")["error"][
            "fields"
        ]
    )
    assert (
        "principal"
        in assert_error(
            api.post("/api/v1/loans", loan, format="json", HTTP_IDEMPOTENCY_KEY="l-1"),
            400,
            "invalid",
        )["error"]["fields"]
    )
    fields = assert_error(api.post("/api/v1/borrowers", person, format="json"), 400, "invalid")
    assert {"monthly_income", "monthly_debt_payments"} <= set(fields["error"]["fields"])


def test_the_schema_states_the_money_format(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    amount = schema["components"]["schemas"]["RepaymentCreateInputRequest"]["properties"]["amount"]

    assert amount["type"] == "string"
    assert amount["pattern"] == r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$"


def _token(client, partner, forwarded_for=None):
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client.post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "client_id": partner.client_id,
            "client_secret": "a guess",
        },
        **headers,
    )


def test_rotating_x_forwarded_for_does_not_escape_the_token_endpoints_limit(client, acme, settings):
    settings.LENDPORTAL_API_TOKEN_RATE = "3/min"

    answers = [_token(client, acme, f"198.51.100.{n}").status_code for n in range(1, 6)]

    assert answers == [401, 401, 401, 429, 429]


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(client, acme, settings):
    settings.LENDPORTAL_API_TOKEN_RATE = "2/min"
    settings.LENDPORTAL_TRUSTED_PROXY_COUNT = 1

    # The client writes whatever it likes before the address our proxy appends.
    guesser = [_token(client, acme, f"10.0.0.{n}, 203.0.113.9").status_code for n in range(3)]
    neighbour = _token(client, acme, "203.0.113.10")

    assert guesser == [401, 401, 429]
    assert neighbour.status_code == 401
