"""The partner API's published description (issue #16, hole 5b): the OpenAPI schema's OAuth2
flow, the scopes of each operation, examples valid against the schema, descriptions in a
partner's terms, the docs pages under the site's CSP, the guide, the default language."""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime
from typing import Any

import pytest
from jsonschema import (  # type: ignore[import-untyped]  # no stubs installed
    Draft202012Validator,
    FormatChecker,
)

from loans.api.operations import OPERATIONS
from tests.factories.api import api_partner, assert_error

pytestmark = pytest.mark.django_db

OPENAPI = "application/vnd.oai.openapi+json"

SCOPES = {
    ("POST", "/api/v1/quotes"): ["quotes"],
    ("POST", "/api/v1/borrowers"): ["borrowers"],
    ("GET", "/api/v1/borrowers/{borrower_id}"): ["borrowers"],
    ("GET", "/api/v1/borrowers/{borrower_id}/card-binding"): ["borrowers"],
    ("POST", "/api/v1/borrowers/{borrower_id}/card-binding"): ["borrowers"],
    ("DELETE", "/api/v1/borrowers/{borrower_id}/card-binding"): ["borrowers"],
    ("POST", "/api/v1/credit-applications"): ["credit"],
    ("GET", "/api/v1/credit-applications/{application_id}"): ["credit"],
    ("GET", "/api/v1/loans"): ["loans:read"],
    ("POST", "/api/v1/loans"): ["loans:write"],
    ("GET", "/api/v1/loans/{loan_id}"): ["loans:read"],
    ("GET", "/api/v1/loans/{loan_id}/schedule"): ["loans:read"],
    ("GET", "/api/v1/loans/{loan_id}/transactions"): ["loans:read"],
    ("GET", "/api/v1/loans/{loan_id}/payoff-quote"): ["loans:read"],
    ("POST", "/api/v1/loans/{loan_id}/repayments"): ["repayments"],
    ("GET", "/api/v1/webhooks"): ["webhooks"],
    ("POST", "/api/v1/webhooks"): ["webhooks"],
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): ["webhooks"],
    ("GET", "/api/v1/webhooks/deliveries"): ["webhooks"],
    ("POST", "/api/v1/webhooks/deliveries/{delivery_id}/replay"): ["webhooks"],
    ("GET", "/api/v1/events"): ["events"],
    ("GET", "/api/v1/borrowers/{borrower_id}/revolving-account"): ["orders:read"],
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account"): ["orders:write"],
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account/close"): ["orders:write"],
    ("GET", "/api/v1/borrowers/{borrower_id}/revolving-account/statements"): ["orders:read"],
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account/payments"): ["repayments"],
    ("GET", "/api/v1/borrowers/{borrower_id}/revolving-account/bill-installments/quote"): [
        "orders:read"
    ],
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account/bill-installments"): [
        "orders:write"
    ],
    ("GET", "/api/v1/borrowers/{borrower_id}/revolving-account/plans"): ["orders:read"],
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account/credit-refunds"): ["repayments"],
    ("GET", "/api/v1/orders"): ["orders:read"],
    ("POST", "/api/v1/orders"): ["orders:write"],
    ("GET", "/api/v1/orders/{order_id}"): ["orders:read"],
    ("GET", "/api/v1/orders/{order_id}/refunds"): ["orders:read"],
    ("POST", "/api/v1/orders/{order_id}/refunds"): ["orders:write"],
}


@pytest.fixture
def schema(client) -> dict[str, Any]:
    response = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI)
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_the_oauth2_scheme_has_the_client_credentials_flow_token_url_and_scopes(schema, settings):
    scheme = schema["components"]["securitySchemes"]["oauth2"]

    assert scheme["type"] == "oauth2"
    assert scheme["flows"] == {
        "clientCredentials": {"tokenUrl": "/o/token/", "scopes": settings.API_SCOPES}
    }
    assert set(settings.API_SCOPES) == {
        "quotes",
        "borrowers",
        "credit",
        "loans:read",
        "loans:write",
        "repayments",
        "webhooks",
        "events",
        "orders:read",
        "orders:write",
    }


def test_every_operation_lists_the_scopes_it_needs(schema):
    declared = {
        (method, path): operation.get("security") for method, path, operation in _operations(schema)
    }

    assert declared == {key: [{"oauth2": scopes}] for key, scopes in SCOPES.items()}


def test_the_token_url_of_the_schema_gives_a_token_by_client_credentials(client, schema):
    flow = schema["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    partner = api_partner()
    basic = base64.b64encode(f"{partner.client_id}:{partner.client_secret}".encode()).decode()

    # As Swagger UI's Authorize sends it: HTTP Basic, the scopes ticked in the form.
    response = client.post(
        flow["tokenUrl"],
        {"grant_type": "client_credentials", "scope": "loans:read quotes"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )

    assert response.status_code == 200, response.content
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "loans:read quotes"
    assert (
        client.get(
            "/api/v1/loans", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}"
        ).status_code
        == 200
    )


def test_every_operation_has_a_summary_and_a_partners_description(schema):
    for method, path, operation in _operations(schema):
        assert operation.get("summary"), (method, path)
        assert len(operation.get("description", "")) > 40, (method, path)
    assert "/api/guide/" in schema["info"]["description"]


def test_nothing_in_the_schema_cites_internal_documents_or_issues(schema, client):
    text = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI).content.decode()

    for internal in ("PRODUCT", "§", "issue #", "STYLE.md", "docs/"):
        assert internal not in text
    assert re.search(r"#\d", text) is None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_field_of_the_schema_takes_a_back_office_label_as_its_title(client, language):
    # The model fields' labels are the back office's, translated (#23); the partner's schema
    # must not take them as field or parameter titles, in whichever language it is generated.
    response = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI, HTTP_ACCEPT_LANGUAGE=language)
    schema = response.json()

    assert schema["info"]["title"] == "LendPortal partner API"
    del schema["info"]["title"]
    assert '"title"' not in json.dumps(schema)


def test_every_operation_has_example_requests_and_answers_valid_against_the_schema(schema):
    components = schema["components"]["schemas"]
    checked = 0
    for method, path, operation in _operations(schema):
        assert (method, path) in OPERATIONS
        body = operation.get("requestBody")
        if body is not None:
            media = body["content"]["application/json"]
            assert media.get("examples"), f"{method} {path}: no request example"
            for example in media["examples"].values():
                _assert_valid(example["value"], media["schema"], components, (method, path))
                checked += 1
        successes = [code for code in operation["responses"] if code.startswith("2")]
        assert successes, (method, path)
        for code, response in operation["responses"].items():
            media = response.get("content", {}).get("application/json")
            if media is None:
                assert code == "204", (method, path, code)
                continue
            if code in successes:
                assert media.get("examples"), f"{method} {path}: no example of {code}"
            for example in media.get("examples", {}).values():
                _assert_valid(example["value"], media["schema"], components, (method, path, code))
                checked += 1
    assert checked > 100


def test_an_example_that_breaks_the_schema_is_caught():
    # The checker itself: a field missing, one made up, a wrong format.
    schema = {"$ref": "#/components/schemas/Thing"}
    components = {
        "Thing": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "on": {"type": "string", "format": "date", "nullable": True},
                "at": {"type": "string", "format": "date-time"},
            },
            "required": ["id", "on", "at"],
        }
    }
    good = {"id": 1, "on": None, "at": "2026-12-01T10:00:00+08:00"}
    _assert_valid(good, schema, components, "good")
    for bad in (
        {"on": None, "at": good["at"]},
        {**good, "extra": 1},
        {**good, "on": "2026-13-01"},
        {**good, "at": "yesterday"},
    ):
        with pytest.raises(AssertionError):
            _assert_valid(bad, schema, components, "bad")


def test_swagger_ui_and_redoc_pages_load_only_our_own_scripts(client, settings):
    for url, asset in (
        ("/api/docs/", "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
        ("/api/redoc/", "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
    ):
        response = client.get(url)

        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == settings.LENDPORTAL_CSP
        html = response.content.decode()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.DOTALL)
        assert scripts, url
        for attributes, inline in scripts:
            assert inline.strip() == "", f"{url}: inline script"
            source = re.search(r'src="([^"]+)"', attributes)
            assert source is not None, attributes
            assert source.group(1).startswith("/static/"), attributes
        assert asset in html
        assert "/static/api/" in html  # the start-up script
        # Nothing from another site (no CDN, no web fonts): every address is our own.
        assert "http://" not in html
        assert "https://" not in html
        assert re.search(r'(src|href)="//', html) is None
        assert "/api/schema/" in html
        assert 'href="/api/guide/"' in html


def test_the_guide_is_docs_api_md_served_beside_the_reference(client):
    response = client.get("/api/guide/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Partner API v1</h1>" in html
    assert "Idempotency-Key" in html
    assert "<table>" in html
    # The part for LendPortal's own developers is not served.
    assert "Where the time goes" not in html
    assert 'href="/api/docs/"' in html


def test_field_errors_are_in_english_unless_accept_language_asks(client_for, acme, product):
    api = client_for(acme)

    english = api.post("/api/v1/quotes", {}, format="json")
    chinese = api.post("/api/v1/quotes", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    french = api.post("/api/v1/quotes", {}, format="json", HTTP_ACCEPT_LANGUAGE="fr-FR")

    assert_error(english, 400, "invalid")
    assert english.json()["error"]["fields"]["term"] == ["This field is required."]
    assert english["Content-Language"] == "en"
    assert chinese.json()["error"]["fields"]["term"] == ["该字段是必填项。"]
    assert chinese["Content-Language"] == "zh-hans"
    assert french.json()["error"]["fields"]["term"] == ["This field is required."]


def test_the_api_ignores_the_portals_language_cookie_and_the_portal_stays_chinese(
    client, client_for, acme, product, settings
):
    api = client_for(acme)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = api.post("/api/v1/quotes", {}, format="json")

    assert response.json()["error"]["fields"]["term"] == ["This field is required."]
    home = client.get("/")
    assert home["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in home.content.decode()


def _assert_valid(value: Any, schema: dict[str, Any], components: dict[str, Any], where: Any):
    validator = Draft202012Validator(_json_schema(schema, components), format_checker=_FORMATS)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
    assert errors == [], where


_FORMATS = FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


def _json_schema(schema: Any, components: dict[str, Any]) -> Any:
    """OpenAPI 3.0 → JSON Schema: references inlined, ``nullable`` as a null type, and objects
    closed (an example may not carry a field the schema does not have)."""
    if "$ref" in schema:
        return _json_schema(components[schema["$ref"].rsplit("/", 1)[1]], components)
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            converted[key] = {name: _json_schema(s, components) for name, s in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            converted[key] = _json_schema(value, components)
        elif key in ("allOf", "anyOf", "oneOf"):
            converted[key] = [_json_schema(s, components) for s in value]
        elif key not in ("nullable", "readOnly", "writeOnly", "example", "description"):
            converted[key] = value
    if converted.get("type") == "object" and "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if schema.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted
