"""Models of servicing: loans, their schedule, repayments, credit lines, collections, reminders."""

from loans.servicing.models.collections import (
    CollectionAssignment,
    ContactChannel,
    ContactNote,
    PromiseOutcome,
    PromiseToPay,
)
from loans.servicing.models.credit_lines import CreditLine, CreditLineStatus, FreezeReason
from loans.servicing.models.events import LoanEvent, LoanEventType
from loans.servicing.models.loans import (
    Installment,
    Loan,
    LoanCancelReason,
    LoanStatus,
    Repayment,
    RepaymentChannel,
    RepaymentStatus,
)
from loans.servicing.models.reminders import (
    REMINDER_BEFORE_DUE_KINDS,
    REMINDER_OFFSET_DAYS,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)

__all__ = [
    "REMINDER_BEFORE_DUE_KINDS",
    "REMINDER_OFFSET_DAYS",
    "CollectionAssignment",
    "ContactChannel",
    "ContactNote",
    "CreditLine",
    "CreditLineStatus",
    "FreezeReason",
    "Installment",
    "Loan",
    "LoanCancelReason",
    "LoanEvent",
    "LoanEventType",
    "LoanStatus",
    "PromiseOutcome",
    "PromiseToPay",
    "Reminder",
    "ReminderChannel",
    "ReminderKind",
    "ReminderStatus",
    "Repayment",
    "RepaymentChannel",
    "RepaymentStatus",
]
