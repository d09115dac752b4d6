"""Production settings: secrets only from the environment, and `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "lendportal.settings.production",
    "DJANGO_SECRET_KEY": "k3J9x!vQ2m#Lr8pZt6wY1nB4cF7hD0sG5aE-uR_oI@jK2lM9qW3eT8yU6",
    "DJANGO_ALLOWED_HOSTS": "lend.example.com",
    "DATABASE_URL": "postgresql://lend@db.example.com:5432/lendportal",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
    "FIELD_ENCRYPTION_KEYS": "u0nJ3gWq8Ck5m2sQy7Lr1Vb4Xt9Pz6Ha0Ee3Dd8Ff2A=",
    "LOOKUP_HASH_KEY": "f6b1c0e8a7d94e3bb2a5c1d8e9f0a7b6",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_its_secrets() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_a_weak_secret_key() -> None:
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})

    assert result.returncode != 0
    assert "long random string" in result.stderr


def test_production_cookies_are_secure_and_pages_carry_a_csp() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "'lendportal.security.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE, "
        "\"script-src 'self';\" in s.LENDPORTAL_CSP, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL)"
    )

    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "https",
    ]
