"""Rate limits per partner: one bucket per OAuth2 client and read/write (settings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class PartnerRateThrottle(SimpleRateThrottle):
    """LENDPORTAL_API_THROTTLE_RATES["read"] for GET, ["write"] for the rest, per client.

    Rates are read per request (not at import), so settings overrides apply in tests. The key
    uses the client id, random per client, so counters never carry over to a new partner.
    """

    def __init__(self) -> None:
        # SimpleRateThrottle reads its rate here from a scope; this one chooses per request.
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = "read" if request.method in SAFE_METHODS else "write"
        self.rate = settings.LENDPORTAL_API_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return bool(super().allow_request(request, view))

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if token is None or not hasattr(token, "application"):
            return None
        return f"api-throttle:{token.application.client_id}:{self.scope}"
