"""Drawing loans on a credit line, and disbursing them (PRODUCT §2.2, §6; issue #3).

A draw at or below ``LENDPORTAL_AUTO_DISBURSE_LIMIT`` is disbursed at once; above it an officer
requests the disbursement and a different officer approves it (maker-checker, enforced here and
by a database constraint).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from accounts.models import Borrower, Partner, User
from loans.calendar.selectors import business_date_held
from loans.domain.allocation import rules_from_data, rules_to_data
from loans.domain.errors import DomainError
from loans.domain.quote import Quote, make_quote
from loans.domain.schedule import RepaymentMethod
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import credit, debit
from loans.origination.models import LoanProduct, Payout, PayoutStatus
from loans.origination.services.payouts import payout_backend, payout_send
from loans.origination.services.products import product_rate_for_grade
from loans.servicing.models import CreditLine, CreditLineStatus, Installment, Loan, LoanStatus
from loans.servicing.selectors import PastDue, borrower_past_due, loan_drawn_with
from loans.servicing.services.posting import loan_entry_post
from loans.servicing.services.states import loan_transition

logger = logging.getLogger(__name__)


class LoanDrawRefused(LendingError):
    code = "loan_draw_refused"


class CreditLimitExceeded(LoanDrawRefused):
    code = "credit_limit_exceeded"


class ContractNotAccepted(LoanDrawRefused):
    code = "contract_not_accepted"


class BorrowerPastDue(LoanDrawRefused):
    code = "borrower_past_due"


class CreditLineFrozen(LoanDrawRefused):
    code = "credit_line_frozen"


class DrawnAlready(LoanDrawRefused):
    """This signature drew a loan already (a resubmitted form): ``loan`` is that loan."""

    code = "drawn_already"

    def __init__(self, loan: Loan) -> None:
        super().__init__(f"This signed contract drew loan {loan.pk} already.")
        self.loan = loan


class LoanDrawDateNotOpen(LoanDrawRefused):
    """``as_of`` is not the open business date: a loan is drawn only on that date (#17).

    A draw dated in the past would start a schedule on nights already closed (no accrual, no
    fees posted for them); one dated in the future would accrue before the money left.
    """

    code = "draw_date_not_open"

    def __init__(self, *, as_of: date, open_date: date) -> None:
        super().__init__(
            f"A loan is drawn on the open business date {open_date.isoformat()}, "
            f"not on {as_of.isoformat()}; nothing was drawn."
        )
        self.as_of = as_of
        self.open_date = open_date


class DisbursementRefused(LendingError):
    code = "disbursement_refused"


@dataclass(frozen=True, slots=True)
class ContractAcceptance:
    """Evidence that the borrower accepted the contract shown to them."""

    version: str
    text_hash: str
    accepted_at: datetime
    signature_name: str
    ip: str | None = None
    user_agent: str = ""


def loan_quote_for(
    *,
    product: LoanProduct,
    principal: Decimal,
    term: int,
    method: RepaymentMethod,
    start_date: date,
    grade: str | None = None,
) -> Quote:
    """Price a loan of ``product`` for a borrower of ``grade``. Raises LoanDrawRefused."""
    if method not in product.methods:
        raise LoanDrawRefused(f"Product {product.code} does not offer {method}.")
    if term not in product.terms:
        raise LoanDrawRefused(f"Product {product.code} offers terms of {product.terms} months.")
    if not product.min_amount <= principal <= product.max_amount:
        raise LoanDrawRefused(
            f"Amount must be ¥{product.min_amount} to ¥{product.max_amount}, got ¥{principal}."
        )
    try:
        return make_quote(
            principal=principal,
            annual_rate=product_rate_for_grade(product, grade or ""),
            term=term,
            method=method,
            start_date=start_date,
            fee_rate=product.fee_rate,
            rate_cap=min(product.rate_cap, settings.LENDPORTAL_RATE_CAP),
        )
    except DomainError as error:
        raise LoanDrawRefused(str(error)) from error


@transaction.atomic
def loan_draw(
    *,
    borrower: Borrower,
    product: LoanProduct,
    principal: Decimal,
    term: int,
    method: RepaymentMethod,
    contract: ContractAcceptance,
    as_of: date,
    partner: Partner | None = None,
    user: User | None = None,
    draw_key: str | None = None,
) -> Loan:
    """Draw a loan on the borrower's credit line; disburse it at once up to the threshold.

    Locks the credit line, so concurrent draws cannot together exceed the limit. No new credit
    while the borrower is late on any loan (PRODUCT §6). ``draw_key``: the single-use token of
    the signed contract form; a second draw with it raises DrawnAlready (one signature, one
    loan). ``as_of`` must be the open business date (LoanDrawDateNotOpen otherwise). Raises
    LoanDrawRefused (or a subclass) and writes nothing then.
    """
    _business_date_check(as_of)
    line = _credit_line_locked(borrower)
    if draw_key is not None:
        _drawn_already_refuse(borrower, draw_key)
    late = borrower_past_due(borrower=borrower, as_of=as_of)
    if late is not None:
        raise BorrowerPastDue(_past_due_text(late))
    if principal > line.available_amount:
        raise CreditLimitExceeded(
            f"¥{principal} is more than the ¥{line.available_amount} available on the line."
        )
    if contract.signature_name.strip() != borrower.full_name:
        raise ContractNotAccepted("Sign the contract with your full legal name.")
    quote = loan_quote_for(
        product=product,
        principal=principal,
        term=term,
        method=method,
        start_date=as_of,
        grade=line.grade,
    )
    loan = _loan_create(borrower, line, product, quote, contract, as_of, partner, draw_key)
    line.used_amount += principal
    line.save(update_fields=["used_amount", "updated_at"])
    logger.info("loan %s drawn by borrower %s", loan.pk, borrower.pk)
    if principal <= settings.LENDPORTAL_AUTO_DISBURSE_LIMIT:
        loan_disburse(loan=loan, as_of=as_of, user=user)
    return loan


def _business_date_check(as_of: date) -> None:
    open_date = business_date_held()
    if as_of != open_date:
        raise LoanDrawDateNotOpen(as_of=as_of, open_date=open_date)


def _credit_line_locked(borrower: Borrower) -> CreditLine:
    line = CreditLine.objects.select_for_update().filter(borrower=borrower).first()
    if line is None:
        raise LoanDrawRefused("The borrower has no approved credit line.")
    if line.status != CreditLineStatus.ACTIVE:
        raise CreditLineFrozen(
            f"The credit line is frozen since {line.frozen_on} "
            f"({line.get_frozen_reason_display().lower()}); only an officer can unfreeze it."
        )
    return line


def _drawn_already_refuse(borrower: Borrower, draw_key: str) -> None:
    # Under the line's lock: a parallel resubmit waits for the first draw and then finds it.
    drawn = loan_drawn_with(borrower=borrower, draw_key=draw_key)
    if drawn is not None:
        raise DrawnAlready(Loan.objects.get(pk=drawn))


def _past_due_text(late: PastDue) -> str:
    if late.due_date is None:
        return f"Loan {late.loan_id} was written off: no new credit."
    return (
        f"Loan {late.loan_id} has an installment due on {late.due_date} unpaid: "
        "repay it before drawing again."
    )


def _loan_create(
    borrower: Borrower,
    line: CreditLine,
    product: LoanProduct,
    quote: Quote,
    contract: ContractAcceptance,
    as_of: date,
    partner: Partner | None,
    draw_key: str | None,
) -> Loan:
    schedule = quote.schedule
    loan = Loan.objects.create(
        borrower=borrower,
        credit_line=line,
        product=product,
        partner=partner,
        status=LoanStatus.PENDING_DISBURSEMENT,
        principal_amount=schedule.principal,
        term=schedule.term,
        method=schedule.method,
        annual_rate=schedule.annual_rate,
        fee_rate=schedule.fee_rate,
        apr=quote.apr,
        penalty_multiplier=product.penalty_multiplier,
        grace_days=product.grace_days,
        write_off_days=product.write_off_days,
        rate_cap=min(product.rate_cap, settings.LENDPORTAL_RATE_CAP),
        allocation_rules=rules_to_data(rules_from_data(product.allocation_rules)),
        drawn_date=as_of,
        contract_version=contract.version,
        contract_hash=contract.text_hash,
        accepted_at=contract.accepted_at,
        accepted_ip=contract.ip,
        accepted_user_agent=contract.user_agent[:500],
        signature_name=contract.signature_name.strip(),
        draw_key=draw_key,
    )
    _installments_create(loan, quote)
    return loan


def _installments_create(loan: Loan, quote: Quote) -> None:
    Installment.objects.bulk_create(
        Installment(
            loan=loan,
            number=row.number,
            period_start=row.period_start,
            due_date=row.due_date,
            principal_amount=row.principal,
            interest_amount=row.interest,
            fee_amount=row.fee,
            accrual_start_date=row.period_start,
        )
        for row in quote.schedule.installments
    )


@transaction.atomic
def loan_disburse(*, loan: Loan, as_of: date, user: User | None = None) -> Loan:
    """Disburse a pending loan on ``as_of``: post it, start its schedule, send the payout.

    The schedule starts on the disbursement date; if that is later than the draw, it is rebuilt
    from the same terms (nothing was charged on it yet). The payout goes to the bank after
    commit. Raises LoanTransitionRefused.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    loan_transition(loan=loan, to=LoanStatus.ACTIVE)
    if loan.drawn_date != as_of:
        _schedule_restart(loan, as_of)
    loan.disbursed_date = as_of
    loan.save(update_fields=["status", "disbursed_date", "updated_at"])
    loan_entry_post(
        entry_type=EntryType.DISBURSEMENT,
        value_date=as_of,
        loan=loan,
        lines=[
            debit(AccountCode.PRINCIPAL_RECEIVABLE, loan.principal_amount),
            credit(AccountCode.DISBURSEMENT_CLEARING, loan.principal_amount),
        ],
        user=user,
    )
    payout = Payout.objects.create(
        loan=loan,
        amount=loan.principal_amount,
        bank_card_masked=loan.borrower.bank_card_masked,
        backend=payout_backend().name,
        status=PayoutStatus.SENT,
    )
    transaction.on_commit(lambda: payout_send(payout_id=payout.pk))
    outbox_event_write(
        partner_id=loan.partner_id,
        loan_id=loan.pk,
        event_type=WebhookEventType.LOAN_DISBURSED,
        data={
            "loan": loan.pk,
            "borrower": loan.borrower_id,
            "principal": str(loan.principal_amount),
            "disbursed_date": as_of.isoformat(),
        },
    )
    logger.info("loan %s disbursed, payout %s sent", loan.pk, payout.pk)
    return loan


def _schedule_restart(loan: Loan, as_of: date) -> None:
    quote = make_quote(
        principal=loan.principal_amount,
        annual_rate=loan.annual_rate,
        term=loan.term,
        method=RepaymentMethod(loan.method),
        start_date=as_of,
        fee_rate=loan.fee_rate,
        rate_cap=loan.rate_cap,
    )
    loan.installments.all().delete()
    _installments_create(loan, quote)


@transaction.atomic
def loan_cancel(*, loan: Loan) -> Loan:
    """Cancel a loan that was never disbursed and free its amount on the credit line."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    line = CreditLine.objects.select_for_update().get(pk=loan.credit_line_id)
    loan_transition(loan=loan, to=LoanStatus.CANCELLED)
    loan.save(update_fields=["status", "updated_at"])
    line.used_amount -= loan.principal_amount
    line.save(update_fields=["used_amount", "updated_at"])
    return loan
