"""The scriptable fake gateway (PRODUCT §11): each behaviour a test or the bench can script."""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest

from loans.payments.fake_gateway import FakeGateway
from loans.payments.gateway import CardDetails, ChargeOutcome, GatewayBindRefused, gateway
from tests.factories.accounts import make_bank_card, make_id_number

CARD = make_bank_card(number=501)


def bound(fake: FakeGateway, number: str = CARD) -> str:
    card = CardDetails(number=number, holder_name="张三", holder_id_number=make_id_number())
    return fake.bind(card=card)


def test_the_setting_selects_the_fake_and_every_instance_shares_one_state(fake):
    agreement = bound(fake)

    other = gateway()
    assert isinstance(other, FakeGateway)
    assert other.agreements == {agreement: CARD}


def test_a_charge_within_the_balance_succeeds_and_lowers_it(fake):
    FakeGateway.script(CARD, balance=Decimal("1000.00"))
    agreement = bound(fake)

    first = fake.charge(key="a-1", agreement_reference=agreement, amount=Decimal("916.80"))
    second = fake.charge(key="a-2", agreement_reference=agreement, amount=Decimal("83.21"))

    assert first.outcome == ChargeOutcome.SUCCEEDED
    assert first.gateway_reference == "FAKE-C-a-1"
    assert second.outcome == ChargeOutcome.INSUFFICIENT_FUNDS
    assert FakeGateway.card(CARD).balance == Decimal("83.20")
    assert [c.key for c in fake.debits] == ["a-1"]


def test_the_same_key_sent_again_answers_the_first_outcome_and_debits_nothing(fake):
    FakeGateway.script(CARD, balance=Decimal("1000.00"))
    agreement = bound(fake)

    results = [
        fake.charge(key="k", agreement_reference=agreement, amount=Decimal("600.00"))
        for _ in range(3)
    ]

    assert {r.outcome for r in results} == {ChargeOutcome.SUCCEEDED}
    assert FakeGateway.card(CARD).balance == Decimal("400.00")
    assert len(fake.charges) == 1
    assert len(fake.debits) == 1


def test_a_frozen_card_is_refused_and_keeps_its_balance(fake):
    agreement = bound(fake)
    FakeGateway.script(CARD, balance=Decimal("500.00"), frozen=True)

    result = fake.charge(key="f", agreement_reference=agreement, amount=Decimal("10.00"))

    assert result.outcome == ChargeOutcome.CARD_FROZEN
    assert FakeGateway.card(CARD).balance == Decimal("500.00")
    assert fake.debits == []


def test_a_closed_card_is_card_invalid(fake):
    agreement = bound(fake)
    FakeGateway.script(CARD, closed=True)

    result = fake.charge(key="c", agreement_reference=agreement, amount=Decimal("10.00"))

    assert result.outcome == ChargeOutcome.CARD_INVALID


def test_over_the_single_payment_limit_is_limit_exceeded_and_at_the_limit_succeeds(fake):
    FakeGateway.script(CARD, balance=Decimal("10000.00"), single_payment_limit=Decimal("5000.00"))
    agreement = bound(fake)

    over = fake.charge(key="l-1", agreement_reference=agreement, amount=Decimal("5000.01"))
    at = fake.charge(key="l-2", agreement_reference=agreement, amount=Decimal("5000.00"))

    assert over.outcome == ChargeOutcome.LIMIT_EXCEEDED
    assert at.outcome == ChargeOutcome.SUCCEEDED
    assert FakeGateway.card(CARD).balance == Decimal("5000.00")


def test_an_unknown_or_ended_agreement_is_agreement_revoked(fake):
    agreement = bound(fake)
    fake.unbind(agreement_reference=agreement)

    ended = fake.charge(key="r-1", agreement_reference=agreement, amount=Decimal("1.00"))
    unknown = fake.charge(key="r-2", agreement_reference="NO-SUCH", amount=Decimal("1.00"))

    assert ended.outcome == ChargeOutcome.AGREEMENT_REVOKED
    assert unknown.outcome == ChargeOutcome.AGREEMENT_REVOKED
    assert fake.debits == []


def test_revoked_at_the_bank_is_agreement_revoked(fake):
    agreement = bound(fake)
    FakeGateway.revoke_at_bank(agreement)

    result = fake.charge(key="b", agreement_reference=agreement, amount=Decimal("1.00"))

    assert result.outcome == ChargeOutcome.AGREEMENT_REVOKED


def test_the_unknown_share_answers_pending_and_the_query_tells_the_truth(fake):
    FakeGateway.script(CARD, balance=Decimal("100000.00"), unknown_share=0.3)
    agreement = bound(fake)

    answers = [
        fake.charge(key=f"u-{i}", agreement_reference=agreement, amount=Decimal("1.00"))
        for i in range(1000)
    ]

    pending = [a.key for a in answers if a.outcome == ChargeOutcome.PENDING]
    assert 240 <= len(pending) <= 360  # 30 % of 1,000, well inside 4 standard deviations
    assert {fake.charge_query(key=k).outcome for k in pending} == {ChargeOutcome.SUCCEEDED}
    # An unknown outcome still moved the money: every charge was debited once.
    assert FakeGateway.card(CARD).balance == Decimal("99000.00")
    assert Counter(c.key for c in fake.debits).most_common(1)[0][1] == 1
    # Asking again with a pending key moves nothing and still answers PENDING.
    again = fake.charge(key=pending[0], agreement_reference=agreement, amount=Decimal("1.00"))
    assert again.outcome == ChargeOutcome.PENDING
    assert FakeGateway.card(CARD).balance == Decimal("99000.00")


def test_the_unknown_outcomes_replay_with_the_same_seed(fake):
    def run() -> list[ChargeOutcome]:
        FakeGateway.reset(seed=42)
        FakeGateway.script(CARD, unknown_share=0.5)
        agreement = bound(fake)
        return [
            fake.charge(key=f"s-{i}", agreement_reference=agreement, amount=Decimal("1.00")).outcome
            for i in range(50)
        ]

    first, second = run(), run()

    assert first == second
    assert ChargeOutcome.PENDING in first
    assert ChargeOutcome.SUCCEEDED in first


def test_a_query_of_a_key_never_sent_is_pending(fake):
    assert fake.charge_query(key="never").outcome == ChargeOutcome.NOT_FOUND


def test_latency_delays_the_answer(fake):
    FakeGateway.script(CARD, latency_seconds=0.2)
    agreement = bound(fake)

    started = time.monotonic()
    fake.charge(key="slow", agreement_reference=agreement, amount=Decimal("1.00"))
    slow = time.monotonic() - started
    FakeGateway.script(CARD, latency_seconds=0.0)
    started = time.monotonic()
    fake.charge(key="fast", agreement_reference=agreement, amount=Decimal("1.00"))
    fast = time.monotonic() - started

    assert slow >= 0.2
    assert fast < 0.1


@pytest.mark.parametrize(
    ("behaviour", "reason"), [("closed", "CARD_INVALID"), ("frozen", "CARD_FROZEN")]
)
def test_binding_a_closed_or_frozen_card_is_refused_with_the_reason(fake, behaviour, reason):
    FakeGateway.script(CARD, **{behaviour: True})

    with pytest.raises(GatewayBindRefused) as refusal:
        bound(fake)

    assert refusal.value.reason == reason
    assert fake.agreements == {}


def test_scripting_an_unknown_behaviour_is_an_error():
    with pytest.raises(TypeError):
        FakeGateway.script(CARD, overdraft=True)


def test_payouts_settle_once_and_the_query_finds_them(fake):
    payout = cast(Any, SimpleNamespace(pk=77))

    sent = fake.send(payout)
    again = fake.send(payout)

    assert sent.settled
    assert sent.reference == again.reference == "FAKE-0000000077"
    assert fake.payout_query(payout) == sent
    assert not fake.payout_query(cast(Any, SimpleNamespace(pk=78))).settled


def test_card_details_never_show_their_numbers():
    card = CardDetails(number=CARD, holder_name="张三", holder_id_number=make_id_number())

    assert CARD not in repr(card)
    assert "张三" not in repr(card)
