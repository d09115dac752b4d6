"""The Idempotency-Key header of PRODUCT §7, around a view's write."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from loans.api.errors import ApiError
from loans.api.permissions import request_partner
from loans.api.services.idempotency import idempotent_call
from loans.metrics import idempotency_replay_count

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255


def idempotent(request: Request, *, required: bool, perform: Callable[[], Response]) -> Response:
    """Run ``perform`` at most once per key; replay its first successful response after."""
    key = request.headers.get(HEADER, "")
    if not key:
        if required:
            raise ApiError(
                status_code=400,
                code="idempotency_key_required",
                message=f"This operation needs an {HEADER} header.",
            )
        return perform()
    if len(key) > KEY_MAX_LENGTH or not key.isprintable():
        raise ApiError(
            status_code=400,
            code="idempotency_key_invalid",
            message=f"An {HEADER} has 1 to {KEY_MAX_LENGTH} printable characters.",
        )

    def run() -> tuple[int, Any]:
        response = perform()
        return response.status_code, _json(response.data)

    result = idempotent_call(
        partner=request_partner(request),
        key=key,
        method=request.method or "POST",
        path=request.path,
        request_hash=_request_hash(request),
        perform=run,
    )
    response = Response(result.body, status=result.status)
    if result.replayed:
        response[REPLAYED_HEADER] = "true"
        idempotency_replay_count()
    return response


def _request_hash(request: Request) -> str:
    # The parsed body, so that key order and whitespace do not make another request.
    canonical = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))
