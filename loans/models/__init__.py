"""Models of the lending core: products, credit, loans and their schedule, the ledger."""

from loans.models.calendar import BusinessDate
from loans.models.cob import (
    CobChunk,
    CobChunkStatus,
    CobRun,
    CobRunStatus,
    LoanEvent,
    LoanEventType,
)
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
from loans.models.payments import PaymentPurpose, PaymentStatus, PortalPayment
from loans.models.products import LoanProduct
from loans.models.reminders import (
    REMINDER_BEFORE_DUE_KINDS,
    REMINDER_OFFSET_DAYS,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)

__all__ = [
    "ACCOUNT_KINDS",
    "REMINDER_BEFORE_DUE_KINDS",
    "REMINDER_OFFSET_DAYS",
    "AccountCode",
    "AccountKind",
    "ApplicationStatus",
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalStatus",
    "BusinessDate",
    "CobChunk",
    "CobChunkStatus",
    "CobRun",
    "CobRunStatus",
    "CreditApplication",
    "CreditLine",
    "CreditLineStatus",
    "EntryType",
    "Installment",
    "JournalEntry",
    "JournalLine",
    "Loan",
    "LoanEvent",
    "LoanEventType",
    "LoanProduct",
    "LoanStatus",
    "PaymentPurpose",
    "PaymentStatus",
    "Payout",
    "PayoutStatus",
    "PortalPayment",
    "Reminder",
    "ReminderChannel",
    "ReminderKind",
    "ReminderStatus",
    "Repayment",
    "RepaymentChannel",
    "RepaymentStatus",
]
