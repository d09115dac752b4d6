"""Repayments started in the borrower portal and paid through a payment backend (issue #5).

``LENDPORTAL_PAYMENT_BACKEND`` names a class with ``name`` and ``checkout_url(payment)``: where
the borrower's browser goes to pay. The gateway then confirms the payment (its webhook, or the
fake gateway's page in development), which calls ``payment_confirm``: that posts the repayment
once, however often the confirmation arrives.
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
    backend = payment_backend()
    payment = PortalPayment.objects.create(
        loan=loan,
        token=secrets.token_urlsafe(32),
        purpose=purpose,
        amount=to_pay,
        prepayment_mode=prepayment_mode or "",
        backend=backend.name,
    )
    logger.info("portal payment %s started on loan %s", payment.pk, loan.pk)
    return payment


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
    """Record the gateway's confirmation: post the repayment on ``as_of``, once.

    A second confirmation of a paid payment changes nothing. Raises PaymentRefused for a
    cancelled payment, RepaymentRefused when the loan no longer takes repayments.
    """
    payment = PortalPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.PAID:
        return payment
    if payment.status != PaymentStatus.PENDING:
        raise PaymentRefused("This payment was cancelled.")
    repayment = repayment_post(
        loan=payment.loan,
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


@transaction.atomic
def payment_cancel(*, payment: PortalPayment) -> PortalPayment:
    """Cancel a pending payment (the borrower left the gateway). Raises PaymentRefused."""
    payment = PortalPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.PENDING:
        raise PaymentRefused("Only a pending payment can be cancelled.")
    payment.status = PaymentStatus.CANCELLED
    payment.save(update_fields=["status"])
    return payment
