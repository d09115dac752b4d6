"""The loan page tells the borrower about auto-debit (PRODUCT §11): on or off, the card it
charges (masked), and what became of the latest attempts, in their words and language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accounts import crypto
from accounts.models import Borrower, User
from loans.payments.card_bindings import card_binding_create
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.fake_gateway import FakeGateway
from loans.payments.models import CardBindingChannel
from loans.servicing.models import Loan
from tests.factories.accounts import make_bank_card
from tests.factories.loans import draw
from tests.functional.portal.conftest import borrower_for, signed_in
from tests.integration.payments.collection_world import CONSENT, DRAWN, DUE, bj, business_date_set

pytestmark = pytest.mark.django_db

CARD = make_bank_card(number=777)


@pytest.fixture(autouse=True)
def fake(settings) -> Iterator[FakeGateway]:
    settings.LENDPORTAL_GATEWAY_BACKEND = "loans.payments.fake_gateway.FakeGateway"
    FakeGateway.reset(seed=1)
    yield FakeGateway()
    FakeGateway.reset()


@pytest.fixture
def loan(user: User, product) -> Loan:
    return draw(borrower_for(user), as_of=DRAWN)


def bind(borrower: Borrower) -> None:
    card_binding_create(
        borrower=borrower,
        card_number=CARD,
        holder_name=borrower.full_name,
        holder_id_number=crypto.decrypt(borrower.id_number_ciphertext),
        consent=CONSENT,
        channel=CardBindingChannel.PORTAL,
    )


def test_without_a_card_the_page_says_off_and_links_to_switch_it_on(user, loan):
    page = signed_in(user).get(f"/app/loans/{loan.pk}/")

    assert "Auto-debit" in page.text
    assert "Off." in page.text
    assert 'href="/app/auto-debit/"' in page.text


def test_a_refused_charge_and_its_retry_are_shown_with_the_card_masked(user, loan):
    bind(loan.borrower)
    FakeGateway.script(CARD, balance=0)
    business_date_set(DUE)
    run = collection_plan(business_date=DUE)
    collection_chunk_send(run_id=run.pk, chunk=0, now=bj(DUE, 8, 5))

    english = signed_in(user).get(f"/app/loans/{loan.pk}/").text
    chinese = signed_in(user, "zh-hans").get(f"/app/loans/{loan.pk}/").text

    assert f"charged to card {crypto.mask_bank_card(CARD)} from 08:00" in english
    assert CARD not in english
    assert "Not charged: not enough money on the card; we will try again" in english
    assert "Will be charged" in english  # the 12:00 retry
    assert "12:00" in english
    assert "卡内余额不足" in chinese
    assert "待扣款" in chinese
