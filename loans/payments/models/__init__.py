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
from loans.payments.models.merchant import (
    MerchantSettlement,
    MerchantSettlementDay,
    MerchantSettlementStatus,
)
from loans.payments.models.portal import PaymentPurpose, PaymentStatus, PortalPayment
from loans.payments.models.settlement import (
    DifferenceAction,
    DifferenceKind,
    DifferenceState,
    SettlementDifference,
    SettlementFile,
    SettlementKind,
    SettlementStatus,
)

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
    "DifferenceAction",
    "DifferenceKind",
    "DifferenceState",
    "MerchantSettlement",
    "MerchantSettlementDay",
    "MerchantSettlementStatus",
    "PaymentPurpose",
    "PaymentStatus",
    "PortalPayment",
    "SettlementDifference",
    "SettlementFile",
    "SettlementKind",
    "SettlementStatus",
]
