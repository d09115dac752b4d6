"""Payments started in the borrower portal and paid through a payment backend: a loan's
repayment (issue #5) or a payment on a revolving account's bills (issue #18).

``LENDPORTAL_PAYMENT_BACKEND`` names a class with ``name`` and ``checkout_url(payment)``: where
the borrower's browser goes to pay. The gateway then confirms the payment (its webhook, the
settlement file, or the fake gateway's page in development), which calls ``payment_confirm``:
that posts the loan's repayment, or the account's payment through the one revolving payment
service, once, however often the confirmation arrives.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from loans.domain.prepayment import PrepaymentMode
from loans.errors import LendingError
from loans.payments.models import PaymentPurpose, PaymentStatus, PortalPayment
from loans.revolving.models import RevolvingAccount, RevolvingPaymentChannel
from loans.revolving.selectors import RevolvingOwed, revolving_owed_for
from loans.revolving.services.payments import revolving_payment_post
from loans.servicing.models import Loan, LoanStatus, RepaymentChannel
from loans.servicing.selectors import loan_amounts_due
from loans.servicing.services.repayments import repayment_post

logger = logging.getLogger(__name__)

FEN = Decimal("0.01")


class PaymentRefused(LendingError):
    code = "payment_refused"


class PaymentBackend(Protocol):
    name: str

    def checkout_url(self, payment: PortalPayment) -> str: ...


class FakePaymentGateway:
    """Development and test gateway: its "pay" page is part of the portal and confirms at once."""

    name = "fake"

    def checkout_url(self, payment: PortalPayment) -> str:
        return reverse("portal:fake_gateway", args=[payment.token])


def payment_backend() -> PaymentBackend:
    backend: PaymentBackend = import_string(settings.LENDPORTAL_PAYMENT_BACKEND)()
    return backend


@transaction.atomic
def payment_start(
    *,
    loan: Loan,
    purpose: PaymentPurpose,
    as_of: date,
    amount: Decimal | None = None,
    prepayment_mode: PrepaymentMode | None = None,
) -> PortalPayment:
    """Open a pending portal payment on an active loan.

    The amount of NEXT_INSTALLMENT and PAYOFF is what ``loan_amounts_due`` says on ``as_of``;
    AMOUNT takes ``amount`` (whole fen, ¥0.01 up to the payoff). A prepayment mode is only for
    AMOUNT. Raises PaymentRefused; nothing is written then.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.ACTIVE:
        raise PaymentRefused("Only an active loan can be repaid.")
    due = loan_amounts_due(loan=loan, as_of=as_of)
    to_pay = _amount_for(purpose, amount, due.next_amount, due.payoff)
    if prepayment_mode is not None and purpose != PaymentPurpose.AMOUNT:
        raise PaymentRefused("A prepayment choice goes with a chosen amount.")
    payment = _payment_open(
        loan=loan, purpose=purpose, amount=to_pay, prepayment_mode=prepayment_mode or ""
    )
    logger.info("portal payment %s started on loan %s", payment.pk, loan.pk)
    return payment


def _payment_open(**fields: object) -> PortalPayment:
    return PortalPayment.objects.create(
        token=secrets.token_urlsafe(32), backend=payment_backend().name, **fields
    )


@transaction.atomic
def bill_payment_start(
    *, account: RevolvingAccount, purpose: PaymentPurpose, amount: Decimal | None = None
) -> PortalPayment:
    """Open a pending portal payment on a revolving account's bills (PRODUCT §10).

    BILL_IN_FULL pays what the bills still owe with the charges since the last bill
    (``RevolvingOwed.in_full_amount``), BILL_MINIMUM the minimum still unpaid; for those two,
    ``amount`` (optional) is what the borrower was shown, refused if what is owed changed
    since. AMOUNT takes ``amount``: whole fen, ¥0.01 up to ``RevolvingOwed.most_amount`` (what
    is owed now, the purchases not billed yet, and up to the credit limit more, which becomes
    credit balance). Raises PaymentRefused; nothing is written then.
    """
    account = RevolvingAccount.objects.select_for_update().get(pk=account.pk)
    owed = revolving_owed_for(account=account)
    to_pay = bill_amount_for(purpose, amount, owed)
    payment = _payment_open(account=account, purpose=purpose, amount=to_pay)
    logger.info("portal payment %s started on revolving account %s", payment.pk, account.pk)
    return payment


def bill_amount_for(
    purpose: PaymentPurpose, amount: Decimal | None, owed: RevolvingOwed
) -> Decimal:
    """What a bill payment of ``purpose`` pays; raises PaymentRefused as ``bill_payment_start``."""
    if purpose in (PaymentPurpose.BILL_IN_FULL, PaymentPurpose.BILL_MINIMUM):
        full = purpose == PaymentPurpose.BILL_IN_FULL
        chosen = owed.in_full_amount if full else owed.minimum_amount
        if amount is not None and amount != chosen:
            raise PaymentRefused(f"What is owed changed: {chosen}, not {amount}.")
    elif purpose == PaymentPurpose.AMOUNT:
        if amount is None or amount != amount.quantize(FEN):
            raise PaymentRefused("Enter an amount in yuan with at most 2 decimals.")
        if amount > owed.most_amount:
            raise PaymentRefused(
                f"The amount is more than the most that can be paid, {owed.most_amount}."
            )
        chosen = amount
    else:
        raise PaymentRefused("A bill is paid in full, its minimum, or an amount.")
    if chosen <= 0:
        raise PaymentRefused("Nothing is to be paid.")
    return chosen


def _amount_for(
    purpose: PaymentPurpose, amount: Decimal | None, next_amount: Decimal, payoff: Decimal
) -> Decimal:
    if purpose == PaymentPurpose.PAYOFF:
        chosen = payoff
    elif purpose == PaymentPurpose.NEXT_INSTALLMENT:
        chosen = next_amount
    else:
        if amount is None or amount != amount.quantize(FEN):
            raise PaymentRefused("Enter an amount in yuan with at most 2 decimals.")
        if amount > payoff:
            raise PaymentRefused("The amount is more than what pays the loan off.")
        chosen = amount
    if chosen <= 0:
        raise PaymentRefused("Nothing is to be paid.")
    return chosen


@transaction.atomic
def payment_confirm(
    *, payment: PortalPayment, gateway_reference: str, as_of: date
) -> PortalPayment:
    """Record the gateway's confirmation: post the repayment on ``as_of``, once; a bill
    payment through ``revolving_payment_post`` (on the open business date, reference
    ``portal-<id>``: the service posts a reference once too).

    A second confirmation of a paid payment changes nothing. Raises PaymentRefused for a
    cancelled payment, RepaymentRefused when the loan no longer takes repayments.
    """
    payment = PortalPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.PAID:
        return payment
    if payment.status != PaymentStatus.PENDING:
        raise PaymentRefused("This payment was cancelled.")
    if payment.account_id is not None:
        return _bill_payment_confirm(payment, payment.account_id, gateway_reference)
    loan = payment.loan
    if loan is None:  # a loan's or an account's: the database holds that
        raise PaymentRefused("This payment pays nothing.")
    repayment = repayment_post(
        loan=loan,
        amount=payment.amount,
        value_date=as_of,
        as_of=as_of,
        channel=RepaymentChannel.PORTAL,
        reference=f"portal-{payment.pk}",
        prepayment_mode=PrepaymentMode(payment.prepayment_mode)
        if payment.prepayment_mode
        else None,
    )
    payment.status = PaymentStatus.PAID
    payment.repayment = repayment
    payment.gateway_reference = gateway_reference[:100]
    payment.paid_at = timezone.now()
    payment.save(update_fields=["status", "repayment", "gateway_reference", "paid_at"])
    logger.info("portal payment %s paid: repayment %s", payment.pk, repayment.pk)
    return payment


def _bill_payment_confirm(
    payment: PortalPayment, account_id: int, gateway_reference: str
) -> PortalPayment:
    posted, _ = revolving_payment_post(
        account_id=account_id,
        amount=payment.amount,
        channel=RevolvingPaymentChannel.PORTAL,
        reference=f"portal-{payment.pk}",
        now=timezone.now(),
    )
    payment.status = PaymentStatus.PAID
    payment.revolving_payment = posted
    payment.gateway_reference = gateway_reference[:100]
    payment.paid_at = timezone.now()
    payment.save(update_fields=["status", "revolving_payment", "gateway_reference", "paid_at"])
    logger.info("portal payment %s paid: revolving payment %s", payment.pk, posted.pk)
    return payment


@transaction.atomic
def payment_cancel(*, payment: PortalPayment) -> PortalPayment:
    """Cancel a pending payment (the borrower left the gateway). Raises PaymentRefused."""
    payment = PortalPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.PENDING:
        raise PaymentRefused("Only a pending payment can be cancelled.")
    payment.status = PaymentStatus.CANCELLED
    payment.save(update_fields=["status"])
    return payment
