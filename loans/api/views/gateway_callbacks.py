"""The payment gateway's signed callback: ``POST /api/v1/gateway/callbacks`` (PRODUCT §11).

Not a partner operation: no OAuth token, the signature is the authentication. The header
``X-Gateway-Signature`` is checked by ``gateway().callback_verify`` on the raw body before the
body is parsed: a missing or wrong signature is 403 and nothing is read or done. Then malformed
JSON is 400, a key we never made 404, and otherwise 200 ``{"status": "recorded"}``, the same
for a replay (the outcome services record an outcome once). CSRF-exempt (DRF's ``APIView``),
throttled per client address, and left out of the partner OpenAPI schema on purpose: partners
never call it, and its authentication is not theirs (docs/rails.md "Gateway callbacks"). Logs
carry the kind and our ids, never the body.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.errors import ApiError
from loans.api.throttling import WindowThrottle, client_address
from loans.payments.gateway import gateway
from loans.payments.settlement.callbacks import (
    CHARGE_CALLBACK_OUTCOMES,
    PAYOUT_CALLBACK_OUTCOMES,
    CallbackKeyUnknown,
    CallbackKind,
    gateway_callback_record,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Gateway-Signature"
DEFAULT_RATE = "6000/min"


class GatewayCallbackThrottle(WindowThrottle):
    """A fixed window per client address (``LENDPORTAL_GATEWAY_CALLBACK_RATE``)."""

    def __init__(self) -> None:
        self.rate = getattr(settings, "LENDPORTAL_GATEWAY_CALLBACK_RATE", DEFAULT_RATE)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return f"api-throttle:gateway-callback:{client_address(request)}"


class GatewayCallbackApi(APIView):
    """Record what the gateway reports of a charge or a payout, once."""

    authentication_classes = []  # the signature is the authentication
    permission_classes = [AllowAny]
    throttle_classes = [GatewayCallbackThrottle]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=[k.value for k in CallbackKind])
        key = serializers.CharField(max_length=100)
        outcome = serializers.CharField(max_length=20)
        gateway_reference = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default=""
        )
        failure_code = serializers.CharField(
            max_length=16, required=False, allow_blank=True, default=""
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            allowed = (
                CHARGE_CALLBACK_OUTCOMES
                if attrs["kind"] == CallbackKind.CHARGE
                else PAYOUT_CALLBACK_OUTCOMES
            )
            if attrs["outcome"] not in allowed:
                raise serializers.ValidationError(
                    {"outcome": [f"One of {', '.join(allowed)} for {attrs['kind']}."]}
                )
            return attrs

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        body: bytes = request.body  # the raw bytes, read before anything parses them
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not gateway().callback_verify(body=body, signature=signature):
            logger.warning("gateway callback refused: bad or missing signature")
            raise ApiError(
                status_code=403,
                code="signature_invalid",
                message="The callback's signature does not match its body.",
            )
        serializer = self.InputSerializer(data=_json_object(body))
        serializer.is_valid(raise_exception=True)
        try:
            gateway_callback_record(**serializer.validated_data)
        except CallbackKeyUnknown as error:
            raise NotFound(str(error)) from error
        return Response({"status": "recorded"})


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ParseError("The body is not JSON.") from error
    if not isinstance(data, dict):
        raise ParseError("The body must be a JSON object.")
    return data
