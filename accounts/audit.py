"""The audit trail (#6): one call records a staff action or a setting change.

Call ``audit_record`` inside the transaction of the change it describes, so the change and its
record commit or roll back together. Pass only non-personal details: ids, amounts, field names,
reason codes. ``audit_details_check`` refuses values that look like an identity number, a card
number or a mobile, so a careless caller fails in tests rather than leaking into the trail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import models

from accounts.models import AuditEvent, User

# 11+ digits in a row (mobiles, card numbers) or an 18-character identity number.
_PERSONAL = re.compile(r"\d{11,}|\d{17}[\dXx]")


class PersonalDataInAudit(ValueError):
    """An audit detail looks like personal data in clear text."""


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``; raise PersonalDataInAudit on leaks."""
    event = _event(actor, action, type(target), target.pk, details or {})
    event.save()
    return event


def audit_record_many(
    *,
    actor: User | None,
    action: str,
    model: type[models.Model],
    details_by_id: Mapping[Any, Mapping[str, Any]],
) -> None:
    """Record ``action`` on many targets of one model in one INSERT (``{target id: details}``)."""
    AuditEvent.objects.bulk_create(
        _event(actor, action, model, target_id, details)
        for target_id, details in details_by_id.items()
    )


def _event(
    actor: User | None,
    action: str,
    model: type[models.Model],
    target_id: Any,
    details: Mapping[str, Any],
) -> AuditEvent:
    clean = dict(details)
    audit_details_check(clean)
    return AuditEvent(
        actor=actor,
        action=action,
        target_type=model._meta.label_lower,
        target_id=str(target_id),
        details=clean,
    )


def audit_details_check(details: Mapping[str, Any]) -> None:
    """Raise PersonalDataInAudit when any value (nested) looks like personal data."""
    for value in _values(details):
        if isinstance(value, str) and _PERSONAL.search(value):
            raise PersonalDataInAudit("Audit details must not hold personal data in clear text.")


def _values(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [v for item in value.values() for v in _values(item)]
    if isinstance(value, list | tuple):
        return [v for item in value for v in _values(item)]
    return [value]
