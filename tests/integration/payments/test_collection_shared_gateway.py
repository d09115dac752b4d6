"""The fake gateway shared through Redis: several processes, one gateway, each key once (§11).

Workers run in processes of their own; with ``LENDPORTAL_FAKE_GATEWAY_SHARED`` the fake keeps
its cards, agreements and charges in Redis, so the bench and the tests can script cards here
and assert, across every process, that no key was charged twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections import Counter
from decimal import Decimal

import pytest

from loans.payments.fake_gateway import FakeGateway, _store
from loans.payments.gateway import CardDetails, ChargeOutcome
from tests.factories.accounts import make_bank_card, make_id_number

CARD = make_bank_card(number=4242)
CHARGER = """
import sys
from decimal import Decimal

import django

django.setup()
from loans.payments.fake_gateway import FakeGateway

gateway = FakeGateway()
for n in range(20):
    gateway.charge(key=f"k-{n}", agreement_reference=sys.argv[1], amount=Decimal("10.00"))
"""


@pytest.fixture
def shared(settings):
    namespace = f"fake-gateway-test-{uuid.uuid4().hex[:8]}"
    settings.LENDPORTAL_FAKE_GATEWAY_SHARED = True
    settings.LENDPORTAL_FAKE_GATEWAY_NAMESPACE = namespace
    FakeGateway.reset(seed=7)
    yield namespace
    FakeGateway.reset()


def test_processes_charging_the_same_keys_debit_each_key_once(shared):
    FakeGateway.script(CARD, balance=Decimal("150.00"))
    agreement = FakeGateway().bind(
        card=CardDetails(number=CARD, holder_name="张三", holder_id_number=make_id_number())
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "lendportal.settings.test",
        "LENDPORTAL_FAKE_GATEWAY_SHARED": "1",
        "LENDPORTAL_FAKE_GATEWAY_NAMESPACE": shared,
    }

    processes = [
        subprocess.Popen([sys.executable, "-c", CHARGER, agreement], env=env) for _ in range(3)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]

    fake = FakeGateway()
    assert len(fake.charges) == 20  # every key reached the gateway once
    assert Counter(c.key for c in fake.debits).most_common(1)[0][1] == 1
    assert len(fake.debits) == 15  # ¥150 in ¥10 charges
    assert FakeGateway.card(CARD).balance == Decimal("0.00")
    assert fake.charge_query(key="k-19").outcome in {
        ChargeOutcome.SUCCEEDED,
        ChargeOutcome.INSUFFICIENT_FUNDS,
    }


def test_the_shared_state_keeps_the_public_api(shared):
    FakeGateway.script(CARD, balance=Decimal("100.00"), single_payment_limit=Decimal("60.00"))
    fake = FakeGateway()
    agreement = fake.bind(
        card=CardDetails(number=CARD, holder_name="张三", holder_id_number=make_id_number())
    )

    over = fake.charge(key="a", agreement_reference=agreement, amount=Decimal("70.00"))
    fine = fake.charge(key="b", agreement_reference=agreement, amount=Decimal("60.00"))
    FakeGateway.revoke_at_bank(agreement)
    revoked = fake.charge(key="c", agreement_reference=agreement, amount=Decimal("1.00"))

    assert (over.outcome, over.single_payment_limit) == (
        ChargeOutcome.LIMIT_EXCEEDED,
        Decimal("60.00"),
    )
    assert fine.outcome == ChargeOutcome.SUCCEEDED
    assert revoked.outcome == ChargeOutcome.AGREEMENT_REVOKED
    assert fake.agreements == {agreement: CARD}
    assert [c.key for c in fake.debits] == ["b"]
    assert FakeGateway.card(CARD).balance == Decimal("40.00")
    FakeGateway.reset()
    assert fake.charges == []
    assert fake.agreements == {}


def test_a_charge_waits_only_for_charges_of_its_own_card(shared):
    # The shared fake decides a charge under its card's lock: a charge of another card goes
    # through while one card is busy (one lock for every card made the bench's senders queue).
    other = make_bank_card(number=4343)
    gateway = FakeGateway()
    agreements = {
        card: gateway.bind(
            card=CardDetails(number=card, holder_name="张三", holder_id_number=make_id_number())
        )
        for card in (CARD, other)
    }
    results: dict[str, ChargeOutcome] = {}

    def charge(card: str, key: str) -> None:
        answer = gateway.charge(key=key, agreement_reference=agreements[card], amount=Decimal("1"))
        results[key] = answer.outcome

    with _store().locked(CARD):
        for card, key in ((other, "other"), (CARD, "busy")):
            thread = threading.Thread(target=charge, args=(card, key), daemon=True)
            thread.start()
            thread.join(timeout={"other": 5.0, "busy": 0.5}[key])

        assert results == {"other": ChargeOutcome.SUCCEEDED}  # the busy card's charge waits
    thread.join(timeout=5.0)
    assert results["busy"] == ChargeOutcome.SUCCEEDED
