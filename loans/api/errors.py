"""One exception handler: every refusal becomes the error body of PRODUCT §7.

``{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}`` with a 4xx status.
Domain refusals (LendingError) are 422 with their own code; field errors 400; bad input never
reaches a 500 (a value PostgreSQL cannot store is a 400 too).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from loans.api.services.idempotency import IdempotencyKeyInFlight
from loans.errors import LendingError
from loans.revolving.services.orders import OrderConflict
from loans.revolving.services.payments import RevolvingPaymentDuplicate
from loans.revolving.services.refunds import RefundConflict
from loans.servicing.services.repayments import RepaymentReferenceDuplicate

# Refusals whose status is not 422.
STATUS_BY_ERROR: dict[type[LendingError], int] = {
    IdempotencyKeyInFlight: 409,
    RepaymentReferenceDuplicate: 409,
    OrderConflict: 409,
    RefundConflict: 409,
    RevolvingPaymentDuplicate: 409,
}

# Model and service argument names → the API's field names (PRODUCT §7 request bodies).
FIELD_NAMES = {
    "full_name": "name",
    "monthly_income_amount": "monthly_income",
    "monthly_debt_payments_amount": "monthly_debt_payments",
    NON_FIELD_ERRORS: "non_field_errors",
}


TOO_LARGE = _("The request body is too large.")


class ApiError(exceptions.APIException):
    """A refusal of the API layer itself, with its own status and code."""

    def __init__(self, *, status_code: int, code: str, message: str) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → {"contract.version": ["..."]}."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for name, value in detail.items():
            key = FIELD_NAMES.get(str(name), str(name))
            fields.update(_flatten(value, f"{prefix}{key}."))
        return fields
    if isinstance(detail, list) and detail and all(isinstance(d, dict) for d in detail):
        fields = {}
        for index, value in enumerate(detail):
            fields.update(_flatten(value, f"{prefix}{index}."))
        return fields
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix.rstrip(".") or "non_field_errors": [str(m) for m in messages]}


def _django_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            FIELD_NAMES.get(name, name): [str(m) for e in errors for m in e.messages]
            for name, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def _response(status_code: int, body: dict[str, Any], headers: Any = None) -> Response:
    return Response(body, status=status_code, headers=headers)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map every exception of a view to the §7 error body; None (a 500) only for bugs."""
    if isinstance(exc, LendingError):
        body = error_body(exc.code, str(exc))
        if isinstance(exc, RepaymentReferenceDuplicate):
            body["error"]["repayment"] = exc.repayment_id  # the one already posted
        return _response(STATUS_BY_ERROR.get(type(exc), 422), body)
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before it is parsed.
        return _response(413, error_body("request_too_large", str(TOO_LARGE)))
    if isinstance(exc, DjangoValidationError):
        fields = _django_fields(exc)
        return _response(400, error_body("invalid", "Some fields are not valid.", fields))
    if isinstance(exc, DataError):
        return _response(400, error_body("invalid", "A value is out of range or malformed."))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return None
    return _response(response.status_code, _body_for(exc), headers=_headers(response))


def _headers(response: Response) -> dict[str, str]:
    return {
        name: response[name]
        for name in ("WWW-Authenticate", "Retry-After", "Allow")
        if response.has_header(name)
    }


def _body_for(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, ApiError):
        return error_body(exc.error_code, str(exc.detail))
    if isinstance(exc, exceptions.ValidationError):
        return error_body("invalid", "Some fields are not valid.", _flatten(exc.detail))
    if isinstance(exc, exceptions.Throttled):
        return error_body("throttled", str(exc.detail))
    code = exc.get_codes() if not isinstance(exc.detail, dict | list) else exc.default_code
    return error_body(str(code), str(exc.detail))
