"""Portal payments of a revolving account's bills (issue #18, PRODUCT §10): what each purpose
pays (``bill_payment_start``), what the check page says a payment leaves (``RevolvingOwed.after``)
against what the one revolving payment service then posts, confirmation once (sequential and
at the same moment), and the database's guards on ``PortalPayment``.

Statement day 1, ¥3,000 bought on 20 March 2027, nothing paid: the 1 April bill (¥3,000.00,
minimum ¥300.00, due 10 April) bears ¥15.00 of interest at the close of 10 April, then ¥1.35
a day on ¥2,700 and penalty on the unpaid ¥300 from 14 April (grace 3 days): on 16 April
¥21.75 of interest and ¥1.00 of penalty have been charged since the bill. ¥500 bought that day
is not billed yet.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from loans.calendar.models import BusinessDate
from loans.payments.models import PaymentPurpose, PaymentStatus, PortalPayment
from loans.payments.services import PaymentRefused, bill_payment_start, payment_confirm
from loans.revolving.models import RevolvingAccount, RevolvingPayment
from loans.revolving.selectors import RevolvingOwed, revolving_owed_for
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.orders import order_capture
from tests.factories.loans import draw
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account
from tests.integration.servicing.test_concurrency import run_together

D = date
PAY_DAY = D(2027, 4, 16)


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _buy(shop: Shop, day: date, amount: str, number: int) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)
    order_capture(order_id=shop.order(amount, number, now=_now(day)).pk, now=_now(day))


def _late_bill_and_a_purchase() -> Shop:
    shop = shop_with_account(statement_day=1)
    _buy(shop, D(2027, 3, 20), "3000.00", 1)
    day = D(2027, 3, 20)
    while day < PAY_DAY:
        BusinessDate.objects.filter(id=1).update(current_date=day)
        with transaction.atomic():  # as a COB chunk runs it (its work tables live till commit)
            revolving_day_close(business_date=day)
        day += timedelta(days=1)
    _buy(shop, PAY_DAY, "500.00", 2)
    return shop


def _owed(shop: Shop) -> RevolvingOwed:
    return revolving_owed_for(account=RevolvingAccount.objects.get(pk=shop.account.pk))


def _written() -> tuple[int, int]:
    return PortalPayment.objects.count(), RevolvingPayment.objects.count()


@pytest.mark.django_db
def test_what_is_owed_counts_the_bills_the_charges_since_and_the_purchases_not_billed() -> None:
    owed = _owed(_late_bill_and_a_purchase())

    assert (
        owed.bills_amount,
        owed.charges_since_amount,
        owed.minimum_amount,
        owed.unbilled_amount,
        owed.credit_balance_amount,
    ) == (
        Decimal("3000.00"),
        Decimal("22.75"),
        Decimal("300.00"),
        Decimal("500.00"),
        Decimal("0.00"),
    )
    assert (owed.in_full_amount, owed.everything_amount, owed.most_amount) == (
        Decimal("3022.75"),
        Decimal("3522.75"),
        Decimal("33522.75"),  # the line's ¥30,000 more at most, as credit
    )
    assert owed.available_amount == Decimal("26500.00")
    assert not owed.paid


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("purpose", "amount", "paid"),
    [
        (PaymentPurpose.BILL_IN_FULL, None, "3022.75"),
        (PaymentPurpose.BILL_IN_FULL, Decimal("3022.75"), "3022.75"),
        (PaymentPurpose.BILL_MINIMUM, None, "300.00"),
        (PaymentPurpose.AMOUNT, Decimal("0.01"), "0.01"),
        (PaymentPurpose.AMOUNT, Decimal("33522.75"), "33522.75"),
    ],
)
def test_each_purpose_opens_a_pending_payment_of_its_amount(
    purpose: PaymentPurpose, amount: Decimal | None, paid: str
) -> None:
    shop = _late_bill_and_a_purchase()

    payment = bill_payment_start(account=shop.account, purpose=purpose, amount=amount)

    assert (payment.account_id, payment.loan_id, payment.amount, payment.status) == (
        shop.account.pk,
        None,
        Decimal(paid),
        PaymentStatus.PENDING,
    )
    assert (payment.backend, len(payment.token)) == ("fake", 43)
    assert RevolvingPayment.objects.count() == 0  # nothing posted before the gateway confirms


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("purpose", "amount", "refusal"),
    [
        (PaymentPurpose.AMOUNT, Decimal("0.00"), "Nothing is to be paid"),
        (PaymentPurpose.AMOUNT, Decimal("-1.00"), "Nothing is to be paid"),
        (PaymentPurpose.AMOUNT, Decimal("0.001"), "at most 2 decimals"),
        (PaymentPurpose.AMOUNT, None, "at most 2 decimals"),
        (PaymentPurpose.AMOUNT, Decimal("33522.76"), "more than the most that can be paid"),
        (PaymentPurpose.BILL_IN_FULL, Decimal("3000.00"), "What is owed changed"),
        (PaymentPurpose.BILL_MINIMUM, Decimal("299.99"), "What is owed changed"),
        (PaymentPurpose.PAYOFF, None, "A bill is paid in full, its minimum, or an amount"),
    ],
)
def test_an_amount_not_payable_is_refused_and_nothing_is_written(
    purpose: PaymentPurpose, amount: Decimal | None, refusal: str
) -> None:
    shop = _late_bill_and_a_purchase()

    with pytest.raises(PaymentRefused, match=refusal):
        bill_payment_start(account=shop.account, purpose=purpose, amount=amount)

    assert _written() == (0, 0)


@pytest.mark.django_db
def test_nothing_owed_refuses_in_full_and_the_minimum() -> None:
    shop = shop_with_account(statement_day=1)

    for purpose in (PaymentPurpose.BILL_IN_FULL, PaymentPurpose.BILL_MINIMUM):
        with pytest.raises(PaymentRefused, match=r"Nothing is to be paid\."):
            bill_payment_start(account=shop.account, purpose=purpose)

    assert _written() == (0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount",
    ["0.50", "22.75", "100.00", "300.00", "3022.75", "3100.00", "3522.75", "3600.00"],
)
def test_what_the_check_page_says_is_what_the_payment_leaves(amount: str) -> None:
    shop = _late_bill_and_a_purchase()
    before = _owed(shop)
    preview = before.after(Decimal(amount))
    payment = bill_payment_start(
        account=shop.account, purpose=PaymentPurpose.AMOUNT, amount=Decimal(amount)
    )

    payment_confirm(payment=payment, gateway_reference="GW-1", as_of=PAY_DAY)

    after = _owed(shop)
    assert (
        after.in_full_amount,
        after.minimum_amount,
        after.unbilled_amount,
        after.credit_balance_amount,
    ) == (
        preview.in_full_amount,
        preview.minimum_amount,
        before.unbilled_amount - preview.unbilled_paid_amount,
        before.credit_balance_amount + preview.to_credit_amount,
    )
    assert after.paid == (preview.in_full_amount == 0)
    assert_books_reconcile()


@pytest.mark.django_db
def test_confirming_twice_posts_one_payment_through_the_revolving_service() -> None:
    shop = _late_bill_and_a_purchase()
    payment = bill_payment_start(account=shop.account, purpose=PaymentPurpose.BILL_IN_FULL)

    first = payment_confirm(payment=payment, gateway_reference="GW-1", as_of=PAY_DAY)
    again = payment_confirm(payment=payment, gateway_reference="GW-2", as_of=PAY_DAY)

    posted = RevolvingPayment.objects.get()
    assert first.revolving_payment_id == again.revolving_payment_id == posted.pk
    assert (posted.amount, posted.reference, posted.channel, posted.value_date) == (
        Decimal("3022.75"),
        f"portal-{payment.pk}",
        "PORTAL",
        PAY_DAY,
    )
    assert again.gateway_reference == "GW-1"
    assert posted.minimum_paid_amount == Decimal("300.00")
    assert _owed(shop).paid
    assert_books_reconcile()


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_the_same_moment_post_once() -> None:
    shop = _late_bill_and_a_purchase()
    payment = bill_payment_start(account=shop.account, purpose=PaymentPurpose.BILL_MINIMUM)

    outcomes = run_together(
        lambda: payment_confirm(payment=payment, gateway_reference="CALLBACK", as_of=PAY_DAY),
        lambda: payment_confirm(payment=payment, gateway_reference="PAGE", as_of=PAY_DAY),
    )

    assert [o.error for o in outcomes] == [None, None]
    assert RevolvingPayment.objects.count() == 1
    assert PortalPayment.objects.get().status == PaymentStatus.PAID
    assert _owed(shop).minimum_amount == Decimal("0.00")
    assert_books_reconcile()


def _row(**fields: object) -> None:
    PortalPayment.objects.create(
        token=secrets.token_urlsafe(32),
        amount=Decimal("10.00"),
        backend="fake",
        **fields,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    ["both", "neither", "bill purpose on a loan", "loan purpose on an account", "paid, no posting"],
)
def test_the_database_keeps_a_payment_to_one_loan_or_one_account_of_its_kind(case: str) -> None:
    shop = shop_with_account(statement_day=1)
    loan = draw(principal="1000.00", term=3)
    cases: dict[str, dict[str, object]] = {
        "both": {"loan": loan, "account": shop.account, "purpose": "AMOUNT"},
        "neither": {"purpose": "AMOUNT"},
        "bill purpose on a loan": {"loan": loan, "purpose": "BILL_IN_FULL"},
        "loan purpose on an account": {"account": shop.account, "purpose": "PAYOFF"},
        "paid, no posting": {
            "account": shop.account,
            "purpose": "AMOUNT",
            "status": "PAID",
            "paid_at": timezone.now(),
        },
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        _row(**cases[case])

    _row(account=shop.account, purpose="AMOUNT")  # and the right rows go in
    _row(loan=loan, purpose="AMOUNT")
    assert PortalPayment.objects.count() == 2
