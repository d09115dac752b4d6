"""The OpenAPI schema: the OAuth2 client-credentials scheme with the scopes each operation needs,
the partner-facing text and examples of every operation (``loans.api.operations``), and the
error body of each 4xx it may answer."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.urls import reverse
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from loans.api.fields import MONEY_PATTERN
from loans.api.operations import OPERATIONS, Operation, Refusal, common_refusals


class BearerTokenScheme(DjangoOAuthToolkitScheme):
    """OAuth 2.0 client credentials at /o/token/, for the API's bearer tokens.

    Each operation requires the scopes of its view (``required_scopes``, or per method
    ``required_scopes_by_method``), as ``loans.api.permissions.PartnerHasScope`` checks them.
    """

    target_class = "loans.api.authentication.BearerTokenAuthentication"

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        return {self.name: required_scopes(auto_schema.view, auto_schema.method)}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        token_url = reverse("oauth2_provider_token", urlconf=settings.ROOT_URLCONF)
        return {
            "type": "oauth2",
            "description": (
                f"Client credentials: `POST {token_url}` with your client id and secret (HTTP "
                "Basic, or `client_id` and `client_secret` in the form) and "
                "`grant_type=client_credentials`; optionally `scope=` with fewer scopes than "
                "your partner account holds. Send the `access_token` as `Authorization: "
                "Bearer <token>`; it lasts `expires_in` seconds."
            ),
            "flows": {
                "clientCredentials": {"tokenUrl": token_url, "scopes": dict(settings.API_SCOPES)}
            },
        }


def required_scopes(view: Any, method: str) -> list[str]:
    """The scopes an operation needs: the view's, or its method's when they differ."""
    by_method = getattr(view, "required_scopes_by_method", {})
    return list(by_method.get(method, getattr(view, "required_scopes", [])))


class MoneyFieldSchema(OpenApiSerializerFieldExtension):
    """An amount is a string of ASCII digits with at most two decimals (loans.api.fields)."""

    target_class = "loans.api.fields.MoneyField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "format": "decimal",
            "pattern": MONEY_PATTERN,
            "description": 'Yuan, as a string with at most two decimals: "916.80".',
        }


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: `invalid`, `not_found`, ...")
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(  # type: ignore[assignment]  # the error body's own name
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each invalid field (nested as `contract.version`) and its problems.",
    )
    repayment = serializers.IntegerField(
        required=False,
        help_text="With `duplicate_reference` only: the repayment that has the reference.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Every authorised operation may answer these; POSTs also 409/422 (idempotency, refusals).
COMMON_ERRORS = ("400", "401", "403", "404", "429")
WRITE_ERRORS = ("409", "422")
EXAMPLE_KEY = "5f0c6f7e-8d51-4c63-9d4f-0e7b2a1c3d44"
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `fields` names each field and its problems; or a malformed body.",
    "401": "No token, or an unknown, expired or revoked one.",
    "403": "The token lacks the scope, or your partner account is deactivated.",
    "404": "No such object among yours (another partner's is answered the same way).",
    "409": "A request with this Idempotency-Key is still running, or a duplicate.",
    "422": "A lending rule refused it, or the Idempotency-Key was used for another request.",
    "429": "Over your rate limit: retry after `Retry-After` seconds.",
}


class PartnerAutoSchema(AutoSchema):
    def _operation(self) -> Operation | None:
        return OPERATIONS.get((self.method, self.path))

    def _is_webhook(self) -> bool:
        """A webhook (loans.api.webhooks_schema): drf-spectacular describes it as a view at "/",
        where the partner is the server; our errors and Idempotency-Key are not its."""
        return self.path == "/"

    def get_operation_id(self) -> str:
        operation = self._operation()
        return operation.operation_id if operation else super().get_operation_id()

    def get_summary(self) -> str | None:
        operation = self._operation()
        return operation.summary if operation else None

    def get_description(self) -> str:  # type: ignore[override]
        operation = self._operation()
        return operation.description if operation else super().get_description()

    def get_examples(self) -> list[OpenApiExample]:
        operation = self._operation()
        if operation is None:
            return list(super().get_examples()) if self._is_webhook() else []
        examples = []
        if operation.request is not None:
            examples.append(OpenApiExample("Request", value=operation.request, request_only=True))
        if operation.response is not None:
            # Attached to whichever success the operation answers (one of these).
            success = ["200", "201", "202"]
            examples.append(
                OpenApiExample(
                    "Answer", value=operation.response, response_only=True, status_codes=success
                )
            )
        common = [r for r in common_refusals(self.method) if r not in operation.refusals]
        examples += [_refusal_example(r) for r in (*operation.refusals, *common)]
        return examples

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and not self._is_webhook():
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
                    examples=[OpenApiExample("A UUID", value=EXAMPLE_KEY)],
                )
            )
        return parameters

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = dict(super()._get_response_bodies(direction))
        if self._is_webhook():
            return responses
        codes = COMMON_ERRORS + (WRITE_ERRORS if self.method in ("POST", "DELETE") else ())
        for code in codes:
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(error, code)
        return responses


def _refusal_example(refusal: Refusal) -> OpenApiExample:
    return OpenApiExample(
        refusal.name, value=refusal.body, response_only=True, status_codes=[str(refusal.status)]
    )


def field_titles_drop(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Postprocessing hook: no ``title`` on the schema's fields and query parameters.

    drf-spectacular titles a field with its model field's label, which is the back office's
    wording in the language the schema happens to be generated in (Chinese by default); a
    partner reads the field's name, type and description, the same in every generation.
    """
    for component in result.get("components", {}).get("schemas", {}).values():
        for field in component.get("properties", {}).values():
            field.pop("title", None)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                parameter.get("schema", {}).pop("title", None)
    return result
