"""With installments and credit balances, the services and the set-based close of business
equal the domain to the fen (issue #18): a seeded random portfolio played night by night for
four months — plain purchases, purchases on plans (some merchant-subsidised), bills turned into
installments, refunds before and after billing and on plans, payments of random amounts (some
above the debt: credit) — compared each night with the domain's close (days past due, unbilled
interest and penalty, credit balance) and at the end bill by bill (every part, the fees, the
merchant fees, the minimum, what is unpaid) and installment by installment, then replayed with
``simulator.simulate``; the books reconcile.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.domain.errors import DomainError
from loans.domain.money import sum_amounts
from loans.domain.revolving.allocation import credit_apply
from loans.domain.revolving.interest import day_close
from loans.domain.revolving.simulator import (
    BillInstallmentEvent,
    Event,
    PaymentEvent,
    PurchaseEvent,
    RefundEvent,
    event_apply,
    simulate,
)
from loans.domain.revolving.state import AccountState, FeePayer, debt_outstanding, open_account
from loans.domain.revolving.statement import Statement as DomainStatement
from loans.domain.revolving.statement import statement_cut
from loans.domain.revolving.terms import RevolvingTerms
from loans.ledger.models import AccountCode, JournalLine
from loans.revolving.models import (
    InstallmentPlan,
    Order,
    PlanInstallment,
    Refund,
    RevolvingAccount,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.installments import bill_installment_create
from loans.revolving.services.orders import order_capture, order_create
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.refunds import order_refund
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

OPENED = date(2027, 3, 15)  # shop_with_account opens every account on this date
LAST = date(2027, 6, 30)
TERMS = RevolvingTerms()
LIMIT = Decimal("30000.00")


@dataclass
class Borrower:
    shop: Shop
    state: AccountState
    events: list[Event] = field(default_factory=list)
    serial: int = 0

    @property
    def account_id(self) -> int:
        return self.shop.account.pk


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _accept(b: Borrower, event: Event) -> bool:
    """Apply ``event`` to the domain's account if the domain accepts it."""
    try:
        b.state = event_apply(b.state, event, terms=TERMS)
    except DomainError:
        return False
    b.events.append(event)
    return True


def _buy(b: Borrower, day: date, rng: random.Random) -> None:
    amount = Decimal(rng.randint(1, 300_000)) / 100
    term = rng.choice((3, 6, 9, 12)) if amount >= 100 and rng.random() < 0.4 else None
    subsidised = term is not None and rng.random() < 0.3
    b.serial += 1
    order, _ = order_create(
        partner=b.shop.partner,
        account=b.shop.account,
        merchant_order_id=f"O-{b.account_id}-{b.serial}",
        amount=amount,
        description="basket",
        now=_now(day),
        plan_term=term,
        merchant_subsidised=subsidised,
    )
    payer = FeePayer.MERCHANT if subsidised else FeePayer.BORROWER
    if _accept(b, PurchaseEvent(day, str(order.pk), amount, term, payer)):
        order_capture(order_id=order.pk, now=_now(day))


def _refund(b: Borrower, day: date, rng: random.Random) -> None:
    orders = [
        o for o in Order.objects.filter(account_id=b.account_id, status="CAPTURED")
        if o.amount > o.refunded_amount
    ]  # fmt: skip
    if not orders:
        return
    order = rng.choice(orders)
    amount = Decimal(rng.randint(1, int((order.amount - order.refunded_amount) * 100))) / 100
    if _accept(b, RefundEvent(day, str(order.pk), amount)):
        b.serial += 1
        order_refund(
            order_id=order.pk, merchant_refund_id=f"R-{b.serial}", amount=amount, now=_now(day)
        )


def _convert(b: Borrower, day: date, rng: random.Random) -> None:
    bill = b.state.bills[-1] if b.state.bills else None
    if bill is None or bill.revolving_principal < 100 or not bill.statement_date < day:
        return
    cents = rng.randint(10_000, int(bill.revolving_principal * 100))
    event = BillInstallmentEvent(
        day, bill.statement_date, Decimal(cents) / 100, rng.choice((3, 12))
    )
    if _accept(b, event):
        b.serial += 1
        bill_installment_create(
            account_id=b.account_id,
            statement_date=event.statement_date,
            amount=event.amount,
            term=event.term,
            reference=f"B-{b.serial}",
            now=_now(day),
        )


def _pay(b: Borrower, day: date, rng: random.Random) -> None:
    share = Decimal(str(round(rng.uniform(0.05, 1.2), 4)))
    amount = (debt_outstanding(b.state) * share).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    if amount > 0 and _accept(b, PaymentEvent(day, amount)):
        b.serial += 1
        revolving_payment_post(
            account_id=b.account_id,
            amount=amount,
            channel=RevolvingPaymentChannel.PARTNER,
            reference=f"P-{b.serial}",
            now=_now(day),
        )


def _night(b: Borrower, day: date) -> tuple[object, ...]:
    """The domain's close of ``day``: what the account must show after it."""
    if day.day == b.state.statement_day and day > OPENED:
        b.state, _ = statement_cut(b.state, statement_date=day, terms=TERMS)
        b.state, _ = credit_apply(b.state)
    b.state, charges = day_close(b.state, as_of=day, terms=TERMS)
    return (
        charges.days_past_due,
        b.state.unbilled_interest,
        b.state.unbilled_penalty,
        b.state.credit_balance,
    )


def _bill_row(bill: DomainStatement) -> tuple[object, ...]:
    return (
        bill.statement_date,
        bill.previous_unpaid,
        bill.new_revolving_principal,
        bill.new_installment_principal,
        bill.new_fees,
        bill.new_interest,
        bill.new_penalty,
        bill.merchant_fees,
        bill.balance,
        bill.minimum_payment,
    )


def _db_bill_row(bill: Statement) -> tuple[object, ...]:
    return (
        bill.statement_date,
        bill.previous_unpaid_amount,
        bill.new_revolving_principal_amount,
        bill.new_installment_principal_amount,
        bill.new_fees_amount,
        bill.new_interest_amount,
        bill.new_penalty_amount,
        bill.merchant_fees_amount,
        bill.balance_amount,
        bill.minimum_payment_amount,
    )


def _future(state: AccountState) -> list[tuple[date, Decimal, Decimal]]:
    return sorted(
        (i.statement_date, i.principal, i.fee)
        for plan in state.plans
        for i in plan.unbilled(state.last_statement_date)
    )


def test_four_months_with_installments_and_credit_equal_the_domain() -> None:
    rng = random.Random(20270512)
    borrowers = [
        Borrower(
            shop := shop_with_account(statement_day=rng.randint(1, 28)),
            open_account(
                credit_limit=LIMIT, statement_day=shop.account.statement_day, opened_on=OPENED
            ),
        )
        for _ in range(10)
    ]
    day = OPENED
    while day <= LAST:
        BusinessDate.objects.filter(id=1).update(current_date=day)
        for b in borrowers:
            for chance, act in ((0.12, _buy), (0.04, _refund), (0.15, _convert), (0.07, _pay)):
                if rng.random() < chance:
                    act(b, day, rng)
        revolving_day_close(business_date=day)
        expected = {b.account_id: _night(b, day) for b in borrowers}
        got = {
            a.pk: (
                a.days_past_due,
                a.unbilled_interest_amount,
                a.unbilled_penalty_amount,
                a.credit_balance_amount,
            )
            for a in RevolvingAccount.objects.filter(pk__in=expected)
        }
        assert got == expected, day
        day += timedelta(days=1)

    for b in borrowers:
        simulation = simulate(
            credit_limit=LIMIT,
            statement_day=b.state.statement_day,
            opened_on=OPENED,
            through=LAST,
            events=b.events,
            terms=TERMS,
        )
        assert simulation.state == b.state  # the nights above are the simulator's
        rows = Statement.objects.filter(account_id=b.account_id).order_by("statement_date")
        bills = [s for s in simulation.statements if s.balance > 0]
        assert [_db_bill_row(r) for r in rows] == [_bill_row(s) for s in bills]
        owed = {bill.statement_date: bill for bill in b.state.bills}
        for row in rows:
            bill = owed[row.statement_date]
            assert (row.unpaid_amount, row.minimum_unpaid_amount, row.bears_interest) == (
                bill.unpaid,
                bill.minimum_unpaid,
                bill.bears_interest,
            )
            assert row.fees_unpaid_amount == bill.fees
        future = PlanInstallment.objects.filter(account_id=b.account_id, statement__isnull=True)
        assert sorted(
            (i.statement_date, i.principal_amount, i.fee_amount) for i in future
        ) == _future(b.state)
        fees = JournalLine.objects.filter(
            revolving_account_id=b.account_id, account=AccountCode.FEE_RECEIVABLE
        ).aggregate(t=Sum("amount"))["t"] or Decimal("0.00")
        assert fees == sum_amounts(bill.fees for bill in b.state.bills)

    # The portfolio saw what it had to: plans of both kinds, subsidies, credit, fees billed.
    kinds = set(InstallmentPlan.objects.values_list("kind", "fee_payer"))
    assert kinds >= {("BILL", "BORROWER"), ("PURCHASE", "BORROWER"), ("PURCHASE", "MERCHANT")}
    assert Statement.objects.filter(new_fees_amount__gt=0).count() > 5
    assert Statement.objects.filter(merchant_fees_amount__gt=0).exists()
    assert JournalLine.objects.filter(account=AccountCode.OVERPAYMENT_LIABILITY).count() > 3
    assert Refund.objects.filter(order__plan_term__isnull=False).count() > 2
    assert Refund.objects.filter(order__statement__isnull=False).count() > 2
    assert_books_reconcile()
