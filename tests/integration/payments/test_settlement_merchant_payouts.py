"""The gateway's settlement file and the partners' payouts (PRODUCT §10, §11).

A merchant payout is a PAYOUT line keyed by the settlement's ``key`` (``MS<partner>-<date>``,
the bank's order number). The file decides a payout still SENT (settled or refused, through the
merchant payout services, once); a settled or refused one is compared; one sent that day and
missing from the file is queued for finance.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from loans.calendar.models import BusinessDate
from loans.calendar.services import calendar_year_load
from loans.ledger.models import AccountCode, JournalLine
from loans.payments.merchant_settlement import (
    FakeMerchantPayoutBackend,
    merchant_payouts_send,
    merchant_settle,
)
from loans.payments.models import (
    MerchantSettlement,
    MerchantSettlementStatus,
    SettlementDifference,
)
from loans.payments.settlement.imports import settlement_import
from loans.revolving.services.orders import order_capture
from tests.integration.books import assert_books_reconcile
from tests.integration.payments.settlement_world import line, settlement_csv
from tests.integration.revolving.world import shop_with_account

pytestmark = pytest.mark.django_db

FRIDAY = date(2027, 3, 19)
MONDAY = date(2027, 3, 22)  # the payout of Friday's purchases goes out on the next working day


@pytest.fixture(autouse=True)
def fake_bank() -> Iterator[None]:
    FakeMerchantPayoutBackend.script.clear()
    FakeMerchantPayoutBackend.sent.clear()
    yield
    FakeMerchantPayoutBackend.script.clear()
    FakeMerchantPayoutBackend.sent.clear()


def _at(day: date, hours: int = 4) -> datetime:
    return datetime(day.year, day.month, day.day, hours, tzinfo=UTC)


def _open(day: date) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)


def _payout_sent(answer: str) -> MerchantSettlement:
    """A ¥3,000.00 purchase on Friday, settled and its payout sent on Monday; the bank's
    answer is ``answer`` (PENDING: none yet)."""
    calendar_year_load(year=2027)
    shop = shop_with_account()
    _open(FRIDAY)
    order = shop.order("3000.00", 1, now=_at(FRIDAY))
    order_capture(order_id=order.pk, now=_at(FRIDAY))
    _open(MONDAY)
    merchant_settle(business_date=FRIDAY, now=_at(MONDAY))
    FakeMerchantPayoutBackend.script.append(answer)
    merchant_payouts_send(business_date=MONDAY, now=_at(MONDAY))
    return MerchantSettlement.objects.get(business_date=FRIDAY)


def _import(*lines: str, name: str = "settlement-2027-03-22.csv"):
    return settlement_import(name=name, content=settlement_csv(*lines), settlement_date=MONDAY)


def _differences() -> list[tuple[str, str, str, str]]:
    """The open differences of the finance queue (a corrected file supersedes earlier ones)."""
    return [
        (d.kind, d.our_key, d.difference, d.action)
        for d in SettlementDifference.objects.filter(state="OPEN").order_by("id")
    ]


def test_a_sent_merchant_payout_is_settled_by_a_succeeded_line_once() -> None:
    settlement = _payout_sent("PENDING")
    assert settlement.status == MerchantSettlementStatus.SENT

    _file, summary = _import(line(settlement.key, "PAYOUT", "3000.00", day=MONDAY))
    _import(line(settlement.key, "PAYOUT", "3000.00", day=MONDAY), name="again.csv")

    settlement.refresh_from_db()
    assert settlement.status == MerchantSettlementStatus.SETTLED
    assert settlement.reference == f"GW-{settlement.key}"
    assert summary.decided == 1
    paid = JournalLine.objects.filter(entry__key=f"merchant-payout:{settlement.pk}")
    assert sorted(paid.values_list("account", "amount")) == [
        (AccountCode.CASH, Decimal("-3000.00")),
        (AccountCode.MERCHANT_PAYABLE, Decimal("3000.00")),
    ]
    assert _differences() == []
    assert_books_reconcile()


def test_a_sent_merchant_payout_is_refused_by_a_failed_line_and_owed_again() -> None:
    settlement = _payout_sent("PENDING")

    _import(line(settlement.key, "PAYOUT", "3000.00", "FAILED", day=MONDAY))

    settlement.refresh_from_db()
    assert (settlement.status, settlement.failure_code) == (
        MerchantSettlementStatus.FAILED,
        "REFUSED",
    )
    assert settlement.failure_reason == "Refused in the gateway's settlement file"
    _open(MONDAY + timedelta(days=1))
    merchant_settle(business_date=MONDAY, now=_at(MONDAY + timedelta(days=1)))
    again = MerchantSettlement.objects.get(business_date=MONDAY)
    assert (again.brought_forward_amount, again.payout_amount) == (Decimal("3000.00"),) * 2
    assert _differences() == []


def test_lines_against_decided_merchant_payouts_are_compared() -> None:
    settlement = _payout_sent("SETTLED")

    _import(
        line(settlement.key, "PAYOUT", "2999.00", day=MONDAY),  # another amount
        line("MS999999-20270319", "PAYOUT", "10.00", day=MONDAY),  # no such settlement
    )
    assert _differences() == [
        ("PAYOUT", settlement.key, "AMOUNT", "CORRECT_AMOUNT"),
        ("PAYOUT", "MS999999-20270319", "NOT_OURS", "ASK_GATEWAY"),
    ]

    # A corrected file of the date replaces the open differences: the bank now says refused.
    _import(line(settlement.key, "PAYOUT", "3000.00", "FAILED", day=MONDAY), name="b.csv")

    settlement.refresh_from_db()
    assert settlement.status == MerchantSettlementStatus.SETTLED  # paid: finance decides
    assert _differences() == [("PAYOUT", settlement.key, "STATUS", "FAIL_OR_PAY_PAYOUT")]


def test_a_merchant_payout_sent_that_day_and_missing_from_the_file_is_queued() -> None:
    settlement = _payout_sent("PENDING")

    _import(name="settlement-2027-03-22.csv")

    assert _differences() == [
        ("PAYOUT", settlement.key, "MISSING", "FAIL_OR_PAY_PAYOUT"),
    ]
