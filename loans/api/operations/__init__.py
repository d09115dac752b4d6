"""What the OpenAPI schema tells a partner about each operation, keyed by (method, path).

``loans.api.schema.PartnerAutoSchema`` reads ``OPERATIONS``; tests/functional/api
test_schema_docs.py checks that every operation of the schema has an entry whose examples are
valid against the schema.
"""

from loans.api.operations.base import Operation, Refusal, common_refusals
from loans.api.operations.lending import LENDING_OPERATIONS
from loans.api.operations.revolving import REVOLVING_OPERATIONS
from loans.api.operations.revolving_plans import PLAN_OPERATIONS

OPERATIONS: dict[tuple[str, str], Operation] = (
    LENDING_OPERATIONS | REVOLVING_OPERATIONS | PLAN_OPERATIONS
)

__all__ = ["OPERATIONS", "Operation", "Refusal", "common_refusals"]
