"""Allocation of a repayment over installments and components by ordered rules (PRODUCT §2.5)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from loans.domain.errors import DomainError
from loans.domain.money import ZERO, decimal_context, is_whole_fen, require_decimal, sum_amounts


class InvalidAllocation(DomainError):
    """A repayment amount or an outstanding balance cannot be allocated."""


class InvalidAllocationRules(DomainError):
    """Allocation rules (stored as data on a product or loan) are malformed."""


class Component(StrEnum):
    """A part of an installment that money can be allocated to."""

    PENALTY = "PENALTY"
    FEE = "FEE"
    INTEREST = "INTEREST"
    PRINCIPAL = "PRINCIPAL"


class Scope(StrEnum):
    """Which installments a rule applies to, relative to the value date ``as_of``."""

    OVERDUE = "OVERDUE"  # due_date < as_of
    DUE_TODAY = "DUE_TODAY"  # due_date == as_of
    FUTURE = "FUTURE"  # due_date > as_of: only for rules that prepay (not in the default)


@dataclass(frozen=True, slots=True)
class AllocationRule:
    """Pay the installments of ``scope``, oldest first, each component in ``components`` order."""

    scope: Scope
    components: tuple[Component, ...]

    def __post_init__(self) -> None:
        if not self.components:
            raise InvalidAllocationRules(f"Rule for {self.scope} names no component.")
        if len(set(self.components)) != len(self.components):
            raise InvalidAllocationRules(f"Rule for {self.scope} names a component twice.")


_WATERFALL = (Component.PENALTY, Component.FEE, Component.INTEREST, Component.PRINCIPAL)
# PRODUCT §2.5 default: overdue oldest first, then the installment due today; the rest is advance.
DEFAULT_ALLOCATION_RULES = (
    AllocationRule(Scope.OVERDUE, _WATERFALL),
    AllocationRule(Scope.DUE_TODAY, _WATERFALL),
)


@dataclass(frozen=True, slots=True)
class InstallmentBalance:
    """What is still owed on one installment, per component, in CNY (whole fen, ≥ 0)."""

    number: int
    due_date: date
    penalty: Decimal
    fee: Decimal
    interest: Decimal
    principal: Decimal

    def __post_init__(self) -> None:
        for component in Component:
            _require_fen_amount(self.outstanding(component), name=f"Outstanding {component}")

    def outstanding(self, component: Component) -> Decimal:
        """Return the amount owed on ``component``."""
        amounts = {
            Component.PENALTY: self.penalty,
            Component.FEE: self.fee,
            Component.INTEREST: self.interest,
            Component.PRINCIPAL: self.principal,
        }
        return amounts[component]


@dataclass(frozen=True, slots=True)
class AllocationPart:
    """An amount applied to one component of one installment."""

    number: int
    component: Component
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    """Where a repayment went; ``unallocated`` is held as advance or overpayment (§2.5)."""

    parts: tuple[AllocationPart, ...]
    unallocated: Decimal

    @property
    def total_allocated(self) -> Decimal:
        """Return the sum of all parts."""
        return sum_amounts(part.amount for part in self.parts)

    def total_for(self, component: Component) -> Decimal:
        """Return the sum of the parts allocated to ``component`` (for ledger postings)."""
        return sum_amounts(p.amount for p in self.parts if p.component is component)


def allocate(
    *,
    amount: Decimal,
    installments: Sequence[InstallmentBalance],
    as_of: date,
    rules: Sequence[AllocationRule] = DEFAULT_ALLOCATION_RULES,
) -> Allocation:
    """Split a repayment of ``amount`` received on ``as_of`` according to ``rules``.

    Rules in order; within a rule the installments of its scope oldest first (due date, then
    number) and each installment's components in the rule's order. No rounding: the parts are
    whole fen and amount == total_allocated + unallocated exactly. Raises InvalidAllocation for
    a negative or sub-fen amount or duplicate installment numbers.
    """
    _require_fen_amount(amount, name="Repayment amount")
    _require_unique_numbers(installments)
    owed = {(i.number, c): i.outstanding(c) for i in installments for c in Component}
    ordered = sorted(installments, key=lambda i: (i.due_date, i.number))
    parts: list[AllocationPart] = []
    left = amount
    with decimal_context():
        for rule in rules:
            for installment in (i for i in ordered if scope_of(i.due_date, as_of) is rule.scope):
                for component in rule.components:
                    paid = min(left, owed[installment.number, component])
                    if paid > 0:
                        owed[installment.number, component] -= paid
                        left -= paid
                        parts.append(AllocationPart(installment.number, component, paid))
    return Allocation(parts=tuple(parts), unallocated=left)


def scope_of(due_date: date, as_of: date) -> Scope:
    """Return whether an installment due on ``due_date`` is overdue, due today or future."""
    if due_date < as_of:
        return Scope.OVERDUE
    if due_date == as_of:
        return Scope.DUE_TODAY
    return Scope.FUTURE


def rules_to_data(rules: Sequence[AllocationRule]) -> list[dict[str, object]]:
    """Return the rules as JSON-ready data: [{"scope": ..., "components": [...]}, ...]."""
    return [
        {"scope": str(rule.scope), "components": [str(c) for c in rule.components]}
        for rule in rules
    ]


def rules_from_data(data: object) -> tuple[AllocationRule, ...]:
    """Parse rules stored by ``rules_to_data``.

    Raises InvalidAllocationRules for anything but a non-empty list of
    {"scope", "components"} objects with known names, or a (scope, component) named twice.
    """
    if not isinstance(data, list) or not data:
        raise InvalidAllocationRules("Allocation rules must be a non-empty list.")
    rules = tuple(_rule_from_data(item) for item in data)
    pairs = [(rule.scope, component) for rule in rules for component in rule.components]
    if len(set(pairs)) != len(pairs):
        raise InvalidAllocationRules("Allocation rules name the same scope and component twice.")
    return rules


def _rule_from_data(item: object) -> AllocationRule:
    if not isinstance(item, Mapping) or set(item) != {"scope", "components"}:
        raise InvalidAllocationRules('Each allocation rule needs exactly "scope" and "components".')
    components = item["components"]
    if not isinstance(components, list):
        raise InvalidAllocationRules('Allocation rule "components" must be a list.')
    return AllocationRule(
        _parse_name(Scope, item["scope"]), tuple(_parse_name(Component, c) for c in components)
    )


def _parse_name[E: StrEnum](enum: type[E], value: object) -> E:
    if not isinstance(value, str) or value not in enum.__members__.values():
        raise InvalidAllocationRules(
            f"Unknown {enum.__name__.lower()} in allocation rules: {value!r}."
        )
    return enum(value)


def _require_fen_amount(amount: Decimal, *, name: str) -> None:
    require_decimal(amount, name=name)
    if amount < ZERO or not is_whole_fen(amount):
        raise InvalidAllocation(f"{name} must be zero or more in whole fen, got {amount}.")


def _require_unique_numbers(installments: Sequence[InstallmentBalance]) -> None:
    numbers = [i.number for i in installments]
    if len(set(numbers)) != len(numbers):
        raise InvalidAllocation("Installment numbers must be unique.")
