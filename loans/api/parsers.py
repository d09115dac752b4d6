"""The partner API's JSON parser: malformed, deeply nested or oversized bodies are 4xx.

DRF's JSONParser turns only ``ValueError`` into a 400. A body of 100,000 ``[`` makes Python's
decoder raise ``RecursionError`` instead, which reached the client as a 500; a body nested a few
hundred levels deep parses, then overflows the stack later (hashing it for the idempotency
record, flattening its errors). No request of this API nests deeper than a few levels, so
anything beyond ``MAX_DEPTH`` is refused as unparseable. Bodies larger than Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` are refused before parsing (413, ``loans.api.errors``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The deepest request body is 3 levels (a loan's contract); 32 leaves room for any client.
MAX_DEPTH = 32


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser, with too deep a nesting refused as a parse error (400)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error: the body is nested too deeply.")) from None
        if _nested_deeper_than(data, MAX_DEPTH):
            raise ParseError(
                _("JSON parse error: the body is nested more than %(depth)s levels deep.")
                % {"depth": MAX_DEPTH}
            )
        return data


def _nested_deeper_than(data: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than ``limit`` levels (iterative: no recursion)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        children: Iterable[Any]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
