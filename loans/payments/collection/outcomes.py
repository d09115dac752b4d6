"""What the gateway says of a charge, recorded exactly once (PRODUCT §11).

Whoever learns an outcome first, the gateway's answer to ``charge``, its signed callback, the
query sweep or the settlement file, calls ``attempt_outcome_record`` with the attempt's key. It
locks the attempt; only an attempt in flight (SENDING or PENDING) changes, so a second report of
the same outcome is a no-op and a conflicting one is logged (by key) and left to finance. A
success becomes a repayment through ``repayment_post`` in the same transaction, once: the
attempt leaves SENDING/PENDING in that transaction and ``repayment`` is one-to-one.

What each outcome leads to (docs/rails.md "The collection run"):

- PENDING: SENDING → PENDING; the sweep asks the gateway by the key, never charges again;
- SUCCEEDED: the repayment (channel AUTO_DEBIT, reference ``auto-debit-<key>``, valued on the
  business date of the charge); a loan that no longer takes repayments keeps the money as
  ``unapplied``, for finance to refund;
- INSUFFICIENT_FUNDS, NOT_FOUND (the gateway never received it; only from the query sweep):
  FAILED, and the next retry of the schedule planned;
- CARD_INVALID, CARD_FROZEN, AGREEMENT_REVOKED: FAILED, auto-debit switched off, borrower told;
- LIMIT_EXCEEDED: FAILED, and the amount split into parts under the limit.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.errors import LendingError
from loans.metrics import auto_debit_outcome_count
from loans.payments.collection.followups import attempt_parts_plan, attempt_retry_plan
from loans.payments.collection.notices import auto_debit_stop
from loans.payments.collection.timing import beijing_date
from loans.payments.gateway import ChargeOutcome
from loans.payments.models import IN_FLIGHT, AttemptStatus, CollectionAttempt
from loans.revolving.models import RevolvingAccount, RevolvingPaymentChannel
from loans.revolving.services.payments import RevolvingPaymentRefused, revolving_payment_post
from loans.rows import instances_from_rows, select_list
from loans.servicing.models import Loan, RepaymentChannel
from loans.servicing.services.locked_reads import loan_lock
from loans.servicing.services.repayment_plans import RepaymentRefused
from loans.servicing.services.repayments import repayment_post

logger = logging.getLogger(__name__)

ATTEMPT = CollectionAttempt._meta.db_table

DECIDERS = frozenset({"answer", "callback", "query", "file"})
STOPPING = frozenset(
    {ChargeOutcome.CARD_INVALID, ChargeOutcome.CARD_FROZEN, ChargeOutcome.AGREEMENT_REVOKED}
)


class AttemptUnknown(LendingError):
    """No auto-debit attempt has this key."""

    code = "attempt_unknown"


@transaction.atomic
def attempt_outcome_record(
    *,
    key: str,
    outcome: ChargeOutcome,
    gateway_reference: str = "",
    decided_by: str,
    as_of: date | None = None,
    now: datetime | None = None,
    single_payment_limit: Decimal | None = None,
) -> CollectionAttempt:
    """Record the outcome of the charge of ``key``, once; return the attempt as it stands.

    ``decided_by`` is who says so: "answer", "callback", "query" or "file". ``as_of`` is the
    business date (default: the open one), ``now`` the time (default: the clock).
    ``single_payment_limit`` is the bank's limit with LIMIT_EXCEEDED, if it named one. Raises
    AttemptUnknown for an unknown key and ValueError for an unknown ``decided_by``.
    """
    if decided_by not in DECIDERS:
        raise ValueError(f"decided_by must be one of {sorted(DECIDERS)}, got {decided_by!r}")
    outcome = ChargeOutcome(outcome)
    attempt = _attempt_lock(key)
    if attempt is None:
        raise AttemptUnknown(f"No auto-debit attempt has the key {key!r}.")
    if attempt.status not in IN_FLIGHT:
        _already_decided(attempt, outcome)
        return attempt
    now = now or timezone.now()
    if gateway_reference:
        attempt.gateway_reference = gateway_reference[:100]
    if outcome == ChargeOutcome.PENDING:
        return _pending(attempt)
    auto_debit_outcome_count(outcome=outcome.value)  # once: the attempt leaves flight here
    as_of = as_of or business_date_current()
    attempt.outcome = outcome
    attempt.decided_by = decided_by
    attempt.decided_at = now
    account_id, loan_id = attempt.account_id, attempt.loan_id
    if outcome == ChargeOutcome.SUCCEEDED:
        if account_id is not None:
            _bill_succeeded(attempt, account_id, now)  # the payment service locks the account
        else:
            _succeeded(attempt, as_of)  # the repayment service takes the loan's lock
        return attempt
    # The loan's (or account's) lock, before anything follows: the series' sequence numbers.
    if account_id is not None:
        RevolvingAccount.objects.select_for_update().filter(pk=account_id).exists()
    elif loan_id is not None:
        loan_lock(loan_id=loan_id)
    attempt.status = AttemptStatus.FAILED
    _save(attempt)
    _failed_followups(attempt, outcome, as_of, now, single_payment_limit)
    return attempt


def _attempt_lock(key: str) -> CollectionAttempt | None:
    """The attempt of ``key`` under its row lock (written out: every outcome runs it)."""
    names, select = select_list(CollectionAttempt)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select} FROM {ATTEMPT} WHERE key = %s FOR UPDATE",  # noqa: S608 - the model's columns
            [key],
        )
        rows = instances_from_rows(CollectionAttempt, names, cursor.fetchall())
    return rows[0] if rows else None


def _already_decided(attempt: CollectionAttempt, outcome: ChargeOutcome) -> None:
    if outcome == ChargeOutcome.PENDING or outcome == attempt.outcome:
        return
    # Money may have moved otherwise than we recorded: finance sees it in the settlement.
    logger.warning(
        "conflicting outcome for auto-debit attempt %s: %s reported, %s recorded",
        attempt.key,
        outcome,
        attempt.outcome or attempt.status,
    )


def _pending(attempt: CollectionAttempt) -> CollectionAttempt:
    if attempt.status != AttemptStatus.PENDING:  # a query answered "still pending" is no news
        auto_debit_outcome_count(outcome=ChargeOutcome.PENDING.value)
    attempt.status = AttemptStatus.PENDING
    _save(attempt)
    return attempt


def _succeeded(attempt: CollectionAttempt, as_of: date) -> None:
    """Post the repayment, valued on the Beijing date of the charge (never after ``as_of``).

    ``repayment_post`` locks the loan and refuses one that takes no repayment any more.
    """
    attempt.status = AttemptStatus.SUCCEEDED
    sent_on = beijing_date(attempt.sent_at) if attempt.sent_at else as_of
    try:
        attempt.repayment = repayment_post(
            loan=Loan(pk=attempt.loan_id),
            amount=attempt.amount,
            value_date=min(sent_on, as_of),
            as_of=as_of,
            channel=RepaymentChannel.AUTO_DEBIT,
            reference=f"auto-debit-{attempt.key}",
        )
    except RepaymentRefused as refused:
        # The money was taken but the loan takes no repayment (closed meanwhile): it must
        # not be lost. Finance refunds it from the queue of unapplied successes.
        attempt.unapplied = True
        logger.warning(
            "auto-debit attempt %s succeeded on loan %s: unapplied, to refund (%s)",
            attempt.key,
            attempt.loan_id,
            refused,
        )
    _save(attempt)


def _bill_succeeded(attempt: CollectionAttempt, account_id: int, now: datetime) -> None:
    """Post the payment on the revolving account through its one payment service, once: the
    reference is the attempt's key, and the service posts a reference once."""
    attempt.status = AttemptStatus.SUCCEEDED
    try:
        attempt.revolving_payment, _ = revolving_payment_post(
            account_id=account_id,
            amount=attempt.amount,
            channel=RevolvingPaymentChannel.AUTO_DEBIT,
            reference=f"auto-debit-{attempt.key}",
            now=now,
        )
    except RevolvingPaymentRefused as refused:
        attempt.unapplied = True  # the money is owed back: the finance queue lists it
        logger.warning(
            "auto-debit attempt %s succeeded on revolving account %s: unapplied, to refund (%s)",
            attempt.key,
            attempt.account_id,
            refused,
        )
    _save(attempt)


def _failed_followups(
    attempt: CollectionAttempt,
    outcome: ChargeOutcome,
    as_of: date,
    now: datetime,
    limit: Decimal | None,
) -> None:
    if outcome in {ChargeOutcome.INSUFFICIENT_FUNDS, ChargeOutcome.NOT_FOUND}:
        attempt_retry_plan(attempt=attempt, now=now)
    elif outcome == ChargeOutcome.LIMIT_EXCEEDED:
        attempt_parts_plan(attempt=attempt, limit=limit, now=now)
    elif outcome in STOPPING:
        auto_debit_stop(attempt=attempt, as_of=as_of, now=now)


_SAVE_SQL = f"""
UPDATE {ATTEMPT} SET status = %(status)s, outcome = %(outcome)s, decided_by = %(decided_by)s,
    decided_at = %(decided_at)s, gateway_reference = %(gateway_reference)s,
    repayment_id = %(repayment)s, revolving_payment_id = %(revolving_payment)s,
    unapplied = %(unapplied)s
WHERE id = %(id)s
"""  # noqa: S608 - the interpolated part is a table name


def _save(attempt: CollectionAttempt) -> None:
    """Write what an outcome changed on the attempt (written out: every outcome runs it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SAVE_SQL,
            {
                "status": attempt.status,
                "outcome": attempt.outcome,
                "decided_by": attempt.decided_by,
                "decided_at": attempt.decided_at,
                "gateway_reference": attempt.gateway_reference,
                "repayment": attempt.repayment_id,
                "revolving_payment": attempt.revolving_payment_id,
                "unapplied": attempt.unapplied,
                "id": attempt.pk,
            },
        )
