"""The OpenAPI schema: every operation documents the error body of each 4xx it may answer."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class BearerTokenScheme(DjangoOAuthToolkitScheme):
    """The OAuth2 security scheme of DOT, for its faster stand-in (loans.api.authentication)."""

    target_class = "loans.api.authentication.BearerTokenAuthentication"


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]  # the error body's field (§7)
        child=serializers.ListField(child=serializers.CharField())
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Every authorised operation may answer these; POSTs also 409/422 (idempotency, refusals).
COMMON_ERRORS = ("400", "401", "403", "404", "429")
WRITE_ERRORS = ("409", "422")


class PartnerAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            required = bool(getattr(self.view, "idempotency_key_required", False))
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=required,
                    description=(
                        "Your unique id of this request (at most 255 characters): the same key "
                        "and body replays the first response; kept at least 24 hours."
                    ),
                )
            )
        return parameters

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = dict(super()._get_response_bodies(direction))
        codes = COMMON_ERRORS + (WRITE_ERRORS if self.method in ("POST", "DELETE") else ())
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses
