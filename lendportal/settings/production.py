"""Production settings. Refuses to start without its secrets and services in the environment."""

import os

from cryptography.fernet import Fernet, MultiFernet
from django.core.exceptions import ImproperlyConfigured

REQUIRED = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "FIELD_ENCRYPTION_KEYS",
    "LOOKUP_HASH_KEY",
)
_missing = [name for name in REQUIRED if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

from lendportal.settings.base import *  # noqa: E402, F403
from lendportal.settings.base import (  # noqa: E402
    LENDPORTAL_FIELD_ENCRYPTION_KEYS,
    LENDPORTAL_WEBHOOK_ALLOW_HTTP,
    PUBLISHED_DEVELOPMENT_SECRETS,
    SECRET_KEY,
)
from lendportal.settings.database import database_conn_max_age  # noqa: E402
from lendportal.settings.logs import logging_config  # noqa: E402


def _published(name: str, value: str) -> bool:
    """The variable holds base.py's development value (for the key list: as any of its keys)."""
    published = PUBLISHED_DEVELOPMENT_SECRETS[name]
    if name == "FIELD_ENCRYPTION_KEYS":
        return published in [key.strip() for key in value.split(",")]
    return value.strip() == published


# Anyone can read base.py: its development secrets would encrypt identity numbers and TOTP
# secrets with a public key, and sign sessions with a public secret (issue #16).
for _name in PUBLISHED_DEVELOPMENT_SECRETS:
    if _published(_name, os.environ[_name]):
        raise ImproperlyConfigured(
            f"{_name} is the development value published in lendportal/settings/base.py: "
            "set a secret of this deployment's own."
        )
try:
    MultiFernet([Fernet(key) for key in LENDPORTAL_FIELD_ENCRYPTION_KEYS])
except ValueError as error:  # binascii.Error included
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
        "comma-separated, the newest first."
    ) from error

if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a long random string (50+ characters).")

# Partners' events carry personal and money data: plain http is for a developer's own machine.
if LENDPORTAL_WEBHOOK_ALLOW_HTTP:
    raise ImproperlyConfigured(
        "LENDPORTAL_WEBHOOK_ALLOW_HTTP is for development: production sends webhooks over https."
    )

DEBUG = False
# One JSON object per log line for the log pipeline, unless LOG_FORMAT says plain (#21).
LOGGING = logging_config(os.environ.get("LOG_FORMAT") or "json")
# Hashed, compressed static files, served by WhiteNoise after `manage.py collectstatic`.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# /healthz is probed by the load balancer, /metrics scraped by Prometheus, over plain HTTP
# inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
for _database in DATABASES.values():  # noqa: F405 (0 with DATABASE_POOL_MAX_SIZE, docs/scaling.md)
    _database["CONN_MAX_AGE"] = database_conn_max_age(default=60)
