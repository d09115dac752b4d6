"""Idempotency records: in flight is 409 at once, retention and the purge task."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from loans.api.models import IdempotencyRecord
from loans.api.services.idempotency import _try_lock, idempotency_records_purge
from loans.api.tasks import idempotency_records_purge as purge_task
from loans.servicing.models import Repayment
from tests.factories.api import api_partner, assert_error, business_date_set, partner_loan


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_key_is_in_flight_is_409_without_waiting():
    business_date_set()
    partner = api_partner()
    loan = partner_loan(partner.partner)
    holding, release = threading.Event(), threading.Event()

    def first_request_in_flight() -> None:
        # Another process is inside the first request with this key: it holds the key's lock.
        with transaction.atomic():
            assert _try_lock(partner.partner.pk, "busy")
            holding.set()
            release.wait(timeout=30)
        connections.close_all()

    thread = threading.Thread(target=first_request_in_flight)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner.token}")
        response = client.post(
            f"/api/v1/loans/{loan.pk}/repayments",
            {"amount": "100.00"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="busy",
        )
    finally:
        release.set()
        thread.join()

    assert_error(response, 409, "idempotency_key_in_flight")
    assert not Repayment.objects.exists()


@pytest.mark.django_db
def test_purge_keeps_records_younger_than_the_retention(settings):
    partner = api_partner().partner
    now = timezone.now()
    for key, age in (("old", timedelta(hours=49)), ("young", timedelta(hours=23))):
        record = IdempotencyRecord.objects.create(
            partner=partner,
            key=key,
            request_method="POST",
            request_path="/api/v1/quotes",
            request_hash="0" * 64,
            response_status=200,
            response_body={},
        )
        IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=now - age)

    assert purge_task() == 1

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]
    with pytest.raises(ValueError, match="24 hours"):
        idempotency_records_purge(now=now, retention=timedelta(hours=23))
