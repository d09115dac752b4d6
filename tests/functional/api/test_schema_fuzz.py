"""Schemathesis against /api/schema/ with an authorised client (issue #7).

Every operation gets a bounded number of generated requests (SCHEMATHESIS_EXAMPLES, 20 by
default) through the WSGI application; no answer may be a 5xx, and every answer must conform to
the schema (status code documented, content type, body, headers).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories.api import api_partner, business_date_set, partner_loan
from tests.factories.loans import ProductFactory

# Hypothesis makes up ids (card-length numbers among them) that Django logs as "Not Found".
pytestmark = [pytest.mark.django_db, pytest.mark.fuzzed_logs]

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def keep_connection():
    # As Django's test client does: the WSGI handler must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_connection):
    business_date_set()
    ProductFactory.create()
    partner = api_partner()
    partner_loan(partner.partner)
    return partner.token


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_conforms_and_never_fails(case, token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    case.call_and_validate(checks=CHECKS)
