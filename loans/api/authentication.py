"""Bearer tokens of the partner API, checked by django-oauth-toolkit's validator (issue #7 speed).

DOT's DRF authentication builds, on every request, a new oauthlib server with every grant type
and an oauthlib request from the whole request (its URI, body and every header), then finds the
token type and asks the validator: about a fifth of a loan read's CPU. A resource server needs
only the last step. This class reads the ``Authorization: Bearer`` header and asks DOT's
validator directly, which keeps every check that matters (the token exists, has not expired, its
audience, its application still usable); scopes are the permission class's (PartnerHasScope).

A token in the query string is never accepted (RFC 9700 §4.3.2): the request is treated as
unauthenticated. The 401 challenge is DOT's (``authenticate_header``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OAuthRequest
from rest_framework.request import Request


@cache
def _validator() -> OAuth2Validator:
    """One validator per process (it keeps no state between requests)."""
    validator: OAuth2Validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
    return validator


class BearerTokenAuthentication(OAuth2Authentication):
    """``Authorization: Bearer <token>``, validated by DOT's validator; see the module."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if "access_token" in request.query_params:
            return None
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        # The absolute URI is the one DOT gives the validator (RFC 8707 audiences).
        checked = OAuthRequest(request.build_absolute_uri())
        if _validator().validate_bearer_token(token, [], checked):
            return checked.user, checked.access_token
        request.oauth2_error = getattr(checked, "oauth2_error", {})  # type: ignore[attr-defined]
        return None
