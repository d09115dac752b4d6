"""Property (issue #17, PRODUCT §11): whatever the gateway says, in whatever order, the money
it took is the money we posted, to the fen, each charge once.

A handful of loans are due on DUE, each with a bound card scripted at random: balance enough or
short, frozen, a single-payment limit under the amount, a share of unknown answers (PENDING).
The day runs through the real services: planning; sending at 08:00, 12:00 and 18:00
(``collection_chunk_send``: the synchronous answer); between them, in an order drawn by
Hypothesis, the gateway's signed callbacks to ``POST /api/v1/gateway/callbacks`` (the real
outcome of a charge it received, possibly twice, possibly after the outcome is known, more
often about a charge still unknown here), the query sweep, the gateway's settlement file of the day
(``settlement_import``: every charge it received, SUCCEEDED or FAILED; imported before or after
the callbacks, possibly again later as a corrected file), and the borrower paying the loan off
while a charge is in flight. At 20:00 the sweep asks about whatever is still unknown.

Then: the sum of the fake's debits equals the AUTO_DEBIT repayments plus the succeeded
attempts left unapplied (money finance must refund); each debited key is exactly one SUCCEEDED
attempt of the same amount, and every SUCCEEDED attempt was debited; each repayment is posted
once (one per attempt, its reference the key); no loan was debited more than it owed when
the run was planned; the books reconcile. Each example is a savepoint rolled back at its end.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.db.models import Sum
from django.test import Client, override_settings
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from loans.payments.collection.dispatch import collection_run_dispatch
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.queries import collection_attempts_query
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.fake_gateway import FakeGateway
from loans.payments.gateway import ChargeOutcome, callback_signature
from loans.payments.models import IN_FLIGHT, AttemptStatus, CollectionAttempt
from loans.payments.settlement.imports import settlement_import
from loans.servicing.models import Loan, LoanStatus, Repayment, RepaymentChannel
from loans.servicing.selectors import loan_payoff_quote
from loans.servicing.services.repayments import repayment_post
from tests.integration.books import assert_books_reconcile
from tests.integration.payments.collection_world import DUE, Bound, bj, bound_loan
from tests.integration.payments.settlement_world import HEADER

pytestmark = pytest.mark.django_db

EXAMPLES = 40
CALLBACK_URL = "/api/v1/gateway/callbacks"
SECRET = "gateway-callback-secret-for-property-tests"
SENDS = [bj(DUE, 8), bj(DUE, 12), bj(DUE, 18)]


@dataclass(frozen=True)
class Card:
    short: bool  # the balance is under what is due
    frozen: bool
    limited: bool  # a single-payment limit under what is due
    unknown_share: float


cards = st.builds(
    Card,
    short=st.booleans(),
    frozen=st.sampled_from([False, False, True]),
    limited=st.booleans(),
    unknown_share=st.sampled_from([0.0, 0.5, 1.0, 1.0]),
)
# Between two sends: what the gateway and the borrower do, in this order.
REPORTS = ["callback", "callback", "callback twice", "query", "file", "payoff"]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scripts=st.lists(cards, min_size=2, max_size=4), data=st.data())
def test_money_taken_at_the_gateway_is_money_posted_once(
    scripts: list[Card], data: st.DataObject
) -> None:
    with transaction.atomic(), override_settings(LENDPORTAL_GATEWAY_CALLBACK_SECRET=SECRET):
        FakeGateway.reset(seed=data.draw(st.integers(0, 1_000), label="seed"))
        loans = [_bound(script, n) for n, script in enumerate(scripts)]
        owed = {b.loan.pk: b.due() for b in loans}
        with time_machine.travel(bj(DUE, 7, 30), tick=False):
            collection_plan(business_date=DUE, now=bj(DUE, 7, 30))
        for n, at in enumerate(SENDS):
            _send(at)
            reports = data.draw(
                st.lists(st.sampled_from(REPORTS), min_size=1, max_size=8), label=f"at {at}"
            )
            for m, report in enumerate(reports):
                _report(report, at + timedelta(minutes=5 + m), loans, data)
            if n == len(SENDS) - 1:
                _query(bj(DUE, 20))  # the last sweep of the day: every charge was received

        assert not CollectionAttempt.objects.filter(status__in=IN_FLIGHT).exists()
        _assert_money_taken_is_money_posted_once(owed)
        assert_books_reconcile()
        transaction.set_rollback(True)


def _bound(script: Card, n: int) -> Bound:
    bound = bound_loan()
    due = bound.due()
    behaviour: dict[str, Any] = {"unknown_share": script.unknown_share}
    if script.short:
        behaviour["balance"] = (due * Decimal("0.6")).quantize(Decimal("0.01"))
    if script.limited:
        behaviour["single_payment_limit"] = (due / 3).quantize(Decimal("0.01"))
    if script.frozen:  # after binding: the bank refuses to bind a frozen card
        behaviour["frozen"] = True
    FakeGateway.script(bound.card, **behaviour)
    note(f"loan {bound.loan.pk}: owes {due}, card {script}")
    return bound


def _send(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        for chunk in collection_run_dispatch(business_date=DUE, now=at):
            collection_chunk_send(run_id=chunk.run_id, chunk=chunk.chunk, now=at)


def _query(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        collection_attempts_query(now=at, older_than_seconds=0)


def _report(report: str, at: datetime, loans: list[Bound], data: st.DataObject) -> None:
    note(f"{at:%H:%M} {report}")
    with time_machine.travel(at, tick=False):
        if report.startswith("callback"):
            charges = FakeGateway().charges  # the gateway calls back about a charge it received
            unknown = set(
                CollectionAttempt.objects.filter(status__in=IN_FLIGHT).values_list("key", flat=True)
            )
            if data.draw(st.booleans(), label="about one still unknown here"):
                charges = [c for c in charges if c.key in unknown] or charges
            if charges:
                charge = data.draw(st.sampled_from(charges), label="callback about")
                for _ in range(2 if report == "callback twice" else 1):
                    _callback(charge.key, charge.outcome)
        elif report == "query":
            collection_attempts_query(now=at, older_than_seconds=0)
        elif report == "file":
            settlement_import(name=f"settlement-{at:%H%M}.csv", content=_gateway_file())
        else:  # the borrower pays the loan off on the portal, perhaps while a charge is in flight
            loan = Loan.objects.get(pk=data.draw(st.sampled_from(loans)).loan.pk)
            if loan.status == LoanStatus.ACTIVE:
                quote = loan_payoff_quote(loan=loan, as_of=DUE).total - loan.advance_amount
                if quote > 0:
                    repayment_post(
                        loan=loan,
                        amount=quote,
                        value_date=DUE,
                        as_of=DUE,
                        channel=RepaymentChannel.PORTAL,
                        reference=f"portal-payoff-{loan.pk}",
                    )


def _callback(key: str, outcome: str) -> None:
    """The gateway's signed callback, posted to the real endpoint (no CSRF token)."""
    body = json.dumps(
        {"kind": "CHARGE", "key": key, "outcome": outcome, "gateway_reference": f"FAKE-C-{key}"}
    ).encode()
    response = Client(enforce_csrf_checks=True).post(
        CALLBACK_URL,
        data=body,
        content_type="application/json",
        headers={"X-Gateway-Signature": callback_signature(body=body, secret=SECRET)},
    )
    assert (response.status_code, response.json()) == (200, {"status": "recorded"})


def _gateway_file() -> bytes:
    """The gateway's settlement file of DUE so far: every charge it received, as it decided it."""
    lines = [
        f"{DUE.isoformat()},{c.key},FAKE-C-{c.key},CHARGE,{c.amount},"
        f"{'SUCCEEDED' if c.outcome == ChargeOutcome.SUCCEEDED else 'FAILED'}"
        for c in FakeGateway().charges
    ]
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def _assert_money_taken_is_money_posted_once(owed: dict[int, Decimal]) -> None:
    debits = FakeGateway().debits
    assert max(Counter(d.key for d in debits).values(), default=0) <= 1, "a key debited twice"
    debited = {d.key: d.amount for d in debits}
    attempts = {a.key: a for a in CollectionAttempt.objects.select_related("repayment")}
    succeeded = {k: a for k, a in attempts.items() if a.status == AttemptStatus.SUCCEEDED}
    assert set(succeeded) == set(debited), "a debit without its success, or a success without"
    for key, attempt in succeeded.items():
        event(
            f"success decided by {attempt.decided_by}{', unapplied' if attempt.unapplied else ''}"
        )
        assert attempt.amount == debited[key], key
        if attempt.unapplied:
            assert attempt.repayment is None, key
        else:
            assert attempt.repayment is not None, key
            assert attempt.repayment.amount == attempt.amount, key
            assert attempt.repayment.reference == f"auto-debit-{key}", key

    auto = Repayment.objects.filter(channel=RepaymentChannel.AUTO_DEBIT)
    references = Counter(auto.values_list("reference", flat=True))
    assert all(n == 1 for n in references.values()), "a repayment posted twice"
    assert auto.count() == sum(1 for a in succeeded.values() if not a.unapplied)
    posted = auto.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    unapplied = sum((a.amount for a in succeeded.values() if a.unapplied), Decimal("0.00"))
    assert sum(debited.values(), Decimal("0.00")) == posted + unapplied

    per_loan: defaultdict[int, Decimal] = defaultdict(Decimal)
    for key, amount in debited.items():
        loan_id = attempts[key].loan_id
        assert loan_id is not None  # only loans are due in these scripts
        per_loan[loan_id] += amount
    assert {k: v for k, v in per_loan.items() if v > owed[k]} == {}, "a loan debited too much"
