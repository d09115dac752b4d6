"""The payments app's models: portal payments, card bindings, the auto-debit run (§11)."""

from loans.payments.models.cards import CardBinding, CardBindingChannel, CardBindingStatus
from loans.payments.models.collection import (
    IN_FLIGHT,
    AttemptCancelReason,
    AttemptStatus,
    CollectionAttempt,
    CollectionRun,
    CollectionRunStatus,
)
from loans.payments.models.portal import PaymentPurpose, PaymentStatus, PortalPayment

__all__ = [
    "IN_FLIGHT",
    "AttemptCancelReason",
    "AttemptStatus",
    "CardBinding",
    "CardBindingChannel",
    "CardBindingStatus",
    "CollectionAttempt",
    "CollectionRun",
    "CollectionRunStatus",
    "PaymentPurpose",
    "PaymentStatus",
    "PortalPayment",
]
