"""Merchant settlement (issue #18, PRODUCT §10, §11): what the platform owes each partner for a
business date (purchases - refunds - merchant fees - subsidies the partner owes, with what
earlier days left), paid on the next working day through the merchant payout rail, once.

Friday 19 March 2027 with the 2027 calendar loaded: paid on Monday 22 March.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.calendar.services import calendar_year_load
from loans.ledger.models import AccountCode, EntryType, JournalLine
from loans.origination.services.payouts import PayoutResult
from loans.payments import merchant_settlement
from loans.payments.merchant_settlement import (
    FakeMerchantPayoutBackend,
    MerchantSettlementRefused,
    merchant_fees_owed,
    merchant_payouts_query,
    merchant_payouts_send,
    merchant_settle,
    merchant_settlement_dates_due,
    merchant_subsidies_owed,
)
from loans.payments.models import MerchantSettlement, MerchantSettlementStatus
from loans.revolving.models import Order
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.orders import order_capture, order_create
from loans.revolving.services.refunds import order_refund
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

D = date
FRIDAY = D(2027, 3, 19)
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


@pytest.fixture
def shop() -> Shop:
    calendar_year_load(year=2027)
    return shop_with_account()


def _buy(shop: Shop, day: date, amount: str) -> Order:
    _open(day)
    order = shop.order(amount, next(_orders), now=_at(day))
    return order_capture(order_id=order.pk, now=_at(day))


def _refund(order: Order, day: date, amount: str) -> None:
    _open(day)
    order_refund(
        order_id=order.pk,
        merchant_refund_id=f"R-{day}-{amount}",
        amount=Decimal(amount),
        now=_at(day),
    )


def _settle(day: date) -> MerchantSettlement:
    _open(max(day + timedelta(days=1), BusinessDate.objects.get(id=1).current_date))
    merchant_settle(business_date=day, now=_at(day + timedelta(days=1)))
    return MerchantSettlement.objects.get(business_date=day)


def _balance(code: AccountCode) -> Decimal:
    total = JournalLine.objects.filter(account=code).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def _payable() -> Decimal:
    return -_balance(AccountCode.MERCHANT_PAYABLE)


def test_a_days_purchases_less_refunds_are_paid_on_the_next_working_day(shop: Shop) -> None:
    first = _buy(shop, FRIDAY, "3000.00")
    _buy(shop, FRIDAY, "500.00")
    _refund(first, FRIDAY, "200.00")

    settlement = _settle(FRIDAY)

    assert settlement.partner_id == shop.partner.pk
    figures = (
        settlement.purchases_amount,
        settlement.refunds_amount,
        settlement.merchant_fees_amount,
        settlement.subsidies_amount,
        settlement.net_amount,
        settlement.brought_forward_amount,
        settlement.payout_amount,
    )
    assert figures == tuple(
        Decimal(v) for v in ("3500.00", "200.00", "0.00", "0.00", "3300.00", "0.00", "3300.00")
    )
    assert settlement.pay_date == MONDAY
    assert settlement.status == MerchantSettlementStatus.DUE
    assert settlement.key == f"MS{shop.partner.pk}-20270319"


def test_paid_once_on_the_pay_date_posting_merchant_payable_against_cash(shop: Shop) -> None:
    _buy(shop, FRIDAY, "3000.00")
    _settle(FRIDAY)

    assert merchant_payouts_send(business_date=D(2027, 3, 21), now=_at(FRIDAY)).sent == 0
    run = merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY))
    again = merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY))

    assert (run.sent, run.settled, run.amount, again.sent) == (1, 1, Decimal("3000.00"), 0)
    settlement = MerchantSettlement.objects.get()
    assert settlement.status == MerchantSettlementStatus.SETTLED
    assert FakeMerchantPayoutBackend.sent == [settlement.key]
    assert settlement.entry is not None
    assert settlement.entry.entry_type == EntryType.PAYOUT_SETTLED
    lines = set(settlement.entry.lines.values_list("account", "amount"))
    assert lines == {
        (AccountCode.MERCHANT_PAYABLE, Decimal("3000.00")),
        (AccountCode.CASH, Decimal("-3000.00")),
    }
    assert _payable() == Decimal("0.00")
    assert_books_reconcile()


def test_a_date_is_settled_once_and_dates_settle_in_order(shop: Shop) -> None:
    _buy(shop, FRIDAY, "3000.00")
    _settle(FRIDAY)

    assert merchant_settle(business_date=FRIDAY, now=_at(MONDAY)) == 0
    assert MerchantSettlement.objects.count() == 1
    with pytest.raises(MerchantSettlementRefused, match="later date"):
        merchant_settle(business_date=D(2027, 3, 18), now=_at(MONDAY))
    _open(D(2027, 3, 20))
    with pytest.raises(MerchantSettlementRefused, match="not closed"):
        merchant_settle(business_date=D(2027, 3, 20), now=_at(MONDAY))


def test_the_database_refuses_a_second_settlement_of_a_partner_and_date(shop: Shop) -> None:
    _buy(shop, FRIDAY, "3000.00")
    settlement = _settle(FRIDAY)
    settlement.pk = None
    settlement.key = "another"

    with pytest.raises(IntegrityError), transaction.atomic():
        settlement.save()


def test_an_unknown_outcome_is_asked_about_never_sent_again(shop: Shop) -> None:
    _buy(shop, FRIDAY, "3000.00")
    settlement = _settle(FRIDAY)
    FakeMerchantPayoutBackend.script.append("TIMEOUT")

    run = merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY))
    assert (run.sent, run.unknown) == (1, 1)
    assert merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY, 5)).sent == 0
    # Too early to ask; then the bank has no answer yet; then it paid.
    assert merchant_payouts_query(now=_at(MONDAY) + timedelta(minutes=5)).unknown == 0
    assert merchant_payouts_query(now=_at(MONDAY) + timedelta(minutes=20)).unknown == 1
    FakeMerchantPayoutBackend.answers[settlement.key] = PayoutResult("BANK-1", settled=True)
    assert merchant_payouts_query(now=_at(MONDAY) + timedelta(minutes=40)).settled == 1

    settlement.refresh_from_db()
    assert settlement.status == MerchantSettlementStatus.SETTLED
    assert (settlement.reference, settlement.query_count) == ("BANK-1", 2)
    assert FakeMerchantPayoutBackend.sent == [settlement.key]
    assert_books_reconcile()


def test_a_refused_payout_is_owed_again_with_the_next_settlement(shop: Shop) -> None:
    _buy(shop, FRIDAY, "3000.00")
    _settle(FRIDAY)
    FakeMerchantPayoutBackend.script.append("ACCOUNT_CLOSED")
    run = merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY))

    failed = MerchantSettlement.objects.get(business_date=FRIDAY)
    assert (run.failed, failed.status, failed.failure_code) == (1, "FAILED", "ACCOUNT_CLOSED")
    assert failed.entry is None
    saturday = _settle(D(2027, 3, 20))
    _open(MONDAY)
    sunday = merchant_settle(business_date=D(2027, 3, 21), now=_at(MONDAY))

    # The day after the refusal owes it again, and pays it once: nothing is left for Sunday.
    assert (saturday.net_amount, saturday.brought_forward_amount) == (
        Decimal("0.00"),
        Decimal("3000.00"),
    )
    assert (saturday.payout_amount, saturday.status) == (Decimal("3000.00"), "DUE")
    assert sunday == 0
    assert _payable() == Decimal("3000.00")


def test_a_day_of_more_refunds_than_purchases_is_carried_to_the_next_day(shop: Shop) -> None:
    order = _buy(shop, FRIDAY, "3000.00")
    _settle(FRIDAY)
    merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY))
    _refund(order, MONDAY, "1000.00")

    monday = _settle(MONDAY)
    _buy(shop, D(2027, 3, 23), "1500.00")
    tuesday = _settle(D(2027, 3, 23))

    assert (monday.net_amount, monday.payout_amount, monday.status) == (
        Decimal("-1000.00"),
        Decimal("0.00"),
        MerchantSettlementStatus.NOTHING_TO_PAY,
    )
    assert (tuesday.brought_forward_amount, tuesday.payout_amount) == (
        Decimal("-1000.00"),
        Decimal("500.00"),
    )


def test_partners_are_settled_apart(shop: Shop) -> None:
    other = shop_with_account()
    _buy(shop, FRIDAY, "3000.00")
    _buy(other, FRIDAY, "120.50")

    _open(D(2027, 3, 20))
    assert merchant_settle(business_date=FRIDAY, now=_at(D(2027, 3, 20))) == 2

    payouts = dict(MerchantSettlement.objects.values_list("partner_id", "payout_amount"))
    assert payouts == {shop.partner.pk: Decimal("3000.00"), other.partner.pk: Decimal("120.50")}


def test_a_partner_at_the_default_rate_of_zero_owes_no_merchant_fee(shop: Shop) -> None:
    # A partner's merchant fee rate is 0 unless set (test_merchant_fees.py has the rates).
    _buy(shop, FRIDAY, "3000.00")

    assert merchant_fees_owed(business_date=FRIDAY) == {}
    assert _settle(FRIDAY).merchant_fees_amount == Decimal("0.00")


def test_a_subsidised_plans_fees_billed_are_withheld_from_the_next_payouts(shop: Shop) -> None:
    # Worked example 5: ¥1,200 in 6 installments, the partner pays the fees (¥9.00 a month).
    _open(D(2027, 3, 20))
    order, _ = order_create(
        partner=shop.partner,
        account=shop.account,
        merchant_order_id="MI-PLAN-1",
        amount=Decimal("1200.00"),
        description="Xiaomi Pad 7",
        now=_at(D(2027, 3, 20)),
        plan_term=6,
        merchant_subsidised=True,
    )
    order_capture(order_id=order.pk, now=_at(D(2027, 3, 20)))
    day = D(2027, 3, 20)
    while day <= D(2027, 4, 1):
        _open(day)
        with transaction.atomic():
            revolving_day_close(business_date=day)  # cuts the 1 April bill
        _open(day + timedelta(days=1))
        merchant_settle(business_date=day, now=_at(day))
        day += timedelta(days=1)
    _buy(shop, D(2027, 4, 2), "100.00")

    april = _settle(D(2027, 4, 1))
    next_day = _settle(D(2027, 4, 2))

    assert merchant_subsidies_owed(business_date=D(2027, 4, 1)) == {
        shop.partner.pk: Decimal("9.00")
    }
    assert MerchantSettlement.objects.get(business_date=D(2027, 3, 20)).payout_amount == 1200
    assert (april.subsidies_amount, april.net_amount, april.status) == (
        Decimal("9.00"),
        Decimal("-9.00"),
        MerchantSettlementStatus.NOTHING_TO_PAY,
    )
    assert (next_day.brought_forward_amount, next_day.payout_amount) == (
        Decimal("-9.00"),
        Decimal("91.00"),
    )
    # The cut made the fee a receivable of the partner's; the settlement of 1 April collects it
    # by withholding: Dr MERCHANT_PAYABLE, Cr SUBSIDY_RECEIVABLE, once.
    withheld = JournalLine.objects.filter(
        entry__key=f"merchant-subsidy:{shop.partner.pk}:20270401"
    ).values_list("account", "amount")
    assert sorted(withheld) == [
        (AccountCode.MERCHANT_PAYABLE, Decimal("9.00")),
        (AccountCode.SUBSIDY_RECEIVABLE, Decimal("-9.00")),
    ]
    merchant_settle(business_date=D(2027, 4, 1), now=_at(D(2027, 4, 3)))  # again: nothing
    assert _balance(AccountCode.SUBSIDY_RECEIVABLE) == Decimal("0.00")
    merchant_payouts_send(business_date=D(2027, 4, 9), now=_at(D(2027, 4, 9)))  # after 清明
    assert _payable() == Decimal("0.00")
    assert_books_reconcile()


def test_fees_and_subsidies_the_partner_owes_are_deducted(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    _buy(shop, FRIDAY, "1200.00")
    partner = shop.partner.pk
    monkeypatch.setattr(
        merchant_settlement, "merchant_fees_owed", lambda **_: {partner: Decimal("6.00")}
    )
    monkeypatch.setattr(
        merchant_settlement, "merchant_subsidies_owed", lambda **_: {partner: Decimal("9.00")}
    )

    settlement = _settle(FRIDAY)

    assert (settlement.merchant_fees_amount, settlement.subsidies_amount) == (
        Decimal("6.00"),
        Decimal("9.00"),
    )
    assert settlement.payout_amount == Decimal("1185.00")


def test_the_command_settles_the_closed_dates_in_order_and_pays_what_is_due(
    shop: Shop, capsys: pytest.CaptureFixture[str]
) -> None:
    _buy(shop, FRIDAY, "3000.00")
    _buy(shop, D(2027, 3, 20), "99.90")
    _open(MONDAY)
    assert merchant_settlement_dates_due() == [FRIDAY, D(2027, 3, 20), D(2027, 3, 21)]

    call_command("merchant_settle")

    out = capsys.readouterr().out
    assert "[1/3] 2027-03-19: 1 partner(s) (1 new), ¥3,000.00 to pay on 2027-03-22." in out
    assert "[2/3] 2027-03-20: 1 partner(s) (1 new), ¥99.90 to pay on 2027-03-22." in out
    assert "[3/3] 2027-03-21: nothing to settle." in out
    assert "Payouts due by 2027-03-22: 2 sent, ¥3,099.90: 2 paid" in out
    assert merchant_settlement_dates_due() == []
    assert_books_reconcile()
