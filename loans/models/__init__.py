"""Models of the lending core: products, credit, loans and their schedule, the ledger."""

from loans.models.calendar import BusinessDate
from loans.models.credit import (
    ApplicationStatus,
    CreditApplication,
    CreditLine,
    CreditLineStatus,
)
from loans.models.ledger import (
    ACCOUNT_KINDS,
    AccountCode,
    AccountKind,
    EntryType,
    JournalEntry,
    JournalLine,
)
from loans.models.loans import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Installment,
    Loan,
    LoanStatus,
    Payout,
    PayoutStatus,
    Repayment,
    RepaymentChannel,
    RepaymentStatus,
)
from loans.models.products import LoanProduct

__all__ = [
    "ACCOUNT_KINDS",
    "AccountCode",
    "AccountKind",
    "ApplicationStatus",
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalStatus",
    "BusinessDate",
    "CreditApplication",
    "CreditLine",
    "CreditLineStatus",
    "EntryType",
    "Installment",
    "JournalEntry",
    "JournalLine",
    "Loan",
    "LoanProduct",
    "LoanStatus",
    "Payout",
    "PayoutStatus",
    "Repayment",
    "RepaymentChannel",
    "RepaymentStatus",
]
