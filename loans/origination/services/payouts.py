"""Payouts: how disbursed money reaches the borrower's bank card, and what the bank answers.

``LENDPORTAL_PAYOUT_BACKEND`` names a class implementing ``PayoutBackend``: ``send(payout)``
hands a payout to the bank once, ``payout_query(payout)`` asks what became of it. Both answer a
``PayoutResult``: settled, refused (``failure_code``), or not known yet. A timeout or an error
while sending is "not known yet": the payout stays SENT and ``payouts_query_unknown`` asks the
bank about it later; it is never sent again (PRODUCT §11). Whatever reports the outcome, at once,
by query, by callback or by settlement file, calls ``payout_settle`` or ``payout_fail``; both
are idempotent. docs/rails.md "Payouts" has the states.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from loans.calendar.selectors import business_date_current
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import credit, debit
from loans.origination.models import Payout, PayoutFailureCode, PayoutStatus
from loans.servicing.services.payout_failure import loan_payout_failure_cancel
from loans.servicing.services.posting import loan_entry_post

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PayoutResult:
    """The bank's answer: settled, refused (``failure_code`` set), or neither (not known yet)."""

    reference: str
    settled: bool
    failure_code: str = ""
    failure_reason: str = ""  # the bank's words, without personal data

    @property
    def failed(self) -> bool:
        return not self.settled and bool(self.failure_code)


class PayoutBackend(Protocol):
    name: str

    def send(self, payout: Payout) -> PayoutResult:
        """Hand ``payout`` to the bank once; may raise on a timeout (the outcome is unknown)."""
        ...

    def payout_query(self, payout: Payout) -> PayoutResult:
        """Ask the bank what became of ``payout`` (keyed by its id); never moves money."""
        ...


class FakePayoutBackend:
    """A scriptable bank for development and tests.

    Settles every payout at once unless ``script`` (class-level, popped per send) says
    ``"PENDING"`` (no answer), ``"TIMEOUT"`` (raises) or a failure code. ``answers`` holds what a
    later query answers, by payout id (unknown ones stay pending).
    """

    name = "fake"
    sent: ClassVar[list[int]] = []
    script: ClassVar[list[str]] = []
    answers: ClassVar[dict[int, PayoutResult]] = {}

    def send(self, payout: Payout) -> PayoutResult:
        FakePayoutBackend.sent.append(payout.pk)
        reference = f"FAKE-{payout.pk:010d}"
        outcome = FakePayoutBackend.script.pop(0) if FakePayoutBackend.script else "SETTLED"
        if outcome == "TIMEOUT":
            raise TimeoutError("the fake bank did not answer")
        if outcome == "PENDING":
            return PayoutResult(reference=reference, settled=False)
        if outcome != "SETTLED":
            return PayoutResult(reference, False, outcome, "Refused by the fake bank")
        return PayoutResult(reference=reference, settled=True)

    def payout_query(self, payout: Payout) -> PayoutResult:
        pending = PayoutResult(reference=f"FAKE-{payout.pk:010d}", settled=False)
        return FakePayoutBackend.answers.get(payout.pk, pending)


class PayoutNotFailable(LendingError):
    code = "payout_not_failable"


def payout_backend() -> PayoutBackend:
    backend: PayoutBackend = import_string(settings.LENDPORTAL_PAYOUT_BACKEND)()
    return backend


def payout_send(*, payout_id: int) -> None:
    """Hand a payout to the bank once, and record an outcome it gives at once.

    Runs after the disbursement commits. ``send_started_at`` is committed before the call, so a
    second call (a retry, a duplicate) sends nothing. An exception from the backend (a timeout)
    leaves the outcome unknown: the payout stays SENT for ``payouts_query_unknown``.
    """
    payout = _payout_send_claim(payout_id)
    if payout is None:
        return
    try:
        result = payout_backend().send(payout)
    except Exception as error:  # noqa: BLE001 - any transport error: the outcome is unknown
        logger.warning("payout %s: no answer (%s), to be queried", payout.pk, type(error).__name__)
        return
    payout_outcome_record(payout=payout, result=result)


@transaction.atomic
def _payout_send_claim(payout_id: int) -> Payout | None:
    """Mark the payout handed over, committed before the bank is called; None if it was."""
    payout = Payout.objects.select_for_update().select_related("loan__borrower").get(pk=payout_id)
    if payout.status != PayoutStatus.SENT or payout.send_started_at is not None:
        return None
    payout.send_started_at = timezone.now()
    payout.save(update_fields=["send_started_at"])
    return payout


def payout_outcome_record(*, payout: Payout, result: PayoutResult) -> Payout:
    """Settle or fail ``payout`` as ``result`` says; keep it SENT while the answer is unknown."""
    as_of = business_date_current()
    if result.settled:
        return payout_settle(payout=payout, reference=result.reference, as_of=as_of)
    if result.failed:
        return payout_fail(
            payout=payout,
            code=result.failure_code,
            reason=result.failure_reason,
            as_of=as_of,
            reference=result.reference,
        )
    return payout


def payouts_query_unknown(*, now: datetime, older_than_minutes: int, limit: int = 500) -> int:
    """Ask the bank about SENT payouts older than ``older_than_minutes``; return how many.

    Each is asked at most once per ``older_than_minutes``, oldest first; the answer settles or
    fails it through ``payout_outcome_record``. Nothing is sent again.
    """
    cutoff = now - timedelta(minutes=older_than_minutes)
    ids = list(
        Payout.objects.filter(status=PayoutStatus.SENT, sent_at__lt=cutoff)
        .exclude(queried_at__gte=cutoff)
        .order_by("sent_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    backend = payout_backend()
    for payout_id in ids:
        _payout_query_one(backend, payout_id, now)
    return len(ids)


def _payout_query_one(backend: PayoutBackend, payout_id: int, now: datetime) -> None:
    with transaction.atomic():
        payout = Payout.objects.select_for_update(skip_locked=True).filter(pk=payout_id).first()
        if payout is None or payout.status != PayoutStatus.SENT:
            return
        payout.queried_at = now
        payout.query_count += 1
        payout.save(update_fields=["queried_at", "query_count"])
    try:
        result = backend.payout_query(payout)
    except Exception as error:  # noqa: BLE001 - asked again on the next sweep
        logger.warning("payout %s: query failed (%s)", payout.pk, type(error).__name__)
        return
    payout_outcome_record(payout=payout, result=result)


@transaction.atomic
def payout_fail(
    *, payout: Payout, code: str, reason: str, as_of: date, reference: str = ""
) -> Payout:
    """Record the bank's refusal and cancel the loan (PRODUCT §11); a second report changes nothing.

    ``code`` is a ``PayoutFailureCode`` (an unknown one is kept as REFUSED). The loan's
    disbursement, settlement, interest, fees and penalties are reversed, its principal restored
    to the credit line, the borrower told, and a partner's loan reported as
    ``loan.payout_failed``. A payout settled before is failed too (the bank returned the money).
    """
    payout = Payout.objects.select_for_update().select_related("loan").get(pk=payout.pk)
    if payout.status == PayoutStatus.FAILED:
        return payout
    failure_code = code if code in PayoutFailureCode.values else PayoutFailureCode.REFUSED
    payout.status = PayoutStatus.FAILED
    payout.failure_code = failure_code
    payout.failure_reason = reason[:200]
    payout.failed_at = timezone.now()
    payout.reference = payout.reference or reference
    payout.save(
        update_fields=["status", "failure_code", "failure_reason", "failed_at", "reference"]
    )
    loan = payout.loan
    loan_payout_failure_cancel(loan=loan, as_of=as_of, reason_code=failure_code, now=timezone.now())
    outbox_event_write(
        partner_id=loan.partner_id,
        loan_id=loan.pk,
        event_type=WebhookEventType.LOAN_PAYOUT_FAILED,
        data={
            "loan": loan.pk,
            "principal": str(payout.amount),
            "reason": failure_code,
            "cancelled_date": as_of.isoformat(),
        },
    )
    logger.info("payout %s failed (%s), loan %s cancelled", payout.pk, failure_code, loan.pk)
    return payout


@transaction.atomic
def payout_settle(*, payout: Payout, reference: str, as_of: date) -> Payout:
    """Record the bank's confirmation: clearing → cash. Settling twice changes nothing."""
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.status == PayoutStatus.SETTLED:
        return payout
    if payout.status == PayoutStatus.FAILED:
        # A late "settled" after a refusal: the loan is cancelled; finance resolves it.
        logger.warning("payout %s: settled reported after its failure", payout.pk)
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
