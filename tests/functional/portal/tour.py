"""Every portal page, for a borrower in each state a borrower meets (issue #22).

``portal_tour()`` builds the states one after another and yields the pages to open in each: a
new user (verified, no profile), a verified borrower without a line, a borrower with an active
loan (and its repayment, receipt and reminders), the same loan overdue, a loan paid off, a draw
waiting for a second officer, and a revolving account with a bill and an order to confirm. The
vocabulary test opens them with Django's test client, the axe test (tests/e2e) with a browser.
The database changes between the yields (the business date moves on), so a page is opened when
it is yielded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.revolving.models import RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.confirmation import order_confirm_token
from loans.revolving.services.orders import order_capture, order_create
from loans.revolving.services.statements import statements_cut
from loans.servicing.models import (
    Loan,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from tests.factories.accounts import PartnerFactory, borrower_create
from tests.factories.loans import ProductFactory, credit_line_for, draw, installment_product

TODAY = date(2027, 1, 15)
LATE = date(2027, 2, 20)  # five days after the first due date (15 February)
PASSWORD = "correct-horse-battery-9"
TERMS = {"product": "CASH", "amount": "5000", "term": "12", "method": "EQUAL_INSTALLMENT"}
CONSENTED = datetime(2027, 1, 14, 2, 30, tzinfo=UTC)
# The account pages (django-allauth's, in the portal's layout).
ACCOUNT_PUBLIC = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
ACCOUNT_SIGNED_IN = ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]


@dataclass(frozen=True)
class Stop:
    """One page of the tour: whose, where, and for a form's answer what it posts."""

    state: str
    name: str
    user: User
    url: str
    post: dict[str, str] = field(default_factory=dict)
    fragment: bool = False  # a piece of a page fetched by a script (the live quote)

    @property
    def method(self) -> str:
        return "POST" if self.post else "GET"


def user_verified(email: str) -> User:
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def borrower_of(user: User, *, line: bool = True) -> Borrower:
    borrower = borrower_create(
        user=user,
        email=user.email,
        full_name="欧阳娜娜",
        credit_check_consent_at=CONSENTED,
        privacy_consent_at=CONSENTED,
        privacy_notice_version=settings.LENDPORTAL_PRIVACY_NOTICE_VERSION,
    )
    if line:
        credit_line_for(borrower, limit=Decimal("20000.00"), grade="B", rate=Decimal("0.108000"))
    return borrower


def reminders_sent(loan: Loan, *, on: date) -> None:
    """One reminder of each kind about the first installment, sent in Chinese by SMS."""
    sent = datetime(on.year, on.month, on.day, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    for kind in ReminderKind:
        Reminder.objects.create(
            installment=loan.installments.get(number=1),
            loan=loan,
            kind=kind,
            channel=ReminderChannel.SMS,
            business_date=on,
            language="zh-hans",
            send_after=sent,
            status=ReminderStatus.SENT,
            sent_at=sent,
        )


def _date(day: date) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})


def _paid(user: User, loan: Loan, purpose: str) -> str:
    """Pay through the portal and the development gateway; return the receipt's token."""
    client = Client()
    client.force_login(user)
    review = client.post(f"/app/loans/{loan.pk}/repay/", {"purpose": purpose})
    amount = re.search(r'name="amount" value="([0-9.]+)"', review.text)
    client.post(
        f"/app/loans/{loan.pk}/repay/start/",
        {"purpose": purpose, "amount": amount.group(1) if amount else "", "prepayment_mode": ""},
    )
    payment = loan.portal_payments.latest("id")
    client.post(f"/app/pay/{payment.token}/", {"action": "pay"})
    return payment.token


def _started(user: User, loan: Loan) -> str:
    """Start paying the next installment and stop at the gateway; return the payment's token."""
    client = Client()
    client.force_login(user)
    review = client.post(f"/app/loans/{loan.pk}/repay/", {"purpose": "NEXT_INSTALLMENT"})
    amount = re.search(r'name="amount" value="([0-9.]+)"', review.text)
    client.post(
        f"/app/loans/{loan.pk}/repay/start/",
        {
            "purpose": "NEXT_INSTALLMENT",
            "amount": amount.group(1) if amount else "",
            "prepayment_mode": "",
        },
    )
    return str(loan.portal_payments.latest("id").token)


def portal_tour() -> Iterator[Stop]:
    """Yield every portal page in every state; the database moves on between the states."""
    _date(TODAY)
    ProductFactory.create()
    installment_product()
    yield Stop("public", "home", User(), "/")
    yield Stop("public", "privacy", User(), "/privacy/")
    for path in ACCOUNT_PUBLIC:
        yield Stop("public", "account " + path, User(), path)

    new = user_verified("new@example.com")
    yield Stop("new", "welcome", new, "/app/")
    yield Stop("new", "profile form", new, "/app/profile/")

    verified = user_verified("verified@example.com")
    borrower_of(verified, line=False)
    yield Stop("verified", "dashboard", verified, "/app/")
    yield Stop("verified", "profile", verified, "/app/profile/")
    yield Stop("verified", "credit", verified, "/app/credit/")
    yield Stop("verified", "auto-debit", verified, "/app/auto-debit/")
    yield Stop("verified", "messages (none)", verified, "/app/notifications/")
    for path in ACCOUNT_SIGNED_IN:
        yield Stop("verified", "account " + path, verified, path)

    active = user_verified("active@example.com")
    borrower = borrower_of(active)
    loan = draw(borrower, principal="5000.00", term=12, as_of=TODAY)
    yield from _active(active, loan)
    yield from _overdue(active, loan)
    _date(TODAY)
    yield from _paid_off()
    yield from _waiting()
    yield from _revolving()


def _active(user: User, loan: Loan) -> Iterator[Stop]:
    state = "active loan"
    query = "?" + "&".join(f"{k}={v}" for k, v in TERMS.items())
    yield Stop(state, "dashboard", user, "/app/")
    yield Stop(state, "credit", user, "/app/credit/")
    yield Stop(state, "borrow", user, "/app/borrow/")
    yield Stop(state, "borrow with a quote", user, "/app/borrow/" + query)
    yield Stop(state, "borrow, installment product", user, "/app/borrow/?product=INSTALLMENT")
    yield Stop(state, "borrow over the limit", user, "/app/borrow/?amount=25000&term=12")
    yield Stop(state, "live quote", user, "/app/borrow/quote/" + query, fragment=True)
    yield Stop(state, "contract", user, "/app/borrow/contract/" + query)
    yield Stop(state, "loan", user, f"/app/loans/{loan.pk}/")
    yield Stop(state, "repay", user, f"/app/loans/{loan.pk}/repay/")
    yield Stop(
        state,
        "repay review with prepayment choices",
        user,
        f"/app/loans/{loan.pk}/repay/",
        {"purpose": "AMOUNT", "amount": "3000"},
    )
    yield Stop(
        state,
        "repay review of an advance",
        user,
        f"/app/loans/{loan.pk}/repay/",
        {"purpose": "NEXT_INSTALLMENT"},
    )
    yield Stop(state, "auto-debit", user, "/app/auto-debit/")
    yield Stop(state, "profile", user, "/app/profile/")
    yield Stop(state, "test gateway", user, f"/app/pay/{_started(user, loan)}/")


def _overdue(user: User, loan: Loan) -> Iterator[Stop]:
    state = "overdue"
    _date(LATE)
    Loan.objects.filter(pk=loan.pk).update(
        days_past_due=5, penalty_receivable_amount=Decimal("1.23")
    )
    reminders_sent(loan, on=LATE)
    yield Stop(state, "dashboard", user, "/app/")
    yield Stop(state, "loan", user, f"/app/loans/{loan.pk}/")
    yield Stop(state, "borrow refused", user, "/app/borrow/")
    yield Stop(state, "repay", user, f"/app/loans/{loan.pk}/repay/")
    yield Stop(
        state, "repay review", user, f"/app/loans/{loan.pk}/repay/", {"purpose": "NEXT_INSTALLMENT"}
    )
    yield Stop(state, "messages", user, "/app/notifications/")
    token = _paid(user, loan, "NEXT_INSTALLMENT")
    yield Stop(state, "receipt", user, f"/app/receipts/{token}/")


def _paid_off() -> Iterator[Stop]:
    state = "paid off"
    user = user_verified("paid@example.com")
    loan = draw(borrower_of(user), principal="3000.00", term=6, as_of=TODAY)
    token = _paid(user, loan, "PAYOFF")
    yield Stop(state, "dashboard", user, "/app/")
    yield Stop(state, "loan", user, f"/app/loans/{loan.pk}/")
    yield Stop(state, "receipt", user, f"/app/receipts/{token}/")


def _waiting() -> Iterator[Stop]:
    state = "waiting for a second officer"
    user = user_verified("waiting@example.com")
    with override_settings(LENDPORTAL_AUTO_DISBURSE_LIMIT=Decimal("1000.00")):
        loan = draw(borrower_of(user), principal="8000.00", term=12, as_of=TODAY)
    yield Stop(state, "dashboard", user, "/app/")
    yield Stop(state, "loan", user, f"/app/loans/{loan.pk}/")


def _revolving() -> Iterator[Stop]:
    state = "revolving bills"
    user = user_verified("bills@example.com")
    borrower = borrower_of(user)
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    account = revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=20, as_of=TODAY
    )
    shop = PartnerFactory.create(name="小米商城")
    for number, (day, amount, what) in enumerate(
        [(date(2027, 1, 16), "1299.00", "耳机"), (date(2027, 1, 25), "88.00", "手机壳")]
    ):
        _date(day)
        now = datetime(day.year, day.month, day.day, 4, tzinfo=UTC)
        order, _ = order_create(
            partner=shop,
            account=account,
            merchant_order_id=f"MI-{number}",
            amount=Decimal(amount),
            description=what,
            now=now,
        )
        order_capture(order_id=order.pk, now=now)
        if number == 0:
            statements_cut(statement_date=date(2027, 1, 20))
    waiting, _ = order_create(
        partner=shop,
        account=account,
        merchant_order_id="MI-9",
        amount=Decimal("2499.00"),
        description="手机",
        now=timezone.now(),
    )
    yield Stop(state, "dashboard", user, "/app/")
    yield Stop(state, "bills", user, "/app/bills/")
    yield Stop(
        state, "order to confirm", user, f"/app/orders/{order_confirm_token(order=waiting)}/"
    )
