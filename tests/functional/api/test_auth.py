"""OAuth2 client credentials, scopes per partner, create_partner (PRODUCT §7, §8)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from oauth2_provider.models import AccessToken, Application

from accounts.models import Partner
from tests.factories.api import api_partner, assert_error

pytestmark = pytest.mark.django_db

QUOTE = {"product": "CASH", "principal": "5000.00", "term": 12, "method": "EQUAL_INSTALLMENT"}


def test_create_partner_prints_credentials_for_every_scope(settings):
    out = StringIO()

    call_command("create_partner", "Acme Shop", stdout=out)

    printed = json.loads(out.getvalue())
    assert set(printed) == {"client_id", "client_secret"}
    partner = Partner.objects.get(name="Acme Shop")
    assert partner.code == "acme-shop"
    assert partner.api_scopes == list(settings.API_SCOPES)
    application = Application.objects.get(client_id=printed["client_id"])
    assert application.partner == partner
    assert application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    # Only a hash of the secret is stored.
    assert application.client_secret != printed["client_secret"]


def test_create_partner_narrows_scopes_and_refuses_unknown_ones():
    out = StringIO()
    call_command("create_partner", "Quoter", "--scopes", "quotes loans:read", stdout=out)
    assert Partner.objects.get(name="Quoter").api_scopes == ["quotes", "loans:read"]

    with pytest.raises(CommandError, match="Unknown scopes"):
        call_command("create_partner", "Bad", "--scopes", "quotes everything", stdout=StringIO())
    with pytest.raises(CommandError, match="exists"):
        call_command("create_partner", "Quoter", stdout=StringIO())
    assert not Partner.objects.filter(name="Bad").exists()


def _token(client, partner, **data):
    return client.post(
        "/o/token/",
        {"grant_type": "client_credentials", **data},
        HTTP_AUTHORIZATION=_basic(partner.client_id, partner.client_secret),
    )


def _basic(user: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_client_credentials_token_carries_the_partners_scopes(client, business_date, product):
    partner = api_partner(scopes=["quotes", "loans:read"])

    response = _token(client, partner)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert sorted(body["scope"].split()) == ["loans:read", "quotes"]
    quote = client.post(
        "/api/v1/quotes",
        QUOTE,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {body['access_token']}",
    )
    assert quote.status_code == 200


def test_a_client_cannot_obtain_a_scope_its_partner_lacks(client):
    partner = api_partner(scopes=["quotes"])

    response = _token(client, partner, scope="quotes repayments")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert not AccessToken.objects.filter(scope__contains="repayments").exists()


def test_wrong_secret_gets_no_token(client):
    partner = api_partner()
    partner.client_secret = "not-the-secret"

    assert _token(client, partner).status_code == 401


def test_no_token_is_401_with_a_bearer_challenge(client_for, business_date, product):
    response = client_for(None).post("/api/v1/quotes", QUOTE, format="json")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_invalid_token_is_401(client_for, business_date, product):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")

    assert_error(client.get("/api/v1/loans"), 401, "not_authenticated")


def test_token_without_the_scope_is_403(client_for, business_date, product):
    partner = api_partner(token_scopes=["loans:read"])

    response = client_for(partner).post("/api/v1/quotes", QUOTE, format="json")

    assert_error(response, 403, "permission_denied")


def test_deactivated_partner_is_403(client_for, business_date, product):
    partner = api_partner()
    Partner.objects.filter(pk=partner.partner.pk).update(is_active=False)

    assert_error(client_for(partner).get("/api/v1/loans"), 403, "permission_denied")


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token {token}", "Bearer {token}x"],
)
def test_other_schemes_and_malformed_bearer_headers_are_401(client_for, header):
    partner = api_partner()
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=header.format(token=partner.token))

    assert_error(client.get("/api/v1/loans"), 401, "not_authenticated")


def test_the_scheme_is_case_insensitive(client_for):
    partner = api_partner()
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"bearer {partner.token}")

    assert client.get("/api/v1/loans").status_code == 200


def test_a_token_in_the_query_string_is_never_accepted(client_for):
    """RFC 9700 §4.3.2: URLs are logged; a request carrying one is not authenticated at all."""
    partner = api_partner()

    anonymous = client_for(None).get("/api/v1/loans", {"access_token": partner.token})
    with_header = client_for(partner).get("/api/v1/loans", {"access_token": partner.token})

    assert_error(anonymous, 401, "not_authenticated")
    assert_error(with_header, 401, "not_authenticated")


def test_a_token_for_another_resource_server_is_401(client_for):
    """RFC 8707: a token restricted to other audiences is refused here."""
    partner = api_partner()
    AccessToken.objects.filter(application__partner=partner.partner).update(
        resource=["https://other.example/api/"]
    )

    response = client_for(partner).get("/api/v1/loans")

    assert_error(response, 401, "not_authenticated")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_deleted_token_is_401(client_for):
    partner = api_partner()
    AccessToken.objects.filter(application__partner=partner.partner).delete()

    assert_error(client_for(partner).get("/api/v1/loans"), 401, "not_authenticated")


def test_expired_token_is_401(client_for, business_date, product):
    from datetime import timedelta

    from django.utils import timezone

    partner = api_partner()
    AccessToken.objects.filter(application__partner=partner.partner).update(
        expires=timezone.now() - timedelta(seconds=1)
    )

    assert_error(client_for(partner).get("/api/v1/loans"), 401, "not_authenticated")


def test_token_requests_are_rate_limited_per_address(client, settings):
    settings.LENDPORTAL_API_TOKEN_RATE = "3/min"
    partner = api_partner()
    tokens = AccessToken.objects.count()

    def ask(secret: str, address: str):
        return client.post(
            "/o/token/",
            {"grant_type": "client_credentials"},
            HTTP_AUTHORIZATION=_basic(partner.client_id, secret),
            REMOTE_ADDR=address,
        )

    guesses = [ask(f"guess-{n}", "203.0.113.7").status_code for n in range(3)]
    assert guesses == [401, 401, 401]

    # Over its rate, the address is refused even with the right secret: nothing is checked.
    limited = ask(partner.client_secret, "203.0.113.7")
    assert_error(limited, 429, "throttled")
    assert int(limited["Retry-After"]) > 0
    assert AccessToken.objects.count() == tokens
    # Another address keeps its own count.
    assert ask(partner.client_secret, "203.0.113.8").status_code == 200


def test_a_web_process_remembers_a_token_and_its_partner_for_a_few_seconds(
    client_for, business_date, product, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from loans.api import auth_cache

    settings.LENDPORTAL_API_AUTH_CACHE_SECONDS = 10
    auth_cache.auth_memory_clear()
    partner = api_partner()
    client = client_for(partner)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        with CaptureQueriesContext(connection) as first:
            assert client.get("/api/v1/loans").status_code == 200
        with CaptureQueriesContext(connection) as second:
            assert client.get("/api/v1/loans").status_code == 200
        # The token and partner reads are gone the second time; the loans query remains.
        assert len(second) == len(first) - 2

        # A deactivated partner keeps working only until the memory expires.
        Partner.objects.filter(pk=partner.partner.pk).update(is_active=False)
        clock.shift(9)
        assert client.get("/api/v1/loans").status_code == 200
        clock.shift(2)
        assert_error(client.get("/api/v1/loans"), 403, "permission_denied")

        # Expiry is checked on every call: a token remembered a moment ago that expires
        # within the memory's 10 seconds is refused as soon as it expires.
        Partner.objects.filter(pk=partner.partner.pk).update(is_active=True)
        clock.shift(11)  # the memory has forgotten partner and token
        AccessToken.objects.filter(application__partner=partner.partner).update(
            expires=timezone.now() + timedelta(seconds=5)
        )
        assert client.get("/api/v1/loans").status_code == 200  # remembered again, valid
        clock.shift(6)  # within the memory's 10 seconds, past the token's expiry
        assert_error(client.get("/api/v1/loans"), 401, "not_authenticated")
    auth_cache.auth_memory_clear()
