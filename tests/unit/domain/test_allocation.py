from datetime import date
from decimal import Decimal

import pytest

from loans.domain.allocation import (
    DEFAULT_ALLOCATION_RULES,
    AllocationPart,
    AllocationRule,
    Component,
    InstallmentBalance,
    InvalidAllocation,
    InvalidAllocationRules,
    Scope,
    allocate,
    rules_from_data,
    rules_to_data,
)

P, F, INT, PR = Component.PENALTY, Component.FEE, Component.INTEREST, Component.PRINCIPAL
AS_OF = date(2027, 2, 1)


def balance(
    number: int,
    due: date,
    penalty: str = "0",
    fee: str = "0",
    interest: str = "0",
    principal: str = "0",
) -> InstallmentBalance:
    return InstallmentBalance(
        number, due, Decimal(penalty), Decimal(fee), Decimal(interest), Decimal(principal)
    )


# ¥10,000 at 18% from 2026-12-01: #1 overdue since Jan 1 with 2.00 penalty, #2 due today,
# #3 in the future. Given out of order on purpose.
LOAN = (
    balance(3, date(2027, 3, 1), interest="126.82", principal="789.98"),
    balance(2, date(2027, 2, 1), interest="138.50", principal="778.30"),
    balance(1, date(2027, 1, 1), penalty="2.00", interest="150.00", principal="766.80"),
)


def test_overdue_first_in_waterfall_order_then_due_today():
    result = allocate(amount=Decimal("1000.00"), installments=LOAN, as_of=AS_OF)
    assert result.parts == (
        AllocationPart(1, P, Decimal("2.00")),
        AllocationPart(1, INT, Decimal("150.00")),
        AllocationPart(1, PR, Decimal("766.80")),
        AllocationPart(2, INT, Decimal("81.20")),  # 1000 - 918.80
    )
    assert result.unallocated == Decimal("0.00")
    assert result.total_allocated == Decimal("1000.00")
    assert result.total_for(INT) == Decimal("231.20")


def test_partial_payment_stops_mid_component():
    result = allocate(amount=Decimal("100.00"), installments=LOAN, as_of=AS_OF)
    assert result.parts == (
        AllocationPart(1, P, Decimal("2.00")),
        AllocationPart(1, INT, Decimal("98.00")),
    )
    assert result.unallocated == Decimal("0.00")


def test_overpayment_is_left_unallocated_and_future_installments_untouched():
    result = allocate(amount=Decimal("2000.00"), installments=LOAN, as_of=AS_OF)
    assert {part.number for part in result.parts} == {1, 2}
    assert result.total_allocated == Decimal("1835.60")  # 918.80 + 916.80
    assert result.unallocated == Decimal("164.40")  # held as an advance payment (PRODUCT §2.5)


def test_oldest_overdue_first():
    installments = (
        balance(2, date(2027, 1, 1), penalty="1.00", principal="10.00"),
        balance(1, date(2026, 12, 1), principal="10.00"),
    )
    result = allocate(amount=Decimal("15.00"), installments=installments, as_of=AS_OF)
    assert result.parts == (
        AllocationPart(1, PR, Decimal("10.00")),
        AllocationPart(2, P, Decimal("1.00")),
        AllocationPart(2, PR, Decimal("4.00")),
    )


def test_custom_rules_interest_across_installments_first_then_prepay_future():
    rules = rules_from_data(
        [
            {"scope": "OVERDUE", "components": ["INTEREST"]},
            {"scope": "OVERDUE", "components": ["PENALTY", "FEE", "PRINCIPAL"]},
            {"scope": "DUE_TODAY", "components": ["INTEREST", "PRINCIPAL"]},
            {"scope": "FUTURE", "components": ["PRINCIPAL"]},
        ]
    )
    result = allocate(amount=Decimal("2000.00"), installments=LOAN, as_of=AS_OF, rules=rules)
    assert result.parts[0] == AllocationPart(1, INT, Decimal("150.00"))
    assert result.parts[-1] == AllocationPart(3, PR, Decimal("164.40"))
    assert result.unallocated == Decimal("0.00")


def test_zero_amount_allocates_nothing():
    result = allocate(amount=Decimal("0"), installments=LOAN, as_of=AS_OF)
    assert (result.parts, result.unallocated) == ((), Decimal("0"))


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("10.001")])
def test_negative_or_sub_fen_amounts_are_refused(amount):
    with pytest.raises(
        InvalidAllocation, match="Repayment amount must be zero or more in whole fen"
    ):
        allocate(amount=amount, installments=LOAN, as_of=AS_OF)


def test_float_amount_is_refused():
    with pytest.raises(TypeError):
        allocate(amount=10.0, installments=LOAN, as_of=AS_OF)  # type: ignore[arg-type]


def test_bad_balances_are_refused():
    with pytest.raises(InvalidAllocation, match="Outstanding PRINCIPAL"):
        balance(1, AS_OF, principal="-1")
    with pytest.raises(InvalidAllocation, match="unique"):
        allocate(amount=Decimal("1"), installments=(LOAN[0], LOAN[0]), as_of=AS_OF)


def test_default_rules_round_trip_as_data():
    data = rules_to_data(DEFAULT_ALLOCATION_RULES)
    assert data == [
        {"scope": "OVERDUE", "components": ["PENALTY", "FEE", "INTEREST", "PRINCIPAL"]},
        {"scope": "DUE_TODAY", "components": ["PENALTY", "FEE", "INTEREST", "PRINCIPAL"]},
    ]
    assert rules_from_data(data) == DEFAULT_ALLOCATION_RULES


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "non-empty list"),
        ({"scope": "OVERDUE"}, "non-empty list"),
        (["OVERDUE"], "exactly"),
        ([{"scope": "OVERDUE"}], "exactly"),
        ([{"scope": "OVERDUE", "components": "PENALTY"}], "must be a list"),
        (
            [{"scope": "LATE", "components": ["PENALTY"]}],
            "Unknown scope in allocation rules: 'LATE'",
        ),
        ([{"scope": "OVERDUE", "components": ["TAX"]}], "Unknown component"),
        ([{"scope": "OVERDUE", "components": []}], "names no component"),
        ([{"scope": "OVERDUE", "components": ["FEE", "FEE"]}], "names a component twice"),
        (
            [
                {"scope": "OVERDUE", "components": ["FEE"]},
                {"scope": "OVERDUE", "components": ["FEE"]},
            ],
            "same scope and component twice",
        ),
    ],
)
def test_bad_rule_data_is_refused(data, message):
    with pytest.raises(InvalidAllocationRules, match=message):
        rules_from_data(data)


def test_rule_is_data_not_code():
    assert AllocationRule(Scope.FUTURE, (PR,)) == AllocationRule(
        Scope("FUTURE"), (Component("PRINCIPAL"),)
    )
