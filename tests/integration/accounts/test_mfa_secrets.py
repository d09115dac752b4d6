"""TOTP secrets and recovery-code seeds are stored encrypted (issue #16, item 6).

allauth keeps an authenticator's secret in ``mfa_authenticator.data``; read from a backup or by
anyone with SELECT on the table, a clear secret gives every future code. The MFA adapter
(accounts/mfa.py) encrypts it with the personal-data keys (accounts/crypto.py), and migration
0008 encrypts the authenticators made before it.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import crypto
from accounts.models import User
from tests.factories.accounts import totp_code, totp_enable

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
migration = importlib.import_module("accounts.migrations.0008_mfa_secrets_encrypted")


def stored(authenticator_id: int) -> str:
    """The row's data as PostgreSQL holds it (what a backup or a SELECT shows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE id = %s", [authenticator_id])
        return str(cursor.fetchone()[0])


def user(username: str = "wang.fang") -> User:
    return User.objects.create_user(username=username, email=f"{username}@example.com")


def test_a_totp_secret_is_stored_encrypted_and_still_checks_codes():
    secret = totp_enable(user())

    row = Authenticator.objects.get(type=Authenticator.Type.TOTP)

    assert secret not in stored(row.pk)
    assert crypto.decrypt(row.data["secret"]) == secret
    assert TOTP(row).validate_code(totp_code(secret)) is True


def test_a_recovery_code_seed_is_stored_encrypted_and_its_codes_still_work():
    codes = RecoveryCodes.activate(user())
    row = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES)
    seed = crypto.decrypt(row.data["seed"])
    unused = codes.get_unused_codes()

    assert seed not in stored(row.pk)
    assert not any(code in stored(row.pk) for code in unused)
    assert RecoveryCodes(row).validate_code(unused[0]) is True
    assert RecoveryCodes(row).validate_code(unused[0]) is False  # used up
    assert len(RecoveryCodes(Authenticator.objects.get(pk=row.pk)).get_unused_codes()) == 9


def test_sign_in_with_a_totp_code_works_with_the_encrypted_secret():
    member = User.objects.create_user("li.lei", "li.lei@example.com", PASSWORD)
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    secret = totp_enable(member)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    first = client.post(reverse("account_login"), {"login": "li.lei", "password": PASSWORD})
    code = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert first["Location"] == reverse("mfa_authenticate")
    assert code.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


# --- migration 0008: the authenticators made before it -------------------------------------

PLAIN_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PLAIN_SEED = "5f" * 40
PLAIN_MIGRATED = ["12345678", "87654321"]


def plain_authenticators() -> tuple[Authenticator, Authenticator]:
    """Rows as allauth wrote them before the adapter encrypted: data set directly."""
    totp = Authenticator.objects.create(
        user=user("zhao.min"), type=Authenticator.Type.TOTP, data={"secret": PLAIN_TOTP}
    )
    recovery = Authenticator.objects.create(
        user=user("sun.li"),
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": PLAIN_SEED, "used_mask": 5, "migrated_codes": PLAIN_MIGRATED},
    )
    return totp, recovery


def data_of(row: Authenticator) -> dict[str, Any]:
    return dict(Authenticator.objects.get(pk=row.pk).data)


def test_the_migration_encrypts_existing_secrets_seeds_and_migrated_codes():
    totp, recovery = plain_authenticators()

    migration.secrets_encrypt(apps, None)

    after = [data_of(totp), data_of(recovery)]
    text = stored(totp.pk) + stored(recovery.pk)
    for plain in (PLAIN_TOTP, PLAIN_SEED, *PLAIN_MIGRATED):
        assert plain not in text
    assert crypto.decrypt(after[0]["secret"]) == PLAIN_TOTP
    assert crypto.decrypt(after[1]["seed"]) == PLAIN_SEED
    assert [crypto.decrypt(c) for c in after[1]["migrated_codes"]] == PLAIN_MIGRATED
    assert after[1]["used_mask"] == 5
    # Through allauth: the old codes still validate.
    assert TOTP(Authenticator.objects.get(pk=totp.pk)).validate_code(totp_code(PLAIN_TOTP))
    assert RecoveryCodes(Authenticator.objects.get(pk=recovery.pk)).get_unused_codes() == (
        PLAIN_MIGRATED
    )


def test_the_migration_run_twice_changes_nothing_the_second_time():
    totp, recovery = plain_authenticators()
    migration.secrets_encrypt(apps, None)
    once = [json.dumps(data_of(totp)), json.dumps(data_of(recovery))]

    migration.secrets_encrypt(apps, None)

    assert [json.dumps(data_of(totp)), json.dumps(data_of(recovery))] == once


def test_the_migration_reversed_gives_back_the_clear_data():
    totp, recovery = plain_authenticators()
    migration.secrets_encrypt(apps, None)

    migration.secrets_decrypt(apps, None)

    assert data_of(totp) == {"secret": PLAIN_TOTP}
    assert data_of(recovery) == {
        "seed": PLAIN_SEED,
        "used_mask": 5,
        "migrated_codes": PLAIN_MIGRATED,
    }
