"""The state of a revolving account: purchases, installment plans, bills, charges, credit.

Frozen values; every operation of this package returns a new state. Amounts are CNY in whole
fen and never negative.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from loans.domain.errors import DomainError
from loans.domain.money import ZERO, decimal_context, is_whole_fen, require_decimal, sum_amounts
from loans.domain.revolving.terms import require_statement_day


class InvalidRevolvingAmount(DomainError):
    """An amount given to a revolving operation is not a positive amount in whole fen."""


class FeePayer(StrEnum):
    """Who pays an installment plan's fees (PRODUCT §10: a merchant may pay them, 免息)."""

    BORROWER = "BORROWER"
    MERCHANT = "MERCHANT"


class PlanKind(StrEnum):
    """Purchase installment (交易分期) or bill installment (账单分期)."""

    PURCHASE = "PURCHASE"
    BILL = "BILL"


@dataclass(frozen=True, slots=True)
class Purchase:
    """A captured order. ``unbilled_principal`` is what is left of it before its bill is cut.

    For a purchase on a plan the principal lives in the plan, and unbilled_principal is 0.
    """

    purchase_id: str
    purchase_date: date
    amount: Decimal
    refunded: Decimal = ZERO
    unbilled_principal: Decimal = ZERO
    statement_date: date | None = None  # the bill it went on; None while unbilled
    plan_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlanInstallment:
    """One installment of a plan, billed on ``statement_date``; the plan's payer owes ``fee``."""

    number: int
    statement_date: date
    principal: Decimal
    fee: Decimal


@dataclass(frozen=True, slots=True)
class InstallmentPlan:
    """A purchase or bill installment plan (method INSTALLMENT_FEE, PRODUCT §2.1 and §10)."""

    plan_id: str
    kind: PlanKind
    amount: Decimal
    term: int
    fee_rate: Decimal
    fee_payer: FeePayer
    borrower_apr: Decimal
    installments: tuple[PlanInstallment, ...]

    def unbilled(self, last_statement_date: date | None) -> tuple[PlanInstallment, ...]:
        """Return the installments not billed yet (statement date after the last cut)."""
        return tuple(
            i
            for i in self.installments
            if last_statement_date is None or i.statement_date > last_statement_date
        )


@dataclass(frozen=True, slots=True)
class Bill:
    """What is still unpaid of one bill's own items, and of its own share of the minimum.

    Own items are those billed on this statement date; what earlier bills left unpaid stays on
    them (oldest first matters for allocation and days past due). ``minimum_base`` is the
    statement's revolving principal the minimum's 10% was taken of.
    """

    statement_date: date
    due_date: date
    pay_by_date: date
    revolving_principal: Decimal
    installment_principal: Decimal
    fees: Decimal
    interest: Decimal
    penalty: Decimal
    minimum_unpaid: Decimal
    minimum_base: Decimal
    bears_interest: bool = False  # failed its interest-free check

    @property
    def unpaid(self) -> Decimal:
        """Return the sum of the five unpaid parts."""
        return sum_amounts(
            (
                self.revolving_principal,
                self.installment_principal,
                self.fees,
                self.interest,
                self.penalty,
            )
        )


@dataclass(frozen=True, slots=True)
class AccountState:
    """A revolving account at one moment. Build a new one with ``open_account``."""

    credit_limit: Decimal
    statement_day: int
    opened_on: date
    purchases: tuple[Purchase, ...] = ()
    plans: tuple[InstallmentPlan, ...] = ()
    bills: tuple[Bill, ...] = ()
    unbilled_interest: Decimal = ZERO
    unbilled_penalty: Decimal = ZERO
    credit_balance: Decimal = ZERO
    last_statement_date: date | None = None

    def purchase(self, purchase_id: str) -> Purchase | None:
        """Return the purchase with ``purchase_id``, or None."""
        return next((p for p in self.purchases if p.purchase_id == purchase_id), None)

    def plan(self, plan_id: str) -> InstallmentPlan | None:
        """Return the plan with ``plan_id``, or None."""
        return next((p for p in self.plans if p.plan_id == plan_id), None)

    def bill(self, statement_date: date) -> Bill | None:
        """Return the bill cut on ``statement_date``, or None."""
        return next((b for b in self.bills if b.statement_date == statement_date), None)


def open_account(*, credit_limit: Decimal, statement_day: int, opened_on: date) -> AccountState:
    """Return a new account owing nothing. Raises InvalidRevolvingAmount, InvalidRevolvingTerms."""
    require_statement_day(statement_day)
    require_fen(credit_limit, name="Credit limit", allow_zero=True)
    return AccountState(credit_limit, statement_day, opened_on)


def unbilled_purchase_principal(state: AccountState) -> Decimal:
    """Return the principal of purchases not billed yet (plans excluded)."""
    return sum_amounts(p.unbilled_principal for p in state.purchases)


def future_installment_principal(state: AccountState) -> Decimal:
    """Return the principal of plan installments not billed yet."""
    return sum_amounts(
        i.principal for plan in state.plans for i in plan.unbilled(state.last_statement_date)
    )


def billed_principal(state: AccountState) -> Decimal:
    """Return the unpaid revolving and installment principal of all bills."""
    return sum_amounts(b.revolving_principal + b.installment_principal for b in state.bills)


def principal_outstanding(state: AccountState) -> Decimal:
    """Return all unpaid principal: billed, unbilled purchases and future installments."""
    return sum_amounts(
        (
            billed_principal(state),
            unbilled_purchase_principal(state),
            future_installment_principal(state),
        )
    )


def available_limit(*, credit_limit: Decimal, principal_outstanding: Decimal) -> Decimal:
    """Return limit - all unpaid principal (PRODUCT §10; a line's cash loans count too).

    May be negative when the limit was lowered below what is owed; a credit balance does not
    add to it (it pays the next purchase instead).
    """
    with decimal_context():
        return credit_limit - principal_outstanding


def debt_outstanding(state: AccountState) -> Decimal:
    """Return everything owed now: principal (incl. future installments) + billed fees + charges."""
    billed_other = sum_amounts(b.fees + b.interest + b.penalty for b in state.bills)
    return sum_amounts(
        (
            principal_outstanding(state),
            billed_other,
            state.unbilled_interest,
            state.unbilled_penalty,
        )
    )


def total_minimum_unpaid(state: AccountState) -> Decimal:
    """Return the unpaid minimum of all bills."""
    return sum_amounts(b.minimum_unpaid for b in state.bills)


def replace_bill(state: AccountState, bill: Bill) -> AccountState:
    """Return ``state`` with the bill of the same statement date replaced by ``bill``."""
    bills = tuple(bill if b.statement_date == bill.statement_date else b for b in state.bills)
    return replace(state, bills=bills)


def require_fen(amount: Decimal, *, name: str, allow_zero: bool = False) -> Decimal:
    """Return ``amount`` if it is a positive (or zero, if allowed) amount in whole fen.

    Raises TypeError for a non-Decimal and InvalidRevolvingAmount otherwise.
    """
    require_decimal(amount, name=name)
    if amount < 0 or (amount == 0 and not allow_zero) or not is_whole_fen(amount):
        raise InvalidRevolvingAmount(
            f"{name} must be a positive amount in whole fen, got {amount}."
        )
    return amount


def cap_minimum(state: AccountState) -> AccountState:
    """Return ``state`` with the unpaid minimum no larger than what its bills still owe.

    The excess, if any, is taken off the newest bills first (the minimum is never more than the
    statement balance, PRODUCT §10, and a bill paid in full has nothing left due).
    """
    with decimal_context():
        excess = total_minimum_unpaid(state) - sum_amounts(b.unpaid for b in state.bills)
    if excess <= 0:
        return state
    bills = list(state.bills)
    with decimal_context():
        for index in reversed(range(len(bills))):
            cut = min(excess, bills[index].minimum_unpaid)
            bills[index] = replace(bills[index], minimum_unpaid=bills[index].minimum_unpaid - cut)
            excess -= cut
    return replace(state, bills=tuple(bills))
