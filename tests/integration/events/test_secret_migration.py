"""Migration events 0003 (issue #16, hole 6): the secrets made before it are encrypted.

The migration runs for real, back and forth, as the tables' owner (tests/database.py): a
subscription written with a clear secret at 0002 keeps that secret, now encrypted, and its
deliveries still verify with it; reversed, the clear column comes back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from standardwebhooks.webhooks import Webhook

from accounts.crypto import decrypt
from loans.events.models import WebhookSubscription
from loans.events.services.webhooks import (
    PostResult,
    webhook_deliveries_send,
    webhook_secret,
)
from tests.database import owner_connection
from tests.factories.api import api_partner, business_date_set, partner_loan

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("events", "0002_initial")
AFTER = ("events", "0003_webhook_secrets_encrypted")
SECRET_BEFORE_16 = "whsec_" + "0a1b2c3d4e5f6789" * 3


def _migrate(owner: BaseDatabaseWrapper, target: tuple[str, str]) -> None:
    MigrationExecutor(owner).migrate([target])


def _migrate_to_latest(owner: BaseDatabaseWrapper) -> None:
    executor = MigrationExecutor(owner)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _columns(owner: BaseDatabaseWrapper, table: str) -> set[str]:
    with owner.cursor() as cursor:
        return {c.name for c in owner.introspection.get_table_description(cursor, table)}


@pytest.fixture
def owner() -> Iterator[BaseDatabaseWrapper]:
    """The owner's connection; the schema is migrated to the end again afterwards."""
    with owner_connection() as owner:
        with owner.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")
        try:
            yield owner
        finally:
            _migrate_to_latest(owner)


def _subscription_before(owner, partner) -> int:
    """A subscription as the schema before events 0003 stored it: the secret in clear."""
    _migrate(owner, BEFORE)
    with owner.cursor() as cursor:
        cursor.execute(
            "INSERT INTO loans_webhooksubscription"
            " (partner_id, url, secret, event_types, is_active, created_at)"
            " VALUES (%s, 'https://shop.example/h', %s, '[]', true, now()) RETURNING id",
            [partner.pk, SECRET_BEFORE_16],
        )
        (subscription_id,) = cursor.fetchone()
    return int(subscription_id)


def test_secrets_made_before_are_encrypted_and_still_sign(owner, settings):
    settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = True
    business_date_set()
    partner = api_partner().partner
    subscription_id = _subscription_before(owner, partner)

    _migrate(owner, AFTER)

    assert "secret" not in _columns(owner, "loans_webhooksubscription")
    assert "leased_until" not in _columns(owner, "loans_webhookdelivery")
    with owner.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(s)::text, s.secret_ciphertext FROM loans_webhooksubscription s"
            " WHERE s.id = %s",
            [subscription_id],
        )
        row, ciphertext = cursor.fetchone()
    assert SECRET_BEFORE_16.removeprefix("whsec_") not in row
    assert decrypt(ciphertext) == SECRET_BEFORE_16
    _migrate_to_latest(owner)  # today's code, on the rows the migration wrote
    subscription = WebhookSubscription.objects.get(pk=subscription_id)
    assert webhook_secret(subscription=subscription) == SECRET_BEFORE_16
    partner_loan(partner)
    sent: list[tuple[bytes, dict[str, str]]] = []

    def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
        sent.append((body, headers))
        return PostResult(status_code=200)

    assert webhook_deliveries_send(post=post) == 1
    body, headers = sent[0]
    assert Webhook(SECRET_BEFORE_16).verify(body, headers)


def test_the_migration_reversed_gives_the_clear_secret_back(owner):
    business_date_set()
    partner = api_partner().partner
    subscription_id = _subscription_before(owner, partner)
    _migrate(owner, AFTER)

    _migrate(owner, BEFORE)

    assert "secret_ciphertext" not in _columns(owner, "loans_webhooksubscription")
    with owner.cursor() as cursor:
        cursor.execute(
            "SELECT secret FROM loans_webhooksubscription WHERE id = %s", [subscription_id]
        )
        assert cursor.fetchone() == (SECRET_BEFORE_16,)
