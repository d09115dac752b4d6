"""Allocation of a payment on a revolving account (PRODUCT §10).

Order: penalty → interest → fees → the unpaid minimum (oldest bill first) → billed installments
→ billed revolving principal (oldest bill first) → unbilled purchases (oldest first); anything
left is a credit balance. Penalty and interest are taken from the bills oldest first and then from
what was charged since the last cut. The "unpaid minimum" step pays principal of the bills oldest
first (installment principal, then revolving principal) up to the minimum still unpaid after the
first three steps. Every fen allocated counts toward the unpaid minimum, oldest bill first, so a
payment of at least the minimum always clears it. No rounding: amounts are whole fen.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import IntEnum

from loans.domain.money import ZERO, decimal_context, sum_amounts
from loans.domain.revolving.state import (
    AccountState,
    Bill,
    cap_minimum,
    require_fen,
)


class Step(IntEnum):
    """The allocation steps in their order (PRODUCT §10)."""

    PENALTY = 1
    INTEREST = 2
    FEES = 3
    MINIMUM = 4
    INSTALLMENTS = 5
    REVOLVING_PRINCIPAL = 6
    UNBILLED_PURCHASES = 7


class Part(IntEnum):
    """The part of the account an allocated amount reduced."""

    PENALTY = 1
    INTEREST = 2
    FEES = 3
    INSTALLMENT_PRINCIPAL = 4
    REVOLVING_PRINCIPAL = 5


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """An amount applied by ``step`` to ``part`` of a bill (statement date) or an unbilled item.

    ``statement_date`` is None for charges not billed yet; ``purchase_id`` names the unbilled
    purchase of step 7.
    """

    step: Step
    part: Part
    statement_date: date | None
    amount: Decimal
    purchase_id: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentAllocation:
    """Where a payment went; amount = allocated + to_credit exactly."""

    amount: Decimal
    lines: tuple[AllocationLine, ...]
    to_credit: Decimal
    minimum_paid: Decimal

    @property
    def allocated(self) -> Decimal:
        """Return the sum of the lines."""
        return sum_amounts(line.amount for line in self.lines)

    def total_for(self, part: Part) -> Decimal:
        """Return what went to ``part`` (for the ledger postings)."""
        return sum_amounts(line.amount for line in self.lines if line.part is part)


_BILL_FIELD = {
    Part.PENALTY: "penalty",
    Part.INTEREST: "interest",
    Part.FEES: "fees",
    Part.INSTALLMENT_PRINCIPAL: "installment_principal",
    Part.REVOLVING_PRINCIPAL: "revolving_principal",
}


class _Allocator:
    """Holds the working copy of the balances while one payment is walked through the steps."""

    def __init__(self, state: AccountState, amount: Decimal) -> None:
        self.state = state
        self.bills = list(state.bills)
        self.purchases = list(state.purchases)
        self.unbilled = {
            Part.PENALTY: state.unbilled_penalty,
            Part.INTEREST: state.unbilled_interest,
        }
        self.left = amount
        self.lines: list[AllocationLine] = []

    def take(
        self, step: Step, part: Part, owed: Decimal, when: date | None, pid: str | None = None
    ) -> Decimal:
        paid = min(self.left, owed)
        if paid > 0:
            with decimal_context():
                self.left -= paid
            self.lines.append(AllocationLine(step, part, when, paid, pid))
        return paid

    def pay_bills(self, step: Step, part: Part) -> None:
        for index in range(len(self.bills)):
            self.pay_bill_part(index, step, part)

    def pay_minimum(self, limit: Callable[[], Decimal]) -> None:
        # Oldest bill first; within a bill, installment principal before revolving principal.
        for index in range(len(self.bills)):
            for part in (Part.INSTALLMENT_PRINCIPAL, Part.REVOLVING_PRINCIPAL):
                self.pay_bill_part(index, Step.MINIMUM, part, limit())

    def pay_bill_part(self, index: int, step: Step, part: Part, cap: Decimal | None = None) -> None:
        bill = self.bills[index]
        owed = getattr(bill, _BILL_FIELD[part])
        paid = self.take(step, part, owed if cap is None else min(owed, cap), bill.statement_date)
        with decimal_context():
            self.bills[index] = replace(bill, **{_BILL_FIELD[part]: owed - paid})

    def pay_unbilled_charge(self, step: Step, part: Part) -> None:
        paid = self.take(step, part, self.unbilled[part], None)
        with decimal_context():
            self.unbilled[part] -= paid

    def pay_unbilled_purchases(self) -> None:
        for index, purchase in enumerate(self.purchases):
            paid = self.take(
                Step.UNBILLED_PURCHASES,
                Part.REVOLVING_PRINCIPAL,
                purchase.unbilled_principal,
                None,
                purchase.purchase_id,
            )
            with decimal_context():
                self.purchases[index] = replace(
                    purchase, unbilled_principal=purchase.unbilled_principal - paid
                )

    def minimum_left(self, paid_before: Decimal) -> Callable[[], Decimal]:
        total = sum_amounts(b.minimum_unpaid for b in self.state.bills)

        def left() -> Decimal:
            with decimal_context():
                return max(total - paid_before - self.allocated_in(Step.MINIMUM), ZERO)

        return left

    def allocated_in(self, step: Step) -> Decimal:
        return sum_amounts(line.amount for line in self.lines if line.step is step)


def payment_allocate(
    state: AccountState, *, amount: Decimal
) -> tuple[AccountState, PaymentAllocation]:
    """Allocate a payment or a billed refund's credit of ``amount`` (PRODUCT §10, module doc).

    Returns the new state and the allocation; the rest goes to the credit balance.
    Raises InvalidRevolvingAmount for a negative or sub-fen amount.
    """
    require_fen(amount, name="Payment amount", allow_zero=True)
    work = _Allocator(state, amount)
    for step, part in ((Step.PENALTY, Part.PENALTY), (Step.INTEREST, Part.INTEREST)):
        work.pay_bills(step, part)
        work.pay_unbilled_charge(step, part)
    work.pay_bills(Step.FEES, Part.FEES)
    minimum_left = work.minimum_left(amount - work.left)
    work.pay_minimum(minimum_left)
    work.pay_bills(Step.INSTALLMENTS, Part.INSTALLMENT_PRINCIPAL)
    work.pay_bills(Step.REVOLVING_PRINCIPAL, Part.REVOLVING_PRINCIPAL)
    work.pay_unbilled_purchases()
    allocated = amount - work.left
    bills, minimum_paid = _reduce_minimum(work.bills, allocated)
    new_state = replace(
        state,
        bills=tuple(bills),
        purchases=tuple(work.purchases),
        unbilled_penalty=work.unbilled[Part.PENALTY],
        unbilled_interest=work.unbilled[Part.INTEREST],
        credit_balance=state.credit_balance + work.left,
    )
    allocation = PaymentAllocation(amount, tuple(work.lines), work.left, minimum_paid)
    return cap_minimum(new_state), allocation


def credit_apply(state: AccountState) -> tuple[AccountState, PaymentAllocation]:
    """Use the credit balance as a payment on what is owed now (PRODUCT §10: by the next purchases).

    The whole credit balance is allocated in the order above; what nothing takes stays credit.
    """
    drawn = replace(state, credit_balance=ZERO)
    return payment_allocate(drawn, amount=state.credit_balance)


def _reduce_minimum(bills: list[Bill], allocated: Decimal) -> tuple[list[Bill], Decimal]:
    left = allocated
    paid_total = ZERO
    with decimal_context():
        for index, bill in enumerate(bills):
            paid = min(left, bill.minimum_unpaid)
            bills[index] = replace(bill, minimum_unpaid=bill.minimum_unpaid - paid)
            left -= paid
            paid_total += paid
    return bills, paid_total
