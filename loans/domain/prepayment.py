"""Re-amortisation of the rest of a schedule after a partial prepayment (PRODUCT §2.5).

The exact recomputation, rule by rule, is in docs/money.md ("Prepayment").
"""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from loans.domain.dates import days_between
from loans.domain.errors import DomainError
from loans.domain.money import (
    FEN,
    ZERO,
    decimal_context,
    is_whole_fen,
    require_decimal,
    round_money,
    sum_amounts,
)
from loans.domain.schedule import MONTHS_PER_YEAR, RepaymentMethod


class InvalidPrepayment(DomainError):
    """A prepayment cannot be re-amortised: bad date, amounts or remaining installments."""


class PrepaymentMode(StrEnum):
    """What the borrower keeps after a partial prepayment (PRODUCT §2.5)."""

    SHORTEN_TERM = "SHORTEN_TERM"  # the same installment, fewer of them (the default)
    LOWER_INSTALLMENT = "LOWER_INSTALLMENT"  # the same number of installments, each lower


@dataclass(frozen=True, slots=True)
class RemainingInstallment:
    """An unpaid installment of the schedule before the prepayment; amounts in CNY."""

    number: int
    period_start: date
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal

    @property
    def total(self) -> Decimal:
        """Return principal + interest + fee."""
        return sum_amounts((self.principal, self.interest, self.fee))


@dataclass(frozen=True, slots=True)
class RescheduledInstallment:
    """An installment of the new schedule; amounts in CNY, rounded to the fen.

    Interest accrues from ``accrual_base`` on ``accrual_start`` to ``interest`` on the last day
    (``accrual.accrued_through_from``); the base is the interest already settled.
    """

    number: int
    period_start: date
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    accrual_start: date
    accrual_base: Decimal
    remaining_principal: Decimal

    @property
    def total(self) -> Decimal:
        """Return principal + interest + fee (the settled accrual base included)."""
        return sum_amounts((self.principal, self.interest, self.fee))


@dataclass(frozen=True, slots=True)
class Reamortisation:
    """The new rest of the schedule; empty when the prepayment paid the loan off."""

    method: RepaymentMethod
    mode: PrepaymentMode
    installments: tuple[RescheduledInstallment, ...]

    @property
    def total_principal(self) -> Decimal:
        """Return the sum of the principal parts (equals the new principal exactly)."""
        return sum_amounts(i.principal for i in self.installments)

    @property
    def total_interest(self) -> Decimal:
        """Return the sum of the interest parts, the settled base of the current one included."""
        return sum_amounts(i.interest for i in self.installments)

    @property
    def total_fees(self) -> Decimal:
        """Return the sum of the fees."""
        return sum_amounts(i.fee for i in self.installments)


# (principal part, interest part) of one new installment, in order.
type Split = tuple[Decimal, Decimal]
# The scheduled principal of a new installment given its interest (before capping).
type PrincipalRule = Callable[[Decimal], Decimal]


@dataclass(frozen=True, slots=True)
class _Plan:
    """What every method needs: the balance, the rates and the current period's interest."""

    balance: Decimal
    monthly_rate: Decimal
    first_interest: Decimal
    slots: int
    old_last_total: Decimal
    old_interest: Decimal
    fee: Decimal


def reamortise(
    *,
    method: RepaymentMethod,
    annual_rate: Decimal,
    fee: Decimal,
    remaining: Sequence[RemainingInstallment],
    new_principal: Decimal,
    settled_interest: Decimal,
    prepayment_date: date,
    mode: PrepaymentMode = PrepaymentMode.SHORTEN_TERM,
) -> Reamortisation:
    """Recompute the unpaid rest of a schedule after a prepayment on ``prepayment_date``.

    ``remaining`` starts with the current installment (period_start ≤ date < due_date);
    ``new_principal`` is the principal outstanding after the prepayment (0 pays the loan off:
    no installments); ``settled_interest`` is the current period's interest for the days before
    the date, already paid. Amounts in CNY, rounded HALF_UP to the fen at the §2.1 rounding
    points; the days before the date bear interest on the old balance, the days from it on the
    new one (算头不算尾, PRODUCT §2.5). Raises InvalidPrepayment.
    """
    method, mode = RepaymentMethod(method), PrepaymentMode(mode)
    _validate(
        annual_rate=annual_rate,
        fee=fee,
        remaining=remaining,
        new_principal=new_principal,
        settled_interest=settled_interest,
        prepayment_date=prepayment_date,
        method=method,
    )
    if new_principal.is_zero():
        return Reamortisation(method, mode, ())
    # PRODUCT §2.1: INSTALLMENT_FEE has "no interest" whatever rate is on the loan.
    rate = Decimal("0") if method is RepaymentMethod.INSTALLMENT_FEE else annual_rate
    with decimal_context():
        plan = _Plan(
            balance=round_money(new_principal),
            monthly_rate=rate / MONTHS_PER_YEAR,
            first_interest=_current_interest(
                remaining[0],
                rate / MONTHS_PER_YEAR,
                new_principal,
                settled_interest,
                prepayment_date,
            ),
            slots=len(remaining),
            old_last_total=remaining[-1].total,
            old_interest=sum_amounts(i.interest for i in remaining),
            fee=round_money(fee),
        )
    splits = _SPLITTERS[method](plan, remaining, mode)
    if mode is PrepaymentMode.SHORTEN_TERM:
        splits = _drop_unneeded(splits)
    return Reamortisation(
        method, mode, _assemble(splits, plan, remaining, settled_interest, prepayment_date)
    )


def _current_interest(
    current: RemainingInstallment,
    monthly_rate: Decimal,
    new_principal: Decimal,
    settled_interest: Decimal,
    prepayment_date: date,
) -> Decimal:
    """Return settled + round(B_new · r · months · days(D, due) / days(start, due)), HALF_UP.

    The days before D were charged on the old balance (``settled_interest``), the days from D
    on are charged on the new one (算头不算尾, PRODUCT §2.5). BULLET's one period spans n months,
    so r·n stands for r. Capped at the period's old interest: the two pro-rata parts are
    rounded separately, which could otherwise charge a fen more than before.
    """
    with decimal_context():
        new_part = round_money(
            new_principal
            * monthly_rate
            * _months(current)
            * days_between(prepayment_date, current.due_date)
            / days_between(current.period_start, current.due_date)
        )
        return min(settled_interest + new_part, current.interest)


def _months(installment: RemainingInstallment) -> int:
    """Return the whole months an installment's period spans: n for BULLET, else 1."""
    start, due = installment.period_start, installment.due_date
    return (due.year - start.year) * MONTHS_PER_YEAR + due.month - start.month


def _amortise(plan: _Plan, scheduled: PrincipalRule) -> list[Split]:
    """Split the new balance over the slots; the first carries the blended interest."""
    rows: list[Split] = []
    balance = plan.balance
    with decimal_context():
        for slot in range(1, plan.slots + 1):
            interest = (
                plan.first_interest if slot == 1 else round_money(balance * plan.monthly_rate)
            )
            # The last slot takes what is left (§2.1); before it a part is capped to
            # [0, balance], so no component is negative and no balance goes below 0.00.
            last = slot == plan.slots
            part = balance if last else min(max(scheduled(interest), ZERO), balance)
            rows.append((part, interest))
            balance -= part
    return rows


def _equal_installment(
    plan: _Plan, remaining: Sequence[RemainingInstallment], mode: PrepaymentMode
) -> list[Split]:
    amount = _regular(remaining, lambda i: i.principal + i.interest)
    if mode is PrepaymentMode.LOWER_INSTALLMENT:
        amount = _lowest_safe(plan, _annuity(plan), amount, _pay_amount)
    return _amortise(plan, _pay_amount(amount))


def _equal_principal(
    plan: _Plan, remaining: Sequence[RemainingInstallment], mode: PrepaymentMode
) -> list[Split]:
    part = _regular(remaining, lambda i: i.principal)
    if mode is PrepaymentMode.LOWER_INSTALLMENT:
        with decimal_context():
            spread = round_money(plan.balance / plan.slots)
        part = _lowest_safe(plan, spread, part, _pay_principal)
    return _amortise(plan, _pay_principal(part))


def _principal_last(
    plan: _Plan, _remaining: Sequence[RemainingInstallment], _mode: PrepaymentMode
) -> list[Split]:
    # INTEREST_ONLY and BULLET: all principal in the last installment, so a shorter term and a
    # lower installment are the same thing: only the interest falls (docs/money.md).
    return _amortise(plan, lambda _interest: ZERO)


def _pay_amount(amount: Decimal) -> PrincipalRule:
    return lambda interest: amount - interest


def _pay_principal(part: Decimal) -> PrincipalRule:
    return lambda _interest: part


def _regular(
    remaining: Sequence[RemainingInstallment], value: Callable[[RemainingInstallment], Decimal]
) -> Decimal:
    """Return the regular figure of the old schedule: that of an installment neither first nor
    last (the first may carry a blended interest from an earlier prepayment), else the first."""
    with decimal_context():
        return value((remaining[1:-1] or remaining[:1])[0])


def _annuity(plan: _Plan) -> Decimal:
    """Return A' = round(B·r / (1 - (1+r)^-m)), or round(B/m) at r = 0 (PRODUCT §2.1)."""
    balance, rate, slots = plan.balance, plan.monthly_rate, plan.slots
    with decimal_context():
        if rate.is_zero():
            return round_money(balance / slots)
        return round_money(balance * rate / (1 - (1 + rate) ** -slots))


def _lowest_safe(
    plan: _Plan, formula: Decimal, ceiling: Decimal, rule: Callable[[Decimal], PrincipalRule]
) -> Decimal:
    """Return the lowest figure in [formula, ceiling], in fen, that raises neither the last
    installment nor the total interest above the old schedule's.

    The formula figure almost always passes. Fen rounding, or interest at the old balance for
    the days before the prepayment, can push the remainder into the last installment; a larger
    figure lowers every balance, so both tests are monotonic and bisection finds the lowest.
    The old figure (``ceiling``) passes whenever the old schedule is a §2.1 schedule.
    """
    low, high = min(formula, ceiling), ceiling
    if _is_safe(plan, rule(low)):
        return low
    with decimal_context():
        while high - low > FEN:
            middle = ((low + high) / 2).quantize(FEN, rounding=ROUND_HALF_UP)
            low, high = (low, middle) if _is_safe(plan, rule(middle)) else (middle, high)
    return high


def _is_safe(plan: _Plan, scheduled: PrincipalRule) -> bool:
    splits = _amortise(plan, scheduled)
    last_part, last_interest = splits[-1]
    with decimal_context():
        last_total = last_part + last_interest + plan.fee
    interest = sum_amounts(i for _, i in splits)
    return last_total <= plan.old_last_total and interest <= plan.old_interest


def _drop_unneeded(splits: list[Split]) -> list[Split]:
    """Keep the installments up to the one that repays the balance (SHORTEN_TERM)."""
    left = sum_amounts(part for part, _ in splits)
    with decimal_context():
        for count, (part, _interest) in enumerate(splits, start=1):
            left -= part
            if left.is_zero():
                return splits[:count]
    return splits


def _assemble(
    splits: list[Split],
    plan: _Plan,
    remaining: Sequence[RemainingInstallment],
    settled_interest: Decimal,
    prepayment_date: date,
) -> tuple[RescheduledInstallment, ...]:
    rows = []
    balance = plan.balance
    with decimal_context():
        for index, ((part, interest), old) in enumerate(zip(splits, remaining, strict=False)):
            balance -= part
            first = index == 0
            rows.append(
                RescheduledInstallment(
                    number=old.number,
                    period_start=old.period_start,
                    due_date=old.due_date,
                    principal=part,
                    interest=interest,
                    fee=plan.fee,
                    accrual_start=prepayment_date if first else old.period_start,
                    accrual_base=round_money(settled_interest) if first else ZERO,
                    remaining_principal=balance,
                )
            )
    return tuple(rows)


_SPLITTERS: dict[
    RepaymentMethod,
    Callable[[_Plan, Sequence[RemainingInstallment], PrepaymentMode], list[Split]],
] = {
    RepaymentMethod.EQUAL_INSTALLMENT: _equal_installment,
    RepaymentMethod.EQUAL_PRINCIPAL: _equal_principal,
    RepaymentMethod.INTEREST_ONLY: _principal_last,
    RepaymentMethod.BULLET: _principal_last,
    RepaymentMethod.INSTALLMENT_FEE: _equal_principal,
}


def _validate(
    *,
    annual_rate: Decimal,
    fee: Decimal,
    remaining: Sequence[RemainingInstallment],
    new_principal: Decimal,
    settled_interest: Decimal,
    prepayment_date: date,
    method: RepaymentMethod,
) -> None:
    require_decimal(annual_rate, name="annual_rate")
    if not 0 <= annual_rate < 1:
        raise InvalidPrepayment(f"Annual rate must be at least 0 and below 1, got {annual_rate}.")
    _require_fen(fee, name="Fee")
    _require_fen(new_principal, name="New principal")
    _require_fen(settled_interest, name="Settled interest")
    _validate_remaining(remaining, method)
    current = remaining[0]
    if not current.period_start <= prepayment_date < current.due_date:
        raise InvalidPrepayment(
            f"Prepayment date {prepayment_date} is not in the current period "
            f"{current.period_start} to {current.due_date}."
        )
    old_principal = sum_amounts(i.principal for i in remaining)
    if new_principal > old_principal:
        raise InvalidPrepayment(
            f"New principal {new_principal} is above the principal outstanding {old_principal}."
        )
    if settled_interest > current.interest:
        raise InvalidPrepayment(
            f"Settled interest {settled_interest} is above the period's interest "
            f"{current.interest}."
        )


def _validate_remaining(remaining: Sequence[RemainingInstallment], method: RepaymentMethod) -> None:
    if not remaining:
        raise InvalidPrepayment("There is no remaining installment to re-amortise.")
    if method is RepaymentMethod.BULLET and len(remaining) != 1:
        raise InvalidPrepayment(f"A BULLET loan has one installment, got {len(remaining)}.")
    for earlier, later in itertools.pairwise(remaining):
        if later.number != earlier.number + 1 or later.period_start != earlier.due_date:
            raise InvalidPrepayment(
                f"Installment {later.number} does not follow installment {earlier.number}."
            )
    for installment in remaining:
        if installment.period_start >= installment.due_date:
            raise InvalidPrepayment(f"Installment {installment.number} has an empty period.")
        for amount, name in (
            (installment.principal, "principal"),
            (installment.interest, "interest"),
            (installment.fee, "fee"),
        ):
            _require_fen(amount, name=f"Installment {installment.number} {name}")


def _require_fen(amount: Decimal, *, name: str) -> None:
    require_decimal(amount, name=name)
    if amount < ZERO or not is_whole_fen(amount):
        raise InvalidPrepayment(f"{name} must be a non-negative amount in whole fen, got {amount}.")
