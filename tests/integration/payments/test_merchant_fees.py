"""Merchant fees (issue #18, PRODUCT §10 "paid out the next working day, minus any merchant
fee"): each partner's rate of its purchases captured on a date, given back in proportion on a
refund, deducted from its settlement and posted as the platform's income out of the payable.

Friday 19 March 2027 with the 2027 calendar loaded: paid on Monday 22 March.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.test import Client

from accounts.models import AuditEvent, Partner, User
from accounts.roles import ADMINISTRATOR, roles_sync, staff_member_create
from loans.calendar.models import BusinessDate
from loans.calendar.services import calendar_year_load
from loans.ledger.models import AccountCode, EntryType, JournalEntry, JournalLine
from loans.payments.merchant_fees import merchant_fees_owed, merchant_fees_post
from loans.payments.merchant_settlement import (
    FakeMerchantPayoutBackend,
    merchant_payouts_send,
    merchant_settle,
)
from loans.payments.models import MerchantSettlement, MerchantSettlementStatus
from loans.revolving.models import Order
from loans.revolving.services.orders import order_capture
from loans.revolving.services.refunds import order_refund
from tests.factories.accounts import totp_enable
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

D = date
FRIDAY = D(2027, 3, 19)
SATURDAY = D(2027, 3, 20)
MONDAY = D(2027, 3, 22)
_orders = iter(range(1, 10_000))


def _at(day: date, hours: int = 4) -> datetime:
    return datetime(day.year, day.month, day.day, hours, tzinfo=UTC)


def _open(day: date) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)


@pytest.fixture(autouse=True)
def fake_bank() -> Iterator[None]:
    FakeMerchantPayoutBackend.sent.clear()
    FakeMerchantPayoutBackend.script.clear()
    FakeMerchantPayoutBackend.answers.clear()
    yield
    FakeMerchantPayoutBackend.sent.clear()
    FakeMerchantPayoutBackend.script.clear()
    FakeMerchantPayoutBackend.answers.clear()


def _rate(shop: Shop, rate: str) -> None:
    Partner.objects.filter(pk=shop.partner.pk).update(merchant_fee_rate=Decimal(rate))


@pytest.fixture
def shop() -> Shop:
    """A partner at 0.60%."""
    calendar_year_load(year=2027)
    shop = shop_with_account()
    _rate(shop, "0.006")
    return shop


def _buy(shop: Shop, day: date, amount: str) -> Order:
    _open(day)
    order = shop.order(amount, next(_orders), now=_at(day))
    return order_capture(order_id=order.pk, now=_at(day))


def _refund(order: Order, day: date, amount: str) -> None:
    _open(day)
    order_refund(
        order_id=order.pk,
        merchant_refund_id=f"R-{next(_orders)}",
        amount=Decimal(amount),
        now=_at(day),
    )


def _settle(day: date, shop: Shop) -> MerchantSettlement:
    _open(max(day + timedelta(days=1), BusinessDate.objects.get(id=1).current_date))
    merchant_settle(business_date=day, now=_at(day + timedelta(days=1)))
    return MerchantSettlement.objects.get(business_date=day, partner=shop.partner)


def _figures(settlement: MerchantSettlement) -> tuple[Decimal, ...]:
    return (
        settlement.purchases_amount,
        settlement.refunds_amount,
        settlement.merchant_fees_amount,
        settlement.subsidies_amount,
        settlement.net_amount,
        settlement.brought_forward_amount,
        settlement.payout_amount,
    )


def _money(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(value) for value in values)


def _fee_entry(shop: Shop, day: date) -> JournalEntry:
    return JournalEntry.objects.get(key=f"merchant-fee:{shop.partner.pk}:{day:%Y%m%d}")


def _lines(entry: JournalEntry) -> set[tuple[str, Decimal]]:
    return set(entry.lines.values_list("account", "amount"))


def _balance(account: AccountCode) -> Decimal:
    total = JournalLine.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def _reconcile_command() -> str:
    out = StringIO()
    call_command("reconcile", stdout=out)  # raises CommandError when the books disagree
    return out.getvalue()


# --- the fee, the settlement and the books ---------------------------------------------------


def test_the_fee_is_each_purchases_rate_less_what_a_refund_gives_back(shop: Shop) -> None:
    first = _buy(shop, FRIDAY, "1000.00")  # 6.00
    _buy(shop, FRIDAY, "333.33")  # 1.99998 → 2.00
    _refund(first, FRIDAY, "100.00")  # gives back 0.60

    assert merchant_fees_owed(business_date=FRIDAY) == {shop.partner.pk: Decimal("7.40")}
    settlement = _settle(FRIDAY, shop)

    assert _figures(settlement) == _money(
        "1333.33", "100.00", "7.40", "0.00", "1225.93", "0.00", "1225.93"
    )
    entry = _fee_entry(shop, FRIDAY)
    assert (entry.entry_type, entry.value_date) == (EntryType.FEE_DUE, FRIDAY)
    assert _lines(entry) == {
        (AccountCode.MERCHANT_PAYABLE, Decimal("7.40")),
        (AccountCode.FEE_INCOME, Decimal("-7.40")),
    }
    # Before the payout the payable holds exactly the settlement's payout, no fee residue.
    assert -_balance(AccountCode.MERCHANT_PAYABLE) == Decimal("1225.93")

    run = merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY))

    assert (run.settled, run.amount) == (1, Decimal("1225.93"))
    assert _balance(AccountCode.MERCHANT_PAYABLE) == Decimal("0.00")
    assert _balance(AccountCode.FEE_INCOME) == Decimal("-7.40")
    assert_books_reconcile()
    assert "The books reconcile." in _reconcile_command()


def test_a_partner_at_rate_zero_is_charged_nothing_and_posts_no_entry(shop: Shop) -> None:
    free = shop_with_account()  # a partner at the default rate, 0
    _buy(shop, FRIDAY, "1000.00")
    _buy(free, FRIDAY, "500.00")

    _settle(FRIDAY, shop)

    free_settlement = MerchantSettlement.objects.get(partner=free.partner)
    assert _figures(free_settlement) == _money(
        "500.00", "0.00", "0.00", "0.00", "500.00", "0.00", "500.00"
    )
    fee_entries = JournalEntry.objects.filter(key__startswith="merchant-fee:")
    assert list(fee_entries.values_list("key", flat=True)) == [
        f"merchant-fee:{shop.partner.pk}:20270319"
    ]
    assert merchant_fees_owed(business_date=FRIDAY) == {shop.partner.pk: Decimal("6.00")}


def test_settling_a_date_again_posts_nothing_twice(shop: Shop) -> None:
    _buy(shop, FRIDAY, "1000.00")
    _settle(FRIDAY, shop)
    entries, lines = JournalEntry.objects.count(), JournalLine.objects.count()

    assert merchant_settle(business_date=FRIDAY, now=_at(MONDAY)) == 0
    call_command("merchant_settle", "--date", "2027-03-19", stdout=StringIO())
    again = merchant_fees_post(business_date=FRIDAY, fees={shop.partner.pk: Decimal("6.00")})

    assert again == []
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == (entries, lines)
    assert MerchantSettlement.objects.get().merchant_fees_amount == Decimal("6.00")
    assert -_balance(AccountCode.MERCHANT_PAYABLE) == Decimal("994.00")


def test_a_day_whose_refunds_give_back_more_fee_posts_the_reverse(shop: Shop) -> None:
    order = _buy(shop, FRIDAY, "1000.00")
    _settle(FRIDAY, shop)
    merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY))  # 994.00 paid
    _refund(order, MONDAY, "1000.00")  # the whole purchase: its 6.00 comes back

    assert merchant_fees_owed(business_date=MONDAY) == {shop.partner.pk: Decimal("-6.00")}
    monday = _settle(MONDAY, shop)

    # The refund is shown whole and the fee given back as a negative fee; the net is exact.
    assert _figures(monday) == _money("0.00", "1000.00", "-6.00", "0.00", "-994.00", "0.00", "0.00")
    assert monday.status == MerchantSettlementStatus.NOTHING_TO_PAY
    assert _lines(_fee_entry(shop, MONDAY)) == {
        (AccountCode.MERCHANT_PAYABLE, Decimal("-6.00")),
        (AccountCode.FEE_INCOME, Decimal("6.00")),
    }
    # The partner owes back what was paid for a purchase refunded whole: ¥994.00, no fee.
    assert -_balance(AccountCode.MERCHANT_PAYABLE) == Decimal("-994.00")
    assert _balance(AccountCode.FEE_INCOME) == Decimal("0.00")
    _buy(shop, D(2027, 3, 23), "2000.00")  # 12.00
    tuesday = _settle(D(2027, 3, 23), shop)
    assert (tuesday.brought_forward_amount, tuesday.payout_amount) == _money("-994.00", "994.00")
    merchant_payouts_send(business_date=D(2027, 3, 24), now=_at(D(2027, 3, 24)))
    assert _balance(AccountCode.MERCHANT_PAYABLE) == Decimal("0.00")
    assert_books_reconcile()


def test_the_refunds_of_a_purchase_never_give_back_more_than_its_fee(shop: Shop) -> None:
    _rate(shop, "0.005")
    order = _buy(shop, FRIDAY, "202.00")  # 1.01
    _settle(FRIDAY, shop)
    _refund(order, SATURDAY, "101.00")  # 0.505 → 0.51
    _refund(order, SATURDAY, "101.00")  # round(1.01) - 0.51 = 0.50, not 0.51 again

    assert merchant_fees_owed(business_date=SATURDAY) == {shop.partner.pk: Decimal("-1.01")}


def test_a_rate_change_applies_from_the_first_date_not_settled(shop: Shop) -> None:
    order = _buy(shop, FRIDAY, "1000.00")
    friday = _settle(FRIDAY, shop)
    _rate(shop, "0.01")
    _buy(shop, SATURDAY, "1000.00")  # 10.00 at the new rate
    _refund(order, SATURDAY, "100.00")  # gives back 1.00 at the new rate, not 0.60

    saturday = _settle(SATURDAY, shop)

    friday.refresh_from_db()
    assert friday.merchant_fees_amount == Decimal("6.00")
    assert saturday.merchant_fees_amount == Decimal("9.00")
    assert _lines(_fee_entry(shop, FRIDAY)) == {
        (AccountCode.MERCHANT_PAYABLE, Decimal("6.00")),
        (AccountCode.FEE_INCOME, Decimal("-6.00")),
    }


def test_the_database_refuses_a_rate_of_ten_percent_or_below_zero(shop: Shop) -> None:
    for rate in ("0.10", "-0.001"):
        with pytest.raises(IntegrityError), transaction.atomic():
            _rate(shop, rate)
    assert Partner.objects.get(pk=shop.partner.pk).merchant_fee_rate == Decimal("0.006000")


# --- the back office -------------------------------------------------------------------------


@pytest.fixture
def administrator() -> Client:
    roles_sync()
    user: User = staff_member_create(username="fees-admin", password="x", role=ADMINISTRATOR)
    totp_enable(user)
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def _change_form(partner: Partner, rate: str) -> dict[str, str]:
    return {
        "code": partner.code,
        "name": partner.name,
        "is_active": "on",
        "oauth_application": "",
        "api_scopes": "[]",
        "merchant_fee_rate": rate,
    }


def _change_url(partner: Partner) -> str:
    return f"/admin/accounts/partner/{partner.pk}/change/"


def test_the_admin_lists_and_shows_the_rate_as_a_percentage(
    shop: Shop, administrator: Client
) -> None:
    listing = administrator.get("/admin/accounts/partner/").content.decode()
    page = administrator.get(_change_url(shop.partner)).content.decode()

    assert "Merchant fee rate" in listing
    assert "0.60%" in listing
    assert 'name="merchant_fee_rate" value="0.60"' in page
    assert "The share of each purchase the platform keeps" in page
    chinese = Client(headers={"accept-language": "zh-hans"})
    chinese.force_login(User.objects.get(username="fees-admin"))
    assert "商户手续费率" in chinese.get(_change_url(shop.partner)).content.decode()


def test_the_admin_saves_a_percentage_as_a_fraction_and_audits_it(
    shop: Shop, administrator: Client
) -> None:
    response = administrator.post(_change_url(shop.partner), _change_form(shop.partner, "0.75"))

    assert response.status_code == 302
    assert Partner.objects.get(pk=shop.partner.pk).merchant_fee_rate == Decimal("0.007500")
    event = AuditEvent.objects.get(action="partner.merchant_fee_rate")
    assert event.details == {"from": "0.006000", "to": "0.007500"}


@pytest.mark.parametrize("rate", ["10", "12.5", "-0.5"])
def test_the_admin_refuses_ten_percent_or_a_negative_rate(
    shop: Shop, administrator: Client, rate: str
) -> None:
    response = administrator.post(_change_url(shop.partner), _change_form(shop.partner, rate))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {
        "merchant_fee_rate": ["Enter a percentage from 0 up to, but not including, 10."]
    }
    assert Partner.objects.get(pk=shop.partner.pk).merchant_fee_rate == Decimal("0.006000")
    assert not AuditEvent.objects.filter(action="partner.merchant_fee_rate").exists()
