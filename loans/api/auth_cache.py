"""A few seconds' memory, per web process, of whom a bearer token belongs to (issue #7 speed).

Every API call would otherwise read its token (with the OAuth2 application) and its partner:
two of the three queries of a loan lookup. For ``LENDPORTAL_API_AUTH_CACHE_SECONDS`` (default
10; 0 turns the memory off, as the test settings do) a process reuses what it read, kept in
Django's per-process memory cache (``CACHES["api-auth"]``). The price: a revoked token or a
deactivated partner keeps working for at most that long in a process that has just seen it. A
token's expiry and scopes are still checked on every call (``is_valid`` reads the remembered
token's own ``expires`` and ``scope``). Keys are SHA-256 checksums, so the memory holds no
bearer token in clear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from oauth2_provider.oauth2_validators import OAuth2Validator

from accounts.models import Partner


def _remembered(key: str, load: Callable[[], Any]) -> Any:
    seconds = settings.LENDPORTAL_API_AUTH_CACHE_SECONDS
    if not seconds:
        return load()
    return caches["api-auth"].get_or_set(key, load, timeout=seconds)


def auth_memory_clear() -> None:
    """Forget every remembered token and partner (tests; a deploy restarts processes anyway)."""
    caches["api-auth"].clear()


class CachedOAuth2Validator(OAuth2Validator):
    """django-oauth-toolkit's validator, remembering a token's row for a few seconds."""

    def _load_access_token(self, token: str) -> Any:
        checksum = hashlib.sha256(token.encode()).hexdigest()
        load = super()._load_access_token
        return _remembered(f"token:{checksum}", lambda: load(token))


def active_partner_for_application(application_id: int) -> Partner | None:
    """The active partner of an OAuth2 application, or None (remembered a few seconds)."""

    def load() -> Partner | None:
        return (
            Partner.objects.filter(oauth_application_id=application_id, is_active=True)
            .only("id", "code", "name", "is_active")
            .first()
        )

    partner: Partner | None = _remembered(f"partner:{application_id}", load)
    return partner
