"""Manual ledger adjustments on a loan (maker-checker, issue #6).

An adjustment moves money between the accounts that no schedule explains: cash, disbursement
clearing, the overpayment liability, waivers, credit losses and recoveries (a goodwill credit to
the borrower, a bank charge booked against the wrong loan). Receivables are explained by the
schedule, so they change only through repayments, waivers and write-offs; the reconciliation
(``manage.py reconcile``) keeps holding after any adjustment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from loans.errors import LendingError
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import credit, debit
from loans.servicing.models import Loan, LoanStatus
from loans.servicing.services.posting import loan_entry_post

ADJUSTABLE_ACCOUNTS = (
    AccountCode.CASH,
    AccountCode.DISBURSEMENT_CLEARING,
    AccountCode.OVERPAYMENT_LIABILITY,
    AccountCode.WAIVERS,
    AccountCode.CREDIT_LOSSES,
    AccountCode.RECOVERIES,
)


class AdjustmentRefused(LendingError):
    code = "adjustment_refused"


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Debit one account and credit another by ``amount`` on a loan's sub-ledger."""

    debit_account: AccountCode
    credit_account: AccountCode
    amount: Decimal

    def to_payload(self) -> dict[str, str]:
        return {
            "debit": self.debit_account.value,
            "credit": self.credit_account.value,
            "amount": str(self.amount),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, str]) -> Adjustment:
        return cls(
            AccountCode(payload["debit"]),
            AccountCode(payload["credit"]),
            Decimal(payload["amount"]),
        )


def adjustment_check(*, loan: Loan, adjustment: Adjustment) -> None:
    """Raise AdjustmentRefused unless the adjustment can be posted on ``loan``.

    Both accounts adjustable and different, the amount positive in whole fen, the loan
    disbursed, and never more overpayment taken back than the loan holds.
    """
    accounts = (adjustment.debit_account, adjustment.credit_account)
    if any(account not in ADJUSTABLE_ACCOUNTS for account in accounts):
        raise AdjustmentRefused("Receivables change only through repayments, waivers, write-offs.")
    if adjustment.debit_account == adjustment.credit_account:
        raise AdjustmentRefused("Debit and credit must be different accounts.")
    amount = adjustment.amount
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise AdjustmentRefused(f"The amount must be positive and in whole fen, got {amount}.")
    if loan.status in (LoanStatus.PENDING_DISBURSEMENT, LoanStatus.CANCELLED):
        raise AdjustmentRefused(f"Loan {loan.pk} is {loan.status}.")
    if (
        adjustment.debit_account == AccountCode.OVERPAYMENT_LIABILITY
        and amount > loan.overpayment_amount
    ):
        raise AdjustmentRefused(f"The loan holds only ¥{loan.overpayment_amount} of overpayment.")


@transaction.atomic
def adjustment_post(
    *, loan: Loan, adjustment: Adjustment, as_of: date, user: User, memo: str
) -> JournalEntry:
    """Post an approved manual adjustment (call only through an approval).

    Raises AdjustmentRefused.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    adjustment_check(loan=loan, adjustment=adjustment)
    return loan_entry_post(
        entry_type=EntryType.MANUAL_ADJUSTMENT,
        value_date=as_of,
        loan=loan,
        lines=[
            debit(adjustment.debit_account, adjustment.amount),
            credit(adjustment.credit_account, adjustment.amount),
        ],
        memo=memo,
        user=user,
    )
