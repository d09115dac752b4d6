"""Match one settlement file line to our record; let the file decide what we did not know yet.

Each kind has one matcher. Where our side is still undecided (an attempt SENDING or PENDING, a
payout SENT, a portal payment PENDING) the file decides it through the one outcome service of
that record (``attempt_outcome_record(decided_by="file")``, ``payout_settle`` / ``payout_fail``,
``payment_confirm`` / ``payment_cancel``), so a success becomes a repayment exactly once,
whoever reports it first. Otherwise the two sides are compared, and a disagreement is a
``Found`` with the difference and the action that resolves it. Our keys (docs/rails.md):

- CHARGE: the attempt's ``key`` (the merchant order number the gateway was sent);
- PAYMENT: the portal payment's ``token`` (the reference the gateway sends back);
- PAYOUT: ``payout-{id}`` (``PayoutBackend`` asks the bank about a payout by its id), or a
  partner's payout: its merchant settlement's ``key``, ``MS{partner}-{yyyymmdd}`` (the bank's
  order number; ``merchant_payout_settle`` / ``merchant_payout_fail`` decide one still SENT);
- REFUND: ``refund-{id}``, the id of the REFUND journal entry that paid the overpayment back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from loans.errors import LendingError
from loans.ledger.models import AccountCode, EntryType, JournalEntry, JournalLine
from loans.origination.models import Payout, PayoutFailureCode, PayoutStatus
from loans.origination.services.payouts import payout_fail, payout_settle
from loans.payments.collection.outcomes import AttemptUnknown, attempt_outcome_record
from loans.payments.gateway import ChargeOutcome
from loans.payments.merchant_settlement import merchant_payout_fail, merchant_payout_settle
from loans.payments.models import (
    IN_FLIGHT,
    AttemptStatus,
    CollectionAttempt,
    DifferenceAction,
    DifferenceKind,
    MerchantSettlement,
    MerchantSettlementStatus,
    PaymentStatus,
    PortalPayment,
)
from loans.payments.services import payment_cancel, payment_confirm
from loans.payments.settlement.parse import SettlementLine
from loans.servicing.services.repayment_plans import RepaymentRefused

# A FAILED line carries no reason: the retry schedule applies (a card that is really invalid
# answers so on the next try). docs/rails.md "Settlement files".
FILE_FAILURE = ChargeOutcome.INSUFFICIENT_FUNDS
FILE_PAYOUT_FAILURE_REASON = "Refused in the gateway's settlement file"

_PAYOUT_KEY = re.compile(r"payout-([1-9]\d{0,17})")
_MERCHANT_PAYOUT_KEY = re.compile(r"MS[1-9]\d{0,17}-\d{8}")
_REFUND_KEY = re.compile(r"refund-([1-9]\d{0,17})")


@dataclass(frozen=True, slots=True)
class Found:
    """What matching a line found: agreement (no difference), perhaps decided by the file."""

    decided: bool = False
    difference: DifferenceKind | None = None
    action: DifferenceAction | None = None
    our_amount: Decimal | None = None
    our_status: str = ""


NOT_OURS = Found(difference=DifferenceKind.NOT_OURS, action=DifferenceAction.ASK_GATEWAY)


def _other_amount(amount: Decimal | None, status: str) -> Found:
    return Found(
        difference=DifferenceKind.AMOUNT,
        action=DifferenceAction.CORRECT_AMOUNT,
        our_amount=amount,
        our_status=status,
    )


def _differs(
    action: DifferenceAction,
    amount: Decimal | None,
    status: str,
    *,
    decided: bool = False,
    kind: DifferenceKind = DifferenceKind.STATUS,
) -> Found:
    return Found(decided, kind, action, amount, status)


# --- CHARGE: an auto-debit attempt -----------------------------------------------------------


def charge_match(line: SettlementLine, *, as_of: date) -> Found:
    """Match a CHARGE line to the attempt of its key, deciding an attempt still in flight.

    The repayment of a success is valued on the business date of the charge (the collection
    run's rule), so ``as_of`` is not passed on.
    """
    attempt = CollectionAttempt.objects.filter(key=line.our_key).first()
    if attempt is None:
        return NOT_OURS
    if attempt.amount != line.amount:
        return _other_amount(attempt.amount, attempt.status)
    decided = False
    if attempt.status in IN_FLIGHT:
        try:
            attempt = attempt_outcome_record(
                key=attempt.key,
                outcome=ChargeOutcome.SUCCEEDED if line.succeeded else FILE_FAILURE,
                gateway_reference=line.gateway_reference,
                decided_by="file",
            )
        except AttemptUnknown:
            return NOT_OURS
        decided = attempt.status not in IN_FLIGHT
    return _charge_compare(line, attempt, decided)


def _charge_compare(line: SettlementLine, attempt: CollectionAttempt, decided: bool) -> Found:
    status = attempt.status
    if status == AttemptStatus.SUCCEEDED:
        if not line.succeeded:
            return _differs(DifferenceAction.REVERSE_REPAYMENT, attempt.amount, status)
        if attempt.unapplied:
            return _differs(
                DifferenceAction.REFUND_BORROWER,
                attempt.amount,
                status,
                decided=decided,
                kind=DifferenceKind.UNAPPLIED,
            )
        return Found(decided=decided)
    if status == AttemptStatus.FAILED:
        if line.succeeded:
            return _differs(DifferenceAction.POST_OR_REFUND, attempt.amount, status)
        return Found(decided=decided)
    # Never sent by us (PLANNED, CANCELLED), or still undecided.
    action = DifferenceAction.POST_OR_REFUND if line.succeeded else DifferenceAction.NO_MONEY_MOVED
    return _differs(action, attempt.amount, status)


# --- PAYMENT: a portal payment -------------------------------------------------------------


def payment_match(line: SettlementLine, *, as_of: date) -> Found:
    """Match a PAYMENT line to the portal payment of its token, confirming a pending one."""
    payment = PortalPayment.objects.filter(token=line.our_key).first()
    if payment is None:
        return NOT_OURS
    if payment.amount != line.amount:
        return _other_amount(payment.amount, payment.status)
    if payment.status == PaymentStatus.PENDING:
        return _payment_decide(line, payment, as_of)
    if payment.status == PaymentStatus.PAID:
        if line.succeeded:
            return Found()
        return _differs(DifferenceAction.REVERSE_REPAYMENT, payment.amount, payment.status)
    if line.succeeded:  # cancelled here, yet the money came
        return _differs(DifferenceAction.POST_OR_REFUND, payment.amount, payment.status)
    return Found()


def _payment_decide(line: SettlementLine, payment: PortalPayment, as_of: date) -> Found:
    if not line.succeeded:
        payment_cancel(payment=payment)
        return Found(decided=True)
    try:
        payment_confirm(payment=payment, gateway_reference=line.gateway_reference, as_of=as_of)
    except RepaymentRefused:  # the loan no longer takes repayments: the money is owed back
        return _differs(
            DifferenceAction.REFUND_BORROWER,
            payment.amount,
            payment.status,
            kind=DifferenceKind.UNAPPLIED,
        )
    return Found(decided=True)


# --- PAYOUT --------------------------------------------------------------------------------


def payout_match(line: SettlementLine, *, as_of: date) -> Found:
    """Match a PAYOUT line (``payout-{id}``): settle or fail a SENT payout; a refusal of a
    settled one is a bank return and fails it too (the loan is cancelled). A partner's payout
    (its settlement's key) goes to ``merchant_payout_match``."""
    if _MERCHANT_PAYOUT_KEY.fullmatch(line.our_key):
        return merchant_payout_match(line, as_of=as_of)
    found = _PAYOUT_KEY.fullmatch(line.our_key)
    payout = Payout.objects.filter(pk=int(found.group(1))).first() if found else None
    if payout is None:
        return NOT_OURS
    if payout.amount != line.amount:
        return _other_amount(payout.amount, payout.status)
    if payout.status == PayoutStatus.FAILED:
        if line.succeeded:
            return _differs(DifferenceAction.RECOVER_PAYOUT, payout.amount, payout.status)
        return Found()
    if line.succeeded:
        if payout.status == PayoutStatus.SETTLED:
            return Found()
        reference = line.gateway_reference or payout.reference
        payout_settle(payout=payout, reference=reference, as_of=as_of)
        return Found(decided=True)
    try:
        payout_fail(
            payout=payout,
            code=PayoutFailureCode.REFUSED,
            reason=FILE_PAYOUT_FAILURE_REASON,
            as_of=as_of,
            reference=line.gateway_reference,
        )
    except LendingError:  # the loan was paid off or written off meanwhile
        return _differs(DifferenceAction.FAIL_OR_PAY_PAYOUT, payout.amount, payout.status)
    return Found(decided=True)


def merchant_payout_match(line: SettlementLine, *, as_of: date) -> Found:
    """Match a PAYOUT line to the merchant settlement of its key: settle or refuse a SENT
    payout; compare a decided one. A refusal of a paid one is left to finance: the partner
    was paid by our books, and only the bank's return of the money can undo it."""
    settlement = MerchantSettlement.objects.filter(key=line.our_key).first()
    if settlement is None:
        return NOT_OURS
    amount, status = settlement.payout_amount, settlement.status
    if amount != line.amount:
        return _other_amount(amount, status)
    if status == MerchantSettlementStatus.SENT:
        decided_at = timezone.now()  # the settlement's settled_at / failed_at
        if line.succeeded:
            reference = line.gateway_reference or settlement.reference
            merchant_payout_settle(settlement_id=settlement.pk, reference=reference, now=decided_at)
        else:
            merchant_payout_fail(
                settlement_id=settlement.pk,
                code=PayoutFailureCode.REFUSED,
                reason=FILE_PAYOUT_FAILURE_REASON,
                now=decided_at,
            )
        return Found(decided=True)
    if status == MerchantSettlementStatus.SETTLED:
        if line.succeeded:
            return Found()
        return _differs(DifferenceAction.FAIL_OR_PAY_PAYOUT, amount, status)
    if line.succeeded:  # refused by our books (or never sent), yet the bank paid
        return _differs(DifferenceAction.RECOVER_PAYOUT, amount, status)
    return Found()


# --- REFUND: an overpayment paid back --------------------------------------------------------


def refund_match(line: SettlementLine, *, as_of: date) -> Found:
    """Match a REFUND line (``refund-{entry id}``) to the REFUND journal entry; nothing to
    decide: a refund is posted when finance pays it."""
    found = _REFUND_KEY.fullmatch(line.our_key)
    entry = (
        JournalEntry.objects.filter(pk=int(found.group(1)), entry_type=EntryType.REFUND).first()
        if found
        else None
    )
    if entry is None:
        return NOT_OURS
    amount = (
        JournalLine.objects.filter(entry=entry, account=AccountCode.OVERPAYMENT_LIABILITY)
        .values_list("amount", flat=True)
        .first()
    )
    reversed_ = JournalEntry.objects.filter(reverses=entry).exists()
    status = "REVERSED" if reversed_ else "POSTED"
    if amount != line.amount:
        return _other_amount(amount, status)
    if line.succeeded and reversed_:
        return _differs(DifferenceAction.ASK_GATEWAY, amount, status)
    if not line.succeeded and not reversed_:
        return _differs(DifferenceAction.REPEAT_REFUND, amount, status)
    return Found()


MATCHERS: dict[str, Callable[..., Found]] = {
    "CHARGE": charge_match,
    "PAYMENT": payment_match,
    "PAYOUT": payout_match,
    "REFUND": refund_match,
}
