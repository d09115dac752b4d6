"""Our records of a settlement date that the gateway's file does not list.

Only what moved money by our books, or may have: attempts sent that day that succeeded or are
still in flight, payouts sent that day (SENT or SETTLED; a loan's and a partner's), portal
payments paid that day. A
failed attempt or a refused payout missing from the file moved nothing and is not listed. The
day is the file's date in Beijing time (``TIME_ZONE``). Refunds are not checked: nothing here
hands a refund to the gateway, so the file lists only those finance paid through it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from loans.origination.models import Payout, PayoutStatus
from loans.payments.models import (
    AttemptStatus,
    CollectionAttempt,
    DifferenceAction,
    MerchantSettlement,
    MerchantSettlementStatus,
    PaymentStatus,
    PortalPayment,
)


@dataclass(frozen=True, slots=True)
class MissingRecord:
    kind: str
    our_key: str
    our_amount: Decimal
    our_status: str
    gateway_reference: str
    action: DifferenceAction


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return ``[start, end)`` of ``day`` in the site's time zone (Beijing)."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def missing_records(*, day: date, listed: Mapping[str, Set[str]]) -> Iterator[MissingRecord]:
    """Yield our records of ``day`` whose key the file does not list (``listed`` by kind)."""
    start, end = day_bounds(day)
    yield from _charges(start, end, listed.get("CHARGE", frozenset()))
    yield from _payouts(start, end, listed.get("PAYOUT", frozenset()))
    yield from _merchant_payouts(start, end, listed.get("PAYOUT", frozenset()))
    yield from _payments(start, end, listed.get("PAYMENT", frozenset()))


def _charges(start: datetime, end: datetime, listed: Set[str]) -> Iterator[MissingRecord]:
    rows = (
        CollectionAttempt.objects.filter(
            sent_at__gte=start,
            sent_at__lt=end,
            status__in=[AttemptStatus.SENDING, AttemptStatus.PENDING, AttemptStatus.SUCCEEDED],
        )
        .order_by("id")
        .values_list("key", "amount", "status", "gateway_reference")
    )
    for key, amount, status, reference in rows.iterator(chunk_size=5000):
        if key in listed:
            continue
        action = (
            DifferenceAction.CONFIRM_RECEIVED
            if status == AttemptStatus.SUCCEEDED
            else DifferenceAction.QUERY_CHARGE
        )
        yield MissingRecord("CHARGE", key, amount, status, reference, action)


def _payouts(start: datetime, end: datetime, listed: Set[str]) -> Iterator[MissingRecord]:
    rows = (
        Payout.objects.filter(
            sent_at__gte=start,
            sent_at__lt=end,
            status__in=[PayoutStatus.SENT, PayoutStatus.SETTLED],
        )
        .order_by("id")
        .values_list("id", "amount", "status", "reference")
    )
    keyed = (
        (f"payout-{payout_id}", amount, status, reference)
        for payout_id, amount, status, reference in rows.iterator(chunk_size=5000)
    )
    yield from _payouts_missing(keyed, listed)


def _merchant_payouts(start: datetime, end: datetime, listed: Set[str]) -> Iterator[MissingRecord]:
    rows = (
        MerchantSettlement.objects.filter(
            send_started_at__gte=start,
            send_started_at__lt=end,
            status__in=[MerchantSettlementStatus.SENT, MerchantSettlementStatus.SETTLED],
        )
        .order_by("id")
        .values_list("key", "payout_amount", "status", "reference")
    )
    yield from _payouts_missing(rows.iterator(chunk_size=5000), listed)


def _payouts_missing(
    rows: Iterator[tuple[str, Decimal, str, str]], listed: Set[str]
) -> Iterator[MissingRecord]:
    """The payouts (key, amount, status SENT or SETTLED, reference) the file does not list:
    a paid one to confirm with the bank, one without an answer to fail or pay."""
    for key, amount, status, reference in rows:
        if key in listed:
            continue
        action = (
            DifferenceAction.CONFIRM_PAYOUT
            if status in {PayoutStatus.SETTLED, MerchantSettlementStatus.SETTLED}
            else DifferenceAction.FAIL_OR_PAY_PAYOUT
        )
        yield MissingRecord("PAYOUT", key, amount, status, reference, action)


def _payments(start: datetime, end: datetime, listed: Set[str]) -> Iterator[MissingRecord]:
    rows = (
        PortalPayment.objects.filter(paid_at__gte=start, paid_at__lt=end, status=PaymentStatus.PAID)
        .order_by("id")
        .values_list("token", "amount", "status", "gateway_reference")
    )
    for token, amount, status, reference in rows.iterator(chunk_size=5000):
        if token in listed:
            continue
        yield MissingRecord(
            "PAYMENT", token, amount, status, reference, DifferenceAction.CONFIRM_RECEIVED
        )
