from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories.api import ApiPartner, api_partner, business_date_set
from tests.factories.loans import ProductFactory
from tests.personal_data_in_logs import log_watch  # noqa: F401 (autouse, #21)


@pytest.fixture
def business_date(db):
    return business_date_set()


@pytest.fixture
def product(db):
    return ProductFactory.create()


@pytest.fixture
def acme(db) -> ApiPartner:
    return api_partner()


@pytest.fixture
def other(db) -> ApiPartner:
    return api_partner()


@pytest.fixture
def client_for():
    def make(partner: ApiPartner | None) -> APIClient:
        client = APIClient()
        if partner is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner.token}")
        return client

    return make


@pytest.fixture
def api(client_for, acme, business_date, product) -> APIClient:
    return client_for(acme)
