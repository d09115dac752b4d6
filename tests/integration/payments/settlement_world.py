"""What the settlement and callback tests build on: a loan, its payout, an auto-debit attempt in
flight, a portal payment, and settlement files written line by line (issue #17, PRODUCT §11)."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from loans.origination.models import Payout
from loans.payments.models import (
    AttemptStatus,
    CardBinding,
    CardBindingChannel,
    CollectionAttempt,
    CollectionRun,
    PaymentPurpose,
    PortalPayment,
)
from loans.payments.services import payment_start
from loans.servicing.models import Loan, Repayment
from tests.factories.api import business_date_set
from tests.factories.loans import draw

BEIJING = ZoneInfo("Asia/Shanghai")
DAY = date(2027, 2, 15)  # the settlement date: the first due date of a loan drawn on 15 Jan
SENT_AT = datetime(2027, 2, 15, 9, 30, tzinfo=BEIJING)
HEADER = "date,our_key,gateway_reference,kind,amount,status"

_serial = itertools.count(1)


def settlement_csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def line(key: str, kind: str, amount: str, status: str = "SUCCEEDED", day: date = DAY) -> str:
    return f"{day.isoformat()},{key},GW-{key},{kind},{amount},{status}"


def loan_on_day() -> Loan:
    """A loan drawn on 15 Jan 2027 (its payout SENT), with the business date at DAY."""
    loan = draw(principal="10000.00", term=12)
    business_date_set(DAY)
    return loan


def payout_of(loan: Loan, *, sent_at: datetime = SENT_AT) -> Payout:
    Payout.objects.filter(loan=loan).update(sent_at=sent_at)
    return Payout.objects.get(loan=loan)


def attempt_for(
    loan: Loan,
    *,
    amount: str = "916.80",
    status: AttemptStatus = AttemptStatus.PENDING,
    sent_at: datetime | None = SENT_AT,
) -> CollectionAttempt:
    """An auto-debit attempt of ``loan`` sent on DAY and still in flight (by default)."""
    serial = next(_serial)
    run, _ = CollectionRun.objects.get_or_create(business_date=DAY)
    binding = CardBinding.objects.filter(borrower=loan.borrower).first()
    if binding is None:
        binding = CardBinding.objects.create(
            borrower=loan.borrower,
            card_number_ciphertext="not-a-card",
            card_number_digest=f"{serial:064d}",
            card_number_masked="622***********15",
            gateway="fake",
            agreement_reference=f"AGR-{serial}",
            channel=CardBindingChannel.PORTAL,
            consent_at=timezone.now(),
            agreement_version="v1",
        )
    return CollectionAttempt.objects.create(
        run=run,
        loan=loan,
        binding=binding,
        key=f"AD{loan.pk}-20270215-{serial}",
        due_date=DAY,
        sequence=serial,
        scheduled_at=SENT_AT,
        amount=Decimal(amount),
        status=status,
        sent_at=sent_at,
        decided_at=None if status in (AttemptStatus.PENDING, AttemptStatus.SENDING) else SENT_AT,
    )


def payment_for(loan: Loan, amount: str = "500.00") -> PortalPayment:
    return payment_start(
        loan=loan, purpose=PaymentPurpose.AMOUNT, as_of=DAY, amount=Decimal(amount)
    )


def repayments_of(loan: Loan) -> list[Repayment]:
    return list(Repayment.objects.filter(loan=loan).order_by("id"))
