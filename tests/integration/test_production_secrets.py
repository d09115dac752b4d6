"""Production refuses the development secrets that base.py publishes (issue #16, item 6).

Anyone can read base.py's defaults: a production that started with them would encrypt identity
numbers and TOTP secrets with a public key and sign sessions with a public secret.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lendportal.settings.base import PUBLISHED_DEVELOPMENT_SECRETS
from tests.integration.test_settings import PRODUCTION_ENV, ROOT

OTHER_FERNET_KEY = "3q0yKk1qgQ5b1c6Y8m0Vt2Zr4Ws6Xu8Ai0Bk2Cm4Do8="


def production_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the production settings in a fresh interpreter with exactly ``env``'s secrets."""
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "-c", "import lendportal.settings.production"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_base_publishes_its_development_secrets_in_one_place():
    assert set(PUBLISHED_DEVELOPMENT_SECRETS) == {
        "DJANGO_SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "LOOKUP_HASH_KEY",
    }


def test_production_starts_with_secrets_of_its_own():
    result = production_settings(PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["FIELD_ENCRYPTION_KEYS", "LOOKUP_HASH_KEY"])
def test_production_refuses_to_start_without_a_key(name: str):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != name}

    result = production_settings(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


@pytest.mark.parametrize("name", sorted(PUBLISHED_DEVELOPMENT_SECRETS))
def test_production_refuses_the_published_development_value(name: str):
    env = {**PRODUCTION_ENV, name: PUBLISHED_DEVELOPMENT_SECRETS[name]}

    result = production_settings(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} is the development value published in lendportal/settings/base.py" in (
        result.stderr
    )


def test_production_refuses_the_published_key_among_rotated_keys():
    published = PUBLISHED_DEVELOPMENT_SECRETS["FIELD_ENCRYPTION_KEYS"]
    env = {**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": f"{OTHER_FERNET_KEY}, {published}"}

    result = production_settings(env)

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is the development value" in result.stderr


def test_production_refuses_an_encryption_key_that_is_not_a_fernet_key():
    env = {**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": f"{OTHER_FERNET_KEY},not-a-key"}

    result = production_settings(env)

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be Fernet keys" in result.stderr


def test_production_refuses_plain_http_webhooks():
    result = production_settings({**PRODUCTION_ENV, "LENDPORTAL_WEBHOOK_ALLOW_HTTP": "1"})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "LENDPORTAL_WEBHOOK_ALLOW_HTTP" in result.stderr
