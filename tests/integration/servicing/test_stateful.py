"""A state machine over a few borrowers' loans: draws, days passing, repayments, prepayments,
payoffs, reversals, waivers and refunds in random order (PRODUCT §2.3-§3).

After every step the books reconcile, no balance is negative, the journal sums to zero and no
credit line is over its limit. A business refusal (LendingError, DomainError) must leave
everything as it was. Each example runs in a savepoint that is rolled back at its end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar, cast

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, event, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.domain.allocation import Component
from loans.domain.errors import DomainError
from loans.domain.prepayment import PrepaymentMode
from loans.domain.schedule import RepaymentMethod
from loans.errors import LendingError
from loans.ledger.models import EntryType, JournalEntry, JournalLine
from loans.ledger.reconciliation import books_reconcile
from loans.origination.models import LoanProduct, PayoutStatus
from loans.origination.services.drawdown import CreditLimitExceeded, loan_draw
from loans.origination.services.payouts import payout_send
from loans.servicing.models import (
    CreditLine,
    Installment,
    Loan,
    LoanStatus,
    Repayment,
    RepaymentChannel,
    RepaymentStatus,
)
from loans.servicing.selectors import installment_balance, loan_payoff_quote
from loans.servicing.services.collections import RefundRefused, overpayment_refund, waiver_post
from loans.servicing.services.components import CreditLineOverdrawn
from loans.servicing.services.daily import (
    loan_advance_apply,
    loan_close_if_paid,
    loan_fees_charge,
    loan_interest_accrue,
)
from loans.servicing.services.repayments import (
    RepaymentReversalRefused,
    repayment_post,
    repayment_reverse,
)
from tests.factories.loans import (
    DRAW_DATE,
    ProductFactory,
    borrower_with_line,
    contract_for,
    installment_product,
)

pytestmark = pytest.mark.django_db

T = TypeVar("T")
FEN = Decimal("0.01")
ZERO = Decimal("0.00")
STEPS = 200
EXAMPLES = 6
# Close of business for one active loan for one day is the costly step (a dozen statements).
# An example stops moving the date once it has run this many, so that no draw of the rules
# makes the test run for many minutes: unbounded, seed 1 ran 12,414 loan-days in 5 minutes.
LOAN_DAYS = 1_200

LOAN_BALANCES = (
    "principal_outstanding_amount",
    "interest_receivable_amount",
    "fee_receivable_amount",
    "penalty_receivable_amount",
    "advance_amount",
    "overpayment_amount",
)
INSTALLMENT_AMOUNTS = (
    "principal_amount",
    "interest_amount",
    "fee_amount",
    "accrual_base_amount",
    "interest_accrued_amount",
    "fee_charged_amount",
    "penalty_charged_amount",
    "principal_paid_amount",
    "interest_paid_amount",
    "fee_paid_amount",
    "penalty_paid_amount",
    "interest_waived_amount",
    "fee_waived_amount",
    "penalty_waived_amount",
)


def money(low_fen: int, high_fen: int) -> st.SearchStrategy[Decimal]:
    """Amounts from ``low_fen`` to ``high_fen``: whole yuan or whole fen."""
    fen = st.integers(low_fen, high_fen).map(lambda f: Decimal(f) / 100)
    low_yuan, high_yuan = max(1, -(-low_fen // 100)), high_fen // 100
    if low_yuan <= high_yuan:
        fen = st.one_of(st.integers(low_yuan, high_yuan).map(Decimal), fen)
    return fen.map(lambda amount: amount.quantize(FEN))


def world() -> dict[str, Any]:
    """Everything a refused operation must leave as it was."""
    return {
        "entries": JournalEntry.objects.count(),
        "lines": JournalLine.objects.count(),
        "loans": list(Loan.objects.order_by("id").values_list("id", "status", *LOAN_BALANCES)),
        "installments": list(
            Installment.objects.order_by("loan_id", "number").values_list(
                "loan_id", "number", "due_date", "paid_date", *INSTALLMENT_AMOUNTS
            )
        ),
        "lines_used": list(CreditLine.objects.order_by("id").values_list("id", "used_amount")),
        "repayments": list(Repayment.objects.order_by("id").values_list("id", "status")),
    }


class LendingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = DRAW_DATE
        BusinessDate.objects.update_or_create(id=1, defaults={"current_date": self.today})
        self.products: list[LoanProduct] = [
            cast(LoanProduct, ProductFactory()),
            installment_product(),
            cast(
                LoanProduct,
                ProductFactory(
                    code="FLEX",
                    name="Interest-only and bullet",
                    methods=[RepaymentMethod.INTEREST_ONLY, RepaymentMethod.BULLET],
                    terms=[1, 3, 6],
                ),
            ),
        ]
        self.officer = User.objects.create_user(username="officer", is_staff=True)
        self.borrowers: list[Borrower] = [
            borrower_with_line(limit=Decimal("30000.00")),
            borrower_with_line(limit=Decimal("12000.00"), grade="B", rate=Decimal("0.108000")),
            borrower_with_line(limit=Decimal("5000.00"), grade="E", rate=Decimal("0.239000")),
        ]
        self.loan_ids: list[int] = []
        self.loan_days = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers --------------------------------------------------------------------------------

    def attempt(
        self,
        action: str,
        call: Callable[[], T],
        *,
        must_succeed: bool,
        documented: tuple[type[Exception], ...] = (),
    ) -> T | None:
        """Run ``call``; a business refusal is allowed unless ``must_succeed``, and changes
        nothing. ``documented`` refusals (known limits, docs/ledger.md) are allowed always."""
        before = world()
        try:
            result = call()
        except (LendingError, DomainError) as error:
            refusal = f"{type(error).__name__}: {error}"
            must_succeed = must_succeed and not isinstance(error, documented)
        else:
            event(f"{action} done")
            return result
        event(f"{action} refused: {refusal.split(':')[0]}")
        note(f"{action} refused: {refusal}")
        assert not must_succeed, f"{action} was refused: {refusal}"
        assert world() == before, f"the refused {action} changed something"
        return None

    def loan(self, data: st.DataObject, *, active: bool = False) -> Loan:
        ids = self.loan_ids
        if active:
            ids = list(
                Loan.objects.filter(pk__in=ids, status=LoanStatus.ACTIVE)
                .order_by("id")
                .values_list("id", flat=True)
            )
        return Loan.objects.get(pk=data.draw(st.sampled_from(ids), label="loan"))

    def has_active_loan(self) -> bool:
        return Loan.objects.filter(pk__in=self.loan_ids, status=LoanStatus.ACTIVE).exists()

    def repay(
        self, loan: Loan, amount: Decimal, mode: PrepaymentMode | None = None
    ) -> Repayment | None:
        action = "prepay" if mode else "repay"
        return self.attempt(
            action,
            lambda: repayment_post(
                loan=loan,
                amount=amount,
                value_date=self.today,
                as_of=self.today,
                channel=RepaymentChannel.PORTAL,
                prepayment_mode=mode,
            ),
            # A prepayment may find nothing to prepay; a plain repayment of an active loan
            # is always taken.
            must_succeed=mode is None and loan.status == LoanStatus.ACTIVE,
        )

    # --- rules ----------------------------------------------------------------------------------

    @rule(data=st.data(), amount=money(10_000, 1_000_000))
    def draw(self, data: st.DataObject, amount: Decimal) -> None:
        borrower = data.draw(st.sampled_from(self.borrowers), label="borrower")
        product = data.draw(st.sampled_from(self.products), label="product")
        method = RepaymentMethod(data.draw(st.sampled_from(product.methods), label="method"))
        term = data.draw(st.sampled_from(product.terms), label="term")
        line = CreditLine.objects.get(borrower=borrower)
        fits = amount <= line.available_amount
        before = world()
        try:
            loan = loan_draw(
                borrower=borrower,
                product=product,
                principal=amount,
                term=term,
                method=method,
                contract=contract_for(borrower),
                as_of=self.today,
            )
        except CreditLimitExceeded:
            event("draw refused: CreditLimitExceeded")
            assert not fits, f"¥{amount} fits the ¥{line.available_amount} available"
            assert world() == before
            return
        assert fits, f"¥{amount} was drawn with only ¥{line.available_amount} available"
        event("draw done")
        # on_commit never runs inside the example's transaction: send the payout here.
        if loan.payout.status == PayoutStatus.SENT:
            payout_send(payout_id=loan.payout.pk)
        loan.refresh_from_db()
        assert loan.status == LoanStatus.ACTIVE
        assert loan.principal_outstanding_amount == amount
        self.loan_ids.append(loan.pk)

    @precondition(lambda self: self.loan_days < LOAN_DAYS)
    @rule(days=st.integers(1, 40))
    def advance_days(self, days: int) -> None:
        """Close of business for each day, then open the next one (within LOAN_DAYS)."""
        for _ in range(days):
            active = list(Loan.objects.filter(pk__in=self.loan_ids, status=LoanStatus.ACTIVE))
            for loan in active:
                loan_interest_accrue(loan=loan, as_of=self.today)
                loan_fees_charge(loan=loan, as_of=self.today)
                loan_advance_apply(loan=loan, as_of=self.today)
                loan_close_if_paid(loan=loan, as_of=self.today)
            self.today += timedelta(days=1)
            self.loan_days += len(active)
            if self.loan_days >= LOAN_DAYS:
                event("loan-day budget reached")
                break
        BusinessDate.objects.filter(id=1).update(current_date=self.today)

    @precondition(lambda self: self.loan_ids)
    @rule(data=st.data(), amount=money(1, 500_000))
    def repay_any(self, data: st.DataObject, amount: Decimal) -> None:
        self.repay(self.loan(data), amount)

    @precondition(lambda self: self.has_active_loan())
    @rule(data=st.data(), amount=money(1, 1_000_000), mode=st.sampled_from(PrepaymentMode))
    def prepay(self, data: st.DataObject, amount: Decimal, mode: PrepaymentMode) -> None:
        self.repay(self.loan(data, active=True), amount, mode)

    @precondition(lambda self: self.has_active_loan())
    @rule(data=st.data(), extra=st.integers(0, 100_000).map(lambda f: Decimal(f) / 100))
    def pay_off(self, data: st.DataObject, extra: Decimal) -> None:
        """Pay the quote plus ``extra``: the loan closes, the extra and any advance are held."""
        loan = self.loan(data, active=True)
        quote = loan_payoff_quote(loan=loan, as_of=self.today)
        amount = (quote.total + extra).quantize(FEN)
        note(f"payoff quote {quote}, advance {loan.advance_amount}, paying {amount}")
        if amount <= 0:
            return
        advance, overpayment = loan.advance_amount, loan.overpayment_amount
        repayment = self.repay(loan, amount)
        assert repayment is not None
        loan.refresh_from_db()
        assert loan.status == LoanStatus.PAID_OFF, f"paying the quote left the loan {loan.status}"
        assert repayment.overpayment_amount == extra + advance
        assert loan.overpayment_amount == overpayment + extra + advance
        assert loan.advance_amount == 0

    @precondition(
        lambda self: Repayment.objects.filter(
            loan_id__in=self.loan_ids, status=RepaymentStatus.POSTED
        ).exists()
    )
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        posted = list(
            Repayment.objects.filter(
                loan_id__in=self.loan_ids, status=RepaymentStatus.POSTED
            ).order_by("id")
        )
        repayment = data.draw(st.sampled_from(posted), label="repayment")
        note(f"reversing repayment {repayment.pk} of loan {repayment.loan_id}")
        # Money refunded cannot be replayed: a refund on or after its value date refuses it.
        refund_follows = JournalEntry.objects.filter(
            loan_id=repayment.loan_id,
            entry_type=EntryType.REFUND,
            value_date__gte=repayment.value_date,
        ).exists()
        reversed_ = self.attempt(
            "reverse",
            lambda: repayment_reverse(repayment=repayment, as_of=self.today),
            must_succeed=not refund_follows,
            # Documented limits: the freed amount was drawn again, or the replay would restore a
            # schedule below the interest accrued since (docs/ledger.md, "Reversal").
            documented=(CreditLineOverdrawn, RepaymentReversalRefused),
        )
        if reversed_ is not None:
            assert reversed_.status == RepaymentStatus.REVERSED

    @precondition(lambda self: self.loan_ids)
    @rule(
        data=st.data(),
        component=st.sampled_from([Component.PENALTY, Component.FEE, Component.INTEREST]),
        whole=st.booleans(),
    )
    def waive(self, data: st.DataObject, component: Component, whole: bool) -> None:
        loan = self.loan(data)
        rows = list(loan.installments.order_by("number"))
        if not rows:
            return
        row = data.draw(st.sampled_from(rows), label="installment")
        owed = installment_balance(row).outstanding(component)
        if whole or owed <= FEN:
            amount = owed if owed > 0 else FEN
        else:
            amount = data.draw(money(1, int(owed * 100)), label="amount")
        self.attempt(
            "waive",
            lambda: waiver_post(
                loan=loan,
                installment_number=row.number,
                component=component,
                amount=amount,
                as_of=self.today,
                user=self.officer,
                reason="Goodwill",
            ),
            must_succeed=loan.status == LoanStatus.ACTIVE and ZERO < amount <= owed,
        )

    @precondition(
        lambda self: Loan.objects.filter(pk__in=self.loan_ids, overpayment_amount__gt=0).exists()
    )
    @rule(data=st.data(), whole=st.booleans(), too_much=st.booleans())
    def refund(self, data: st.DataObject, whole: bool, too_much: bool) -> None:
        loan = Loan.objects.get(
            pk=data.draw(
                st.sampled_from(
                    list(
                        Loan.objects.filter(pk__in=self.loan_ids, overpayment_amount__gt=0)
                        .order_by("id")
                        .values_list("id", flat=True)
                    )
                ),
                label="loan",
            )
        )
        held = loan.overpayment_amount
        if too_much:
            amount = held + FEN
        elif whole:
            amount = held
        else:
            amount = data.draw(money(1, int(held * 100)), label="amount")
        before = world()
        try:
            overpayment_refund(loan=loan, amount=amount, as_of=self.today, user=self.officer)
        except RefundRefused:
            event("refund refused")
            assert amount > held
            assert world() == before
            return
        event("refund done")
        assert amount <= held
        loan.refresh_from_db()
        assert loan.overpayment_amount == held - amount

    # --- invariants -----------------------------------------------------------------------------

    @invariant()
    def books_reconcile(self) -> None:
        failures = {r.name: r.failures for r in books_reconcile() if not r.ok}
        assert failures == {}, f"books_reconcile: {failures}"

    @invariant()
    def journal_sums_to_zero(self) -> None:
        assert (JournalLine.objects.aggregate(total=Sum("amount"))["total"] or ZERO) == 0

    @invariant()
    def balances_not_negative(self) -> None:
        for row in Loan.objects.values("id", *LOAN_BALANCES):
            assert all(row[f] >= 0 for f in LOAN_BALANCES), row
        for row in Installment.objects.values("loan_id", "number", *INSTALLMENT_AMOUNTS):
            assert all(row[f] >= 0 for f in INSTALLMENT_AMOUNTS), row

    @invariant()
    def credit_lines_within_limits(self) -> None:
        for line in CreditLine.objects.all():
            assert ZERO <= line.used_amount <= line.limit_amount, line
        STEPS_RUN.append(1)  # invariants run after every step: this counts the steps


STEPS_RUN: list[int] = []


def test_lending_state_machine() -> None:
    STEPS_RUN.clear()
    run_state_machine_as_test(
        LendingMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            # Shrinking a failing run of 200 database steps can take longer than CI allows;
            # the unshrunk failing sequence is printed in full and replays from the seed.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )
    assert len(STEPS_RUN) >= STEPS  # the issue asks for at least 200 steps per run


# --- sequences the state machine found, as plain tests ------------------------------------------


def _cob(loan: Loan, first: date, last: date) -> None:
    day = first
    while day <= last:
        loan_interest_accrue(loan=loan, as_of=day)
        loan_fees_charge(loan=loan, as_of=day)
        loan_advance_apply(loan=loan, as_of=day)
        loan_close_if_paid(loan=loan, as_of=day)
        day += timedelta(days=1)


def _drawn(borrower: Borrower, principal: str, captured: Any, **kwargs: Any) -> Loan:
    with captured(execute=True):
        loan = loan_draw(
            borrower=borrower,
            product=cast(LoanProduct, ProductFactory()),
            principal=Decimal(principal),
            term=kwargs.pop("term", 3),
            method=kwargs.pop("method", RepaymentMethod.EQUAL_INSTALLMENT),
            contract=contract_for(borrower),
            as_of=kwargs.pop("as_of", DRAW_DATE),
        )
    loan.refresh_from_db()
    return loan


def _pay(loan: Loan, amount: str, day: date, mode: PrepaymentMode | None = None) -> Repayment:
    return repayment_post(
        loan=loan,
        amount=Decimal(amount),
        value_date=day,
        as_of=day,
        channel=RepaymentChannel.PORTAL,
        prepayment_mode=mode,
    )


def _reconciled() -> None:
    assert {r.name: r.failures for r in books_reconcile() if not r.ok} == {}


@pytest.fixture
def business_date() -> date:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": DRAW_DATE})
    return DRAW_DATE


def test_reversing_a_repayment_whose_advance_was_applied(
    business_date: date, django_capture_on_commit_callbacks: Any
) -> None:
    """The advance a repayment left was applied on the due date; the reversal undoes both."""
    loan = _drawn(borrower_with_line(), "10000.00", django_capture_on_commit_callbacks)
    repayment = _pay(loan, "100.00", DRAW_DATE)
    first_due = loan.installments.get(number=1).due_date
    _cob(loan, DRAW_DATE, first_due)
    row = loan.installments.get(number=1)
    assert row.interest_paid_amount + row.principal_paid_amount == Decimal("100.00")

    repayment_reverse(repayment=repayment, as_of=first_due + timedelta(days=1))

    loan.refresh_from_db()
    row.refresh_from_db()
    assert loan.advance_amount == 0
    assert row.interest_paid_amount == row.principal_paid_amount == 0
    assert loan.principal_outstanding_amount == Decimal("10000.00")
    _reconciled()


def test_reversing_a_payoff_after_the_freed_limit_was_drawn_again(
    business_date: date, django_capture_on_commit_callbacks: Any
) -> None:
    borrower = borrower_with_line(limit=Decimal("5000.00"))
    loan = _drawn(borrower, "5000.00", django_capture_on_commit_callbacks)
    payoff = _pay(loan, "5000.00", DRAW_DATE)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.PAID_OFF
    _drawn(borrower, "5000.00", django_capture_on_commit_callbacks)
    before = world()

    # The payment bounced: the borrower owes the 5,000 again. Either the reversal is taken (the
    # line is then over its limit, which the database refuses today) or it is refused cleanly.
    try:
        repayment_reverse(repayment=payoff, as_of=DRAW_DATE)
    except LendingError:
        assert world() == before
    else:
        loan.refresh_from_db()
        assert loan.status == LoanStatus.ACTIVE
        assert loan.principal_outstanding_amount == Decimal("5000.00")
    _reconciled()


def _posted(loan: Loan, amount: str) -> Repayment:
    return Repayment.objects.get(loan=loan, amount=Decimal(amount), status=RepaymentStatus.POSTED)


@pytest.mark.xfail(
    strict=True,
    reason="Known gap: after prepayments, reversals and a payoff, reversing an early prepayment "
    "of a BULLET loan would restore a schedule with less interest than close of business has "
    "accrued since; re-accruing history is not supported, so the service refuses the reversal "
    "(RepaymentReversalRefused, nothing written) instead of performing it.",
)
def test_reversing_an_early_prepayment_after_a_payoff_of_a_bullet_loan(
    business_date: date, django_capture_on_commit_callbacks: Any
) -> None:
    """The state machine's sequence, cut down to the one loan it broke."""
    product = cast(
        LoanProduct,
        ProductFactory(
            code="FLEX",
            name="Interest-only and bullet",
            methods=[RepaymentMethod.INTEREST_ONLY, RepaymentMethod.BULLET],
            terms=[1, 3, 6],
        ),
    )
    borrower = borrower_with_line()
    with django_capture_on_commit_callbacks(execute=True):
        loan = loan_draw(
            borrower=borrower,
            product=product,
            principal=Decimal("9972.00"),
            term=6,
            method=RepaymentMethod.BULLET,
            contract=contract_for(borrower),
            as_of=DRAW_DATE,
        )
    lower = PrepaymentMode.LOWER_INSTALLMENT
    day = DRAW_DATE  # 2027-01-15
    repayment_reverse(repayment=_pay(loan, "9972.01", day), as_of=day)  # a payoff, reversed
    _pay(loan, "2.00", day)
    prepaid_22 = _pay(loan, "22.00", day, lower)
    _pay(loan, "1.00", day, lower)
    _cob(loan, day, date(2027, 1, 22))
    day = date(2027, 1, 23)
    _pay(loan, "2314.00", day)
    _cob(loan, day, date(2027, 3, 27))
    day = date(2027, 3, 28)
    repayment_reverse(repayment=prepaid_22, as_of=day)
    repayment_reverse(repayment=_posted(loan, "2314.00"), as_of=day)
    _cob(loan, day, date(2027, 4, 17))
    day = date(2027, 4, 18)
    repayment_reverse(repayment=_posted(loan, "2.00"), as_of=day)
    _cob(loan, day, date(2027, 4, 29))
    day = date(2027, 4, 30)
    quote = loan_payoff_quote(loan=loan, as_of=day)
    assert quote.total == Decimal("10491.59")
    _pay(loan, str(quote.total + Decimal("266.94")), day)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.PAID_OFF

    repayment_reverse(repayment=_posted(loan, "1.00"), as_of=day)

    _reconciled()
