"""Partner settlement and the revolving portfolio in the back office (issue #18): finance reads
each partner's day (purchases, refunds, fees, subsidies, net, payout and its state) with money
as ¥12,345.60, in English and Chinese; the dashboard shows the revolving accounts' balance,
billed and not, past due and by bucket."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import COLLECTIONS_AGENT, FINANCE
from loans.backoffice.revolving_portfolio import revolving_portfolio
from loans.calendar.models import BusinessDate
from loans.payments.merchant_settlement import (
    FakeMerchantPayoutBackend,
    merchant_payouts_send,
    merchant_settle,
)
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.orders import order_capture
from loans.revolving.services.refunds import order_refund
from tests.functional.backoffice.conftest import client_for
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

D = date
CHANGELIST = "/admin/payments/merchantsettlement/"


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _open(day: date) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)


@pytest.fixture
def shop() -> Shop:
    """¥12,345.60 and ¥654.40 bought on 19 March 2027, ¥1,000 of the first refunded."""
    shop = shop_with_account()
    _open(D(2027, 3, 19))
    first = shop.order("12345.60", 1, now=_at(D(2027, 3, 19)))
    order_capture(order_id=first.pk, now=_at(D(2027, 3, 19)))
    second = shop.order("654.40", 2, now=_at(D(2027, 3, 19)))
    order_capture(order_id=second.pk, now=_at(D(2027, 3, 19)))
    order_refund(
        order_id=first.pk,
        merchant_refund_id="R1",
        amount=Decimal("1000.00"),
        now=_at(D(2027, 3, 19)),
    )
    return shop


def test_finance_reads_a_partners_day_and_its_payout(staff: dict[str, User], shop: Shop) -> None:
    _open(D(2027, 3, 20))
    merchant_settle(business_date=D(2027, 3, 19), now=_at(D(2027, 3, 20)))
    FakeMerchantPayoutBackend.script[:] = ["ACCOUNT_CLOSED"]
    merchant_payouts_send(business_date=D(2027, 3, 20), now=_at(D(2027, 3, 20)))

    page = client_for(staff[FINANCE]).get(CHANGELIST)

    assert page.status_code == 200
    text = page.content.decode()
    for figure in ("¥13,000.00", "¥1,000.00", "¥12,000.00"):
        assert figure in text
    assert shop.partner.name in text
    assert "Refused by the bank: Account closed" in text
    assert "Merchant fees" in text or "merchant fees" in text


def test_the_page_reads_in_chinese(staff: dict[str, User], shop: Shop) -> None:
    _open(D(2027, 3, 20))
    merchant_settle(business_date=D(2027, 3, 19), now=_at(D(2027, 3, 20)))
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(staff[FINANCE])

    text = client.get(CHANGELIST).content.decode()

    assert "待付款" in text  # DUE
    assert "商户手续费" in text
    assert "¥12,000.00" in text


def test_a_collections_agent_does_not_see_partner_settlement(
    staff: dict[str, User], shop: Shop
) -> None:
    assert client_for(staff[COLLECTIONS_AGENT]).get(CHANGELIST).status_code == 403


def test_the_dashboard_shows_the_revolving_portfolio(staff: dict[str, User], shop: Shop) -> None:
    # Billed on 1 April: ¥12,000.00, minimum ¥1,200.00; nothing paid: past due from 11 April.
    for day in range(1, 15):
        _open(D(2027, 4, day))
        revolving_day_close(business_date=D(2027, 4, day))
    _open(D(2027, 4, 15))
    shop.account.refresh_from_db()
    charged = shop.account.unbilled_interest_amount + shop.account.unbilled_penalty_amount

    figures = revolving_portfolio(as_of=D(2027, 4, 15))
    page = client_for(staff[FINANCE]).get(reverse("backoffice:portfolio"))

    assert figures.accounts == 1
    assert figures.overdue_accounts == 1
    # Interest and penalty charged since the 1 April cut are owed but not billed yet.
    assert charged > 0
    assert (figures.billed, figures.unbilled) == (Decimal("12000.00"), charged)
    assert figures.overdue_minimum == Decimal("1200.00")
    m1 = next(row for row in figures.buckets if row.bucket == "M1")
    assert (m1.accounts, m1.principal) == (1, Decimal("12000.00"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Revolving credit" in text
    assert 'id="revolving-billed">¥12,000.00<' in text
    assert "overdue minimum payments: ¥1,200.00" in text
