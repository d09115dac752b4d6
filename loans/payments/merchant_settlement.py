"""Merchant settlement (PRODUCT §10, §11): what the platform owes each partner for a business
date, posted and paid out on the next working day through the merchant payout rail.

For a closed business date D and each partner (one ``INSERT … SELECT``, set-based):

    net = captured purchases of D - refunds of D - merchant fees - subsidies owed by the partner
    brought forward = the earlier days' nets - their payouts not failed
    payout = max(0, net + brought forward), on the first working day after D

§10: a capture leaves the partner owed the amount (Cr MERCHANT_PAYABLE), "paid out the next
working day, minus any merchant fee", and on a merchant-subsidised plan the partner owes the
fees (Dr SUBSIDY_RECEIVABLE at the cut): both are deducted, never added, and the subsidies are
posted out of the receivable with the settlement (``loans.payments.merchant_subsidies``). The
merchant fees (``loans.payments.merchant_fees``: the partner's rate, given back in proportion
on a refund) are posted with the settlement that deducts them (Dr MERCHANT_PAYABLE, Cr
FEE_INCOME), so the payable holds exactly what the settlements still owe. A day of more refunds
than purchases, or a payout the bank refused, is carried into the next day's settlement, so
nothing is lost and nothing is paid twice. A date is settled once per partner (the database's
unique key) and dates settle in order.

Payouts follow the loan payouts' rules (docs/rails.md): the settlement's ``key`` is the bank's
order number; ``send_started_at`` is committed before the bank is called, so a retried or
duplicated task never sends again; an exception or no answer leaves it SENT, asked about by
``merchant_payouts_query``; settled, it posts Dr MERCHANT_PAYABLE, Cr CASH (keyed
``merchant-payout:<id>``); refused, it is FAILED and its amount is owed again the next day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Q, Sum
from django.utils.module_loading import import_string

from loans.calendar.selectors import business_date_current, next_working_days_between
from loans.errors import LendingError
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import credit, debit, entry_post
from loans.origination.models import PayoutFailureCode
from loans.origination.services.payouts import PayoutResult
from loans.payments.merchant_fees import merchant_fees_owed, merchant_fees_post
from loans.payments.merchant_subsidies import merchant_subsidies_post
from loans.payments.models import (
    MerchantSettlement,
    MerchantSettlementDay,
    MerchantSettlementStatus,
)
from loans.revolving.models import Order, OrderStatus
from loans.revolving.selectors import merchant_subsidies_billed

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
# A date's settlement is computed on a later business date; a long outage is caught up in
# runs of at most this many dates.
CATCH_UP_DATES = 31
# A payout still SENT this long after it was handed over (or last asked about) is asked about.
QUERY_AFTER = timedelta(minutes=15)
ROLL_DAYS = 15  # a non-working day's next working day is at most this far (calendar_day)


class MerchantSettlementRefused(LendingError):
    code = "merchant_settlement_refused"


# ---------------------------------------------------------------------------------------------
# What is owed


def merchant_subsidies_owed(*, business_date: date) -> dict[int, Decimal]:
    """The fees of merchant-subsidised plans (免息) billed on D, which each partner owes.

    The cut of D posted them as the partner's debt (Dr SUBSIDY_RECEIVABLE, Cr FEE_INCOME); the
    settlement withholds them from the payout (``merchant_subsidies_post``).
    """
    return merchant_subsidies_billed(start=business_date, end=business_date + timedelta(days=1))


_SETTLE_SQL = """
WITH day AS (
    SELECT o.partner_id, o.amount AS purchases, 0::numeric AS refunds
    FROM loans_journalentry e JOIN revolving_order o ON o.entry_id = e.id
    WHERE e.value_date = %(day)s AND o.status = %(captured)s
    UNION ALL
    SELECT o.partner_id, 0, r.amount
    FROM loans_journalentry e
    JOIN revolving_refund r ON r.entry_id = e.id
    JOIN revolving_order o ON o.id = r.order_id
    WHERE e.value_date = %(day)s
    UNION ALL
    SELECT s.partner_id, 0, 0 FROM payments_merchantsettlement s
    WHERE s.business_date < %(day)s
    GROUP BY s.partner_id
    HAVING sum(s.net_amount)
        - coalesce(sum(s.payout_amount) FILTER (WHERE s.status <> %(failed)s), 0) <> 0
), charges AS (
    SELECT * FROM unnest(%(charge_partners)s::bigint[], %(fees)s::numeric[],
                         %(subsidies)s::numeric[]) AS c(partner_id, fees, subsidies)
), partner AS (
    SELECT coalesce(d.partner_id, c.partner_id) AS partner_id,
           coalesce(d.purchases, 0) AS purchases, coalesce(d.refunds, 0) AS refunds,
           coalesce(c.fees, 0) AS fees, coalesce(c.subsidies, 0) AS subsidies
    FROM (SELECT partner_id, sum(purchases) AS purchases, sum(refunds) AS refunds
          FROM day GROUP BY partner_id) d
    FULL JOIN charges c ON c.partner_id = d.partner_id
), figures AS (
    -- The fee is negative on a day whose refunds give back more fee than its purchases pay.
    SELECT p.partner_id, p.purchases, p.refunds, p.fees, p.subsidies,
           p.purchases - p.refunds - p.fees - p.subsidies AS net,
           coalesce(b.forward, 0) AS forward
    FROM partner p
    LEFT JOIN LATERAL (
        SELECT sum(s.net_amount)
            - coalesce(sum(s.payout_amount) FILTER (WHERE s.status <> %(failed)s), 0) AS forward
        FROM payments_merchantsettlement s
        WHERE s.partner_id = p.partner_id AND s.business_date < %(day)s
    ) b ON true
)
INSERT INTO payments_merchantsettlement
    (partner_id, business_date, purchases_amount, refunds_amount, merchant_fees_amount,
     subsidies_amount, net_amount, brought_forward_amount, payout_amount, pay_date, status, key,
     backend, reference, failure_code, failure_reason, query_count, created_at)
SELECT f.partner_id, %(day)s, f.purchases, f.refunds, f.fees, f.subsidies, f.net, f.forward,
       greatest(f.net + f.forward, 0), %(pay_date)s,
       CASE WHEN f.net + f.forward > 0 THEN %(due)s ELSE %(nothing)s END,
       'MS' || f.partner_id || '-' || %(day_digits)s, '', '', '', '', 0, %(now)s
FROM figures f
ON CONFLICT (partner_id, business_date) DO NOTHING
RETURNING partner_id
"""


def pay_date_for(business_date: date) -> date:
    """Return the first working day after ``business_date`` (PRODUCT §12)."""
    following = business_date + timedelta(days=1)
    return next_working_days_between(following, following).get(following, following)


@transaction.atomic
def merchant_settle(*, business_date: date, now: datetime) -> int:
    """Settle every partner's purchases and refunds of a closed business date; return the rows.

    Posts each partner's merchant fee of the date in the same transaction (``merchant_fees_post``).
    Idempotent: a date already settled is left as it is (its day row, and the unique
    (partner, date) of each settlement). Raises
    MerchantSettlementRefused for a date not closed yet (captures may still come) or one before
    a date already settled (dates settle in order, so what is brought forward is complete).
    """
    with connection.cursor() as cursor:
        # One settlement run at a time: the next date's brought-forward reads this one's rows.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('merchant_settle'))")
    if business_date >= business_date_current():
        raise MerchantSettlementRefused(f"Business date {business_date} is not closed yet.")
    if MerchantSettlementDay.objects.filter(business_date=business_date).exists():
        return 0
    if MerchantSettlementDay.objects.filter(business_date__gt=business_date).exists():
        raise MerchantSettlementRefused(
            f"A later date is settled already; {business_date} cannot be settled before it."
        )
    fees = merchant_fees_owed(business_date=business_date)
    subsidies = merchant_subsidies_owed(business_date=business_date)
    with connection.cursor() as cursor:
        cursor.execute(_SETTLE_SQL, _settle_params(business_date, now, fees, subsidies))
        settled = {int(row[0]) for row in cursor.fetchall()}
    written = len(settled)
    # The fees and subsidies leave the payable with the settlement that deducts them.
    merchant_fees_post(
        business_date=business_date,
        fees={partner: fee for partner, fee in fees.items() if partner in settled},
    )
    merchant_subsidies_post(
        business_date=business_date,
        subsidies={p: amount for p, amount in subsidies.items() if p in settled},
    )
    total = MerchantSettlement.objects.filter(business_date=business_date).aggregate(
        amount=Sum("payout_amount")
    )["amount"]
    MerchantSettlementDay.objects.create(
        business_date=business_date, partners=written, payout_amount=total or ZERO, created_at=now
    )
    logger.info("merchant settlement %s: %s partners", business_date, written)
    return written


def _settle_params(
    day: date, now: datetime, fees: dict[int, Decimal], subsidies: dict[int, Decimal]
) -> dict[str, Any]:
    partners = sorted(set(fees) | set(subsidies))
    return {
        "day": day,
        "day_digits": f"{day:%Y%m%d}",
        "pay_date": pay_date_for(day),
        "now": now,
        "captured": OrderStatus.CAPTURED.value,
        "failed": MerchantSettlementStatus.FAILED.value,
        "due": MerchantSettlementStatus.DUE.value,
        "nothing": MerchantSettlementStatus.NOTHING_TO_PAY.value,
        "charge_partners": partners,
        "fees": [fees.get(partner, ZERO) for partner in partners],
        "subsidies": [subsidies.get(partner, ZERO) for partner in partners],
    }


def merchant_settlement_dates_due() -> list[date]:
    """Return the closed business dates not settled yet, oldest first (at most CATCH_UP_DATES).

    From the day after the last settled date; before any settlement, from the first capture.
    """
    last = MerchantSettlementDay.objects.aggregate(last=Max("business_date"))["last"]
    if last is not None:
        first = last + timedelta(days=1)
    else:
        first_capture = Order.objects.filter(status=OrderStatus.CAPTURED).aggregate(
            first=Min("captured_date")
        )["first"]
        if first_capture is None:
            return []
        first = first_capture
    closed_through = business_date_current() - timedelta(days=1)
    count = min((closed_through - first).days + 1, CATCH_UP_DATES)
    return [first + timedelta(days=offset) for offset in range(max(count, 0))]


# ---------------------------------------------------------------------------------------------
# The payout rail


class MerchantPayoutBackend(Protocol):
    """How a partner's settlement reaches its bank account (the partner's settlement account is
    registered with the payment gateway under the partner's id).

    Both methods answer a ``PayoutResult``: settled, refused (``failure_code``), or not known
    yet. ``send`` may raise on a timeout: the outcome is then unknown, and it is asked about by
    ``query``, never sent again.
    """

    name: str

    def send(self, *, key: str, partner_id: int, amount: Decimal) -> PayoutResult: ...

    def query(self, *, key: str) -> PayoutResult: ...


class FakeMerchantPayoutBackend:
    """A scriptable bank for development and tests, like ``FakePayoutBackend``.

    Pays every payout at once unless ``script`` (class-level, popped per send) says
    ``"PENDING"`` (no answer), ``"TIMEOUT"`` (raises) or a failure code; ``answers`` holds what
    a later query answers, by key (unknown ones stay pending); ``sent`` lists the keys sent.
    """

    name = "fake"
    sent: ClassVar[list[str]] = []
    script: ClassVar[list[str]] = []
    answers: ClassVar[dict[str, PayoutResult]] = {}

    def send(self, *, key: str, partner_id: int, amount: Decimal) -> PayoutResult:
        FakeMerchantPayoutBackend.sent.append(key)
        reference = f"FAKE-{key}"
        outcome = FakeMerchantPayoutBackend.script.pop(0) if self.script else "SETTLED"
        if outcome == "TIMEOUT":
            raise TimeoutError("the fake bank did not answer")
        if outcome == "PENDING":
            return PayoutResult(reference=reference, settled=False)
        if outcome != "SETTLED":
            return PayoutResult(reference, False, outcome, "Refused by the fake bank")
        return PayoutResult(reference=reference, settled=True)

    def query(self, *, key: str) -> PayoutResult:
        pending = PayoutResult(reference=f"FAKE-{key}", settled=False)
        return FakeMerchantPayoutBackend.answers.get(key, pending)


def merchant_payout_backend() -> MerchantPayoutBackend:
    backend: MerchantPayoutBackend = import_string(settings.LENDPORTAL_MERCHANT_PAYOUT_BACKEND)()
    return backend


@dataclass
class PayoutRun:
    """What one sweep did: payouts sent and their outcomes known at once."""

    sent: int = 0
    settled: int = 0
    failed: int = 0
    unknown: int = 0
    amount: Decimal = ZERO
    keys: list[str] = field(default_factory=list)


def merchant_payouts_send(*, business_date: date, now: datetime, limit: int = 1000) -> PayoutRun:
    """Hand to the bank the settlements due to be paid by ``business_date``, each once."""
    run = PayoutRun()
    due = MerchantSettlement.objects.filter(
        status=MerchantSettlementStatus.DUE, pay_date__lte=business_date
    ).order_by("pay_date", "id")
    for settlement_id in list(due.values_list("id", flat=True)[:limit]):
        settlement = _send_claim(settlement_id, now)
        if settlement is None:
            continue
        run.sent += 1
        run.amount += settlement.payout_amount
        run.keys.append(settlement.key)
        _send(settlement, run, now)
    return run


@transaction.atomic
def _send_claim(settlement_id: int, now: datetime) -> MerchantSettlement | None:
    """Mark the settlement handed over, committed before the bank is called; None if it was."""
    settlement = (
        MerchantSettlement.objects.select_for_update(skip_locked=True)
        .filter(pk=settlement_id, status=MerchantSettlementStatus.DUE)
        .first()
    )
    if settlement is None:
        return None
    settlement.status = MerchantSettlementStatus.SENT
    settlement.send_started_at = now
    settlement.backend = merchant_payout_backend().name
    settlement.save(update_fields=["status", "send_started_at", "backend"])
    return settlement


def _send(settlement: MerchantSettlement, run: PayoutRun, now: datetime) -> None:
    try:
        result = merchant_payout_backend().send(
            key=settlement.key, partner_id=settlement.partner_id, amount=settlement.payout_amount
        )
    except Exception as error:  # noqa: BLE001 - any transport error: the outcome is unknown
        logger.warning(
            "merchant payout %s: no answer (%s), to be queried", settlement.pk, type(error).__name__
        )
        run.unknown += 1
        return
    outcome = merchant_payout_outcome_record(settlement_id=settlement.pk, result=result, now=now)
    run.settled += outcome == MerchantSettlementStatus.SETTLED
    run.failed += outcome == MerchantSettlementStatus.FAILED
    run.unknown += outcome == MerchantSettlementStatus.SENT


def merchant_payout_outcome_record(
    *, settlement_id: int, result: PayoutResult, now: datetime
) -> MerchantSettlementStatus:
    """Settle or fail the payout as ``result`` says; keep it SENT while the answer is unknown."""
    if result.settled:
        return merchant_payout_settle(
            settlement_id=settlement_id, reference=result.reference, now=now
        )
    if result.failed:
        return merchant_payout_fail(
            settlement_id=settlement_id,
            code=result.failure_code,
            reason=result.failure_reason,
            now=now,
        )
    return MerchantSettlementStatus.SENT


@transaction.atomic
def merchant_payout_settle(
    *, settlement_id: int, reference: str, now: datetime
) -> MerchantSettlementStatus:
    """Record that the bank paid the partner: Dr MERCHANT_PAYABLE, Cr CASH; once."""
    settlement = MerchantSettlement.objects.select_for_update().get(pk=settlement_id)
    if settlement.status != MerchantSettlementStatus.SENT:
        if settlement.status == MerchantSettlementStatus.FAILED:
            # A contradiction: left to finance (the settlement file shows it), as for loans.
            logger.warning("merchant payout %s: settled after it failed", settlement.pk)
        return MerchantSettlementStatus(settlement.status)
    settlement.entry = entry_post(
        entry_type=EntryType.PAYOUT_SETTLED,
        value_date=business_date_current(),
        lines=[
            debit(AccountCode.MERCHANT_PAYABLE, settlement.payout_amount),
            credit(AccountCode.CASH, settlement.payout_amount),
        ],
        key=f"merchant-payout:{settlement.pk}",
        memo=f"Merchant settlement {settlement.key} paid",
    )
    settlement.status = MerchantSettlementStatus.SETTLED
    settlement.settled_at = now
    settlement.reference = reference[:100]
    settlement.save(update_fields=["entry", "status", "settled_at", "reference"])
    logger.info("merchant payout %s: SETTLED", settlement.pk)
    return MerchantSettlementStatus.SETTLED


@transaction.atomic
def merchant_payout_fail(
    *, settlement_id: int, code: str, reason: str, now: datetime
) -> MerchantSettlementStatus:
    """Record the bank's refusal; the amount is owed again and goes with the next settlement."""
    settlement = MerchantSettlement.objects.select_for_update().get(pk=settlement_id)
    if settlement.status != MerchantSettlementStatus.SENT:
        if settlement.status == MerchantSettlementStatus.SETTLED:
            logger.warning("merchant payout %s: refused after it was paid", settlement.pk)
        return MerchantSettlementStatus(settlement.status)
    settlement.status = MerchantSettlementStatus.FAILED
    settlement.failure_code = (
        code if code in PayoutFailureCode.values else PayoutFailureCode.REFUSED.value
    )
    settlement.failure_reason = reason[:200]
    settlement.failed_at = now
    settlement.save(update_fields=["status", "failure_code", "failure_reason", "failed_at"])
    logger.info("merchant payout %s: FAILED %s", settlement.pk, settlement.failure_code)
    return MerchantSettlementStatus.FAILED


def merchant_payouts_query(*, now: datetime, limit: int = 100) -> PayoutRun:
    """Ask the bank about payouts whose outcome is unknown; never send them again."""
    run = PayoutRun()
    cutoff = now - QUERY_AFTER
    stale = MerchantSettlement.objects.filter(status=MerchantSettlementStatus.SENT).filter(
        Q(queried_at__lte=cutoff) | Q(queried_at__isnull=True, send_started_at__lte=cutoff)
    )
    for settlement_id in list(stale.order_by("id").values_list("id", flat=True)[:limit]):
        settlement = _query_claim(settlement_id, now)
        if settlement is None:
            continue
        try:
            result = merchant_payout_backend().query(key=settlement.key)
        except Exception as error:  # noqa: BLE001 - still unknown: asked again later
            logger.warning(
                "merchant payout %s: query failed (%s)", settlement_id, type(error).__name__
            )
            run.unknown += 1
            continue
        outcome = merchant_payout_outcome_record(
            settlement_id=settlement_id, result=result, now=now
        )
        run.settled += outcome == MerchantSettlementStatus.SETTLED
        run.failed += outcome == MerchantSettlementStatus.FAILED
        run.unknown += outcome == MerchantSettlementStatus.SENT
    return run


@transaction.atomic
def _query_claim(settlement_id: int, now: datetime) -> MerchantSettlement | None:
    settlement = (
        MerchantSettlement.objects.select_for_update(skip_locked=True)
        .filter(pk=settlement_id, status=MerchantSettlementStatus.SENT)
        .first()
    )
    if settlement is None:
        return None
    settlement.queried_at = now
    settlement.query_count += 1
    settlement.save(update_fields=["queried_at", "query_count"])
    return settlement
