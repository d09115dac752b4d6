"""The OAuth2 token endpoint with a rate limit per client address.

django-oauth-toolkit's TokenView is a plain Django view, outside DRF's throttling, so a guessed
client secret could be tried without limit. Each address may ask ``LENDPORTAL_API_TOKEN_RATE``
times (tokens live for hours; a partner needs a few a day), counted like the API's own limits
(``loans.api.throttling.window_allows``); beyond it the answer is 429 with the error body of
PRODUCT §7 and a Retry-After header, and the secret is not even checked.

The address is the connection's (``REMOTE_ADDR``), or, behind ``LENDPORTAL_TRUSTED_PROXY_COUNT``
reverse proxies, the one the outermost of them saw (``loans.api.throttling.client_address``): a
client rotating its own ``X-Forwarded-For`` header is still one address.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider.views import TokenView

from loans.api.errors import TOO_LARGE, error_body
from loans.api.throttling import WindowThrottle, client_address


class TokenRateThrottle(WindowThrottle):
    """A fixed window per client address (``client_address``)."""

    def __init__(self) -> None:
        self.rate = settings.LENDPORTAL_API_TOKEN_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return f"api-throttle:token:{client_address(request)}"


class ThrottledTokenView(TokenView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = TokenRateThrottle()
        if throttle.allow_request(request, self):
            try:
                return super().post(request, *args, **kwargs)
            except RequestDataTooBig:
                body = error_body("request_too_large", str(TOO_LARGE))
                return JsonResponse(body, status=413)
        wait = math.ceil(throttle.wait() or 1)
        body = error_body("throttled", f"Too many token requests; try again in {wait} seconds.")
        response = JsonResponse(body, status=429)
        response["Retry-After"] = str(wait)
        return response
