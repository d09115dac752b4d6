"""What every operation's entry is made of, and the refusals many operations share.

The tables are beside this module (lending, revolving); the package joins them. What the
OpenAPI schema tells a partner about each operation: a summary, a description in
the partner's terms, an example request and answer, and the refusals worth showing.

Keyed by (method, path) as the schema lists them; ``loans.api.schema.PartnerAutoSchema`` reads
this table, and ``tests/functional/api/test_schema_docs.py`` checks that every operation of the
schema has an entry whose examples are valid against the schema. The views' docstrings are for
LendPortal's developers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loans.api import examples as ex


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    name: str
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    summary: str
    description: str
    response: Any  # the example of the success answer (one item for a paged list)
    request: Any = None  # the example body, for operations that take one
    refusals: tuple[Refusal, ...] = field(default=())


INVALID_AMOUNT = Refusal(
    400,
    "Amount not written as money",
    ex.error(
        "invalid",
        "Some fields are not valid.",
        {
            "amount": [
                'Give the amount as a string of digits such as "916.80" '
                "(at most 2 decimals, no exponent, separator or space)."
            ]
        },
    ),
)
KEY_REQUIRED = Refusal(
    400,
    "No Idempotency-Key",
    ex.error("idempotency_key_required", "This operation needs an Idempotency-Key header."),
)
KEY_REUSED = Refusal(
    422,
    "Idempotency-Key used for another request",
    ex.error(
        "idempotency_key_reused",
        "This Idempotency-Key was used with another request; use a new key.",
    ),
)

LIST_PAGING = (
    " Paged by an opaque cursor: follow `next` until it is null; `limit` sets the page size "
    "(at most 200, default 50)."
)

_NOT_AUTHENTICATED = Refusal(
    401,
    "No valid token",
    ex.error("not_authenticated", "Authentication credentials were not provided."),
)
_SCOPE_MISSING = Refusal(
    403,
    "Scope missing",
    ex.error("permission_denied", "This token does not hold the scope this operation needs."),
)
_NOT_FOUND = Refusal(404, "Not yours or no such object", ex.error("not_found", "Not found."))
_THROTTLED = Refusal(
    429,
    "Over the rate limit",
    ex.error("throttled", "Request was throttled. Expected available in 60 seconds."),
)
_MALFORMED = Refusal(
    400,
    "Body not JSON",
    ex.error("parse_error", "JSON parse error - Expecting value: line 1 column 1 (char 0)"),
)
_IN_FLIGHT = Refusal(
    409,
    "Same Idempotency-Key still running",
    ex.error(
        "idempotency_key_in_flight",
        "A request with this Idempotency-Key is still being processed; retry later.",
    ),
)


def common_refusals(method: str) -> tuple[Refusal, ...]:
    """Refusals any operation of ``method`` may answer, shown unless it has its own example."""
    common = (_NOT_AUTHENTICATED, _SCOPE_MISSING, _NOT_FOUND, _THROTTLED)
    if method == "POST":
        return (_MALFORMED, *common, _IN_FLIGHT, KEY_REUSED)
    return common
