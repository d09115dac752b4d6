"""Models of origination: products, credit applications, payouts."""

from loans.origination.models.credit import ApplicationStatus, CreditApplication
from loans.origination.models.payouts import Payout, PayoutFailureCode, PayoutStatus
from loans.origination.models.products import LoanProduct

__all__ = [
    "ApplicationStatus",
    "CreditApplication",
    "LoanProduct",
    "Payout",
    "PayoutFailureCode",
    "PayoutStatus",
]
