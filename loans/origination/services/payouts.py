"""Payouts: how disbursed money reaches the borrower's bank card, and its settlement.

``LENDPORTAL_PAYOUT_BACKEND`` names a class with ``name`` and ``send(payout) -> PayoutResult``.
The fake backend settles at once (development and tests); a bank adapter implements the same
interface and settles later through ``loans.origination.services.payouts.payout_settle``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from loans.calendar.selectors import business_date_current
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import credit, debit
from loans.origination.models import Payout, PayoutStatus
from loans.servicing.services.posting import loan_entry_post


@dataclass(frozen=True, slots=True)
class PayoutResult:
    reference: str
    settled: bool


class PayoutBackend(Protocol):
    name: str

    def send(self, payout: Payout) -> PayoutResult: ...


class FakePayoutBackend:
    """Settles every payout at once with a made-up bank reference."""

    name = "fake"
    sent: list[int] = []

    def send(self, payout: Payout) -> PayoutResult:
        FakePayoutBackend.sent.append(payout.pk)
        return PayoutResult(reference=f"FAKE-{payout.pk:010d}", settled=True)


def payout_backend() -> PayoutBackend:
    backend: PayoutBackend = import_string(settings.LENDPORTAL_PAYOUT_BACKEND)()
    return backend


def payout_send(*, payout_id: int) -> None:
    """Hand a payout to the bank backend; settle it when the backend confirms at once."""

    payout = Payout.objects.select_related("loan__borrower").get(pk=payout_id)
    result = payout_backend().send(payout)
    if result.settled:
        payout_settle(payout=payout, reference=result.reference, as_of=business_date_current())


@transaction.atomic
def payout_settle(*, payout: Payout, reference: str, as_of: date) -> Payout:
    """Record the bank's confirmation: clearing → cash. Settling twice changes nothing."""
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.status == PayoutStatus.SETTLED:
        return payout
    loan_entry_post(
        entry_type=EntryType.PAYOUT_SETTLED,
        value_date=as_of,
        loan=payout.loan,
        lines=[
            debit(AccountCode.DISBURSEMENT_CLEARING, payout.amount),
            credit(AccountCode.CASH, payout.amount),
        ],
        key=f"payout:{payout.pk}",
    )
    payout.status = PayoutStatus.SETTLED
    payout.reference = reference
    payout.settled_at = timezone.now()
    payout.save(update_fields=["status", "reference", "settled_at"])
    return payout
