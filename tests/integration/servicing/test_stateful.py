"""A state machine over a few borrowers' loans: draws, days passing, repayments, prepayments,
payoffs, reversals, waivers and refunds in random order (PRODUCT §2.3-§3).

After every step the books reconcile, no balance is negative, the journal sums to zero and no
credit line is over its limit. A business refusal (LendingError, DomainError) must leave
everything as it was. Each example runs in a savepoint that is rolled back at its end.

The sequences the machine found are plain tests in test_stateful_sequences.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import TypeVar, cast

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
from loans.origination.services.drawdown import BorrowerPastDue, CreditLimitExceeded, loan_draw
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
from loans.servicing.services.repayment_undo import RepaymentReversalRefused
from loans.servicing.services.repayments import (
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
from tests.integration.servicing.world import INSTALLMENT_AMOUNTS, LOAN_BALANCES, world

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


def money(low_fen: int, high_fen: int) -> st.SearchStrategy[Decimal]:
    """Amounts from ``low_fen`` to ``high_fen``: whole yuan or whole fen."""
    fen = st.integers(low_fen, high_fen).map(lambda f: Decimal(f) / 100)
    low_yuan, high_yuan = max(1, -(-low_fen // 100)), high_fen // 100
    if low_yuan <= high_yuan:
        fen = st.one_of(st.integers(low_yuan, high_yuan).map(Decimal), fen)
    return fen.map(lambda amount: amount.quantize(FEN))


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
        late = Installment.objects.filter(  # no new credit while late (issue #16)
            loan__borrower=borrower,
            loan__status=LoanStatus.ACTIVE,
            paid_date__isnull=True,
            due_date__lt=self.today,
        ).exists()
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
        except BorrowerPastDue:
            event("draw refused: BorrowerPastDue")
            assert late, "refused as late with no installment past due"
            assert world() == before
            return
        except CreditLimitExceeded:
            event("draw refused: CreditLimitExceeded")
            assert not late, "a late borrower was refused for the limit, not for being late"
            assert not fits, f"¥{amount} fits the ¥{line.available_amount} available"
            assert world() == before
            return
        assert not late, "a borrower with an installment past due drew a loan"
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
