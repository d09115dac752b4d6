"""Five-level classes and provision stages at every boundary of PRODUCT §13 (issue #19)."""

from decimal import Decimal

import pytest

from loans.domain.classification import (
    DEFAULT_PROVISION_RATES,
    Classification,
    InvalidClassificationInput,
    ProvisionStage,
    RiskClass,
    classify,
    provision_amount_for,
    provision_stage_for,
    risk_class_for,
)

N, SM, SS, D, L = (
    RiskClass.NORMAL,
    RiskClass.SPECIAL_MENTION,
    RiskClass.SUBSTANDARD,
    RiskClass.DOUBTFUL,
    RiskClass.LOSS,
)
S1, S2, S3 = ProvisionStage.STAGE_1, ProvisionStage.STAGE_2, ProvisionStage.STAGE_3

# days past due -> (class, stage): each boundary the issue lists, both sides.
BOUNDARIES = [
    (0, N, S1),
    (1, SM, S1),
    (30, SM, S1),
    (31, SM, S2),
    (90, SM, S2),
    (91, SS, S3),
    (270, SS, S3),
    (271, D, S3),
    (360, D, S3),
    (361, L, S3),
]


@pytest.mark.parametrize(("days", "risk_class", "stage"), BOUNDARIES)
def test_class_and_stage_at_each_boundary(days, risk_class, stage):
    assert risk_class_for(days_past_due=days) == risk_class
    assert provision_stage_for(days_past_due=days) == stage


@pytest.mark.parametrize("days", [0, 1, 30, 31, 90, 91, 270, 271, 360, 361])
def test_a_written_off_loan_is_loss_and_stage_3_at_any_days(days):
    assert risk_class_for(days_past_due=days, written_off=True) == L
    assert provision_stage_for(days_past_due=days, written_off=True) == S3


@pytest.mark.parametrize(
    ("days", "risk_class"), [(0, SS), (1, SS), (90, SS), (91, SS), (271, D), (361, L)]
)
def test_a_restructured_loan_is_at_least_substandard_and_stage_3(days, risk_class):
    assert risk_class_for(days_past_due=days, restructured=True) == risk_class
    assert provision_stage_for(days_past_due=days, restructured=True) == S3


def test_default_rates_are_those_of_product_section_13():
    assert dict(DEFAULT_PROVISION_RATES) == {
        S1: Decimal("0.01"),
        S2: Decimal("0.15"),
        S3: Decimal("0.70"),
    }


@pytest.mark.parametrize(
    ("days", "written_off", "expected"),
    [
        (0, False, Classification(N, S1, Decimal("0.01"), Decimal("100.01"))),
        (30, False, Classification(SM, S1, Decimal("0.01"), Decimal("100.01"))),
        (31, False, Classification(SM, S2, Decimal("0.15"), Decimal("1500.20"))),
        (91, False, Classification(SS, S3, Decimal("0.70"), Decimal("7000.95"))),
        (361, False, Classification(L, S3, Decimal("0.70"), Decimal("7000.95"))),
        (5, True, Classification(L, S3, Decimal("0.70"), Decimal("7000.95"))),
    ],
)
def test_classify_gives_the_allowance_on_the_exposure(days, written_off, expected):
    # 10,001.35 x 1% = 100.0135 -> 100.01; x 15% = 1,500.2025 -> 1,500.20;
    # x 70% = 7,000.945 -> 7,000.95 (the half rounds up).
    exposure = Decimal("10001.35")
    assert classify(days_past_due=days, exposure=exposure, written_off=written_off) == expected


def test_half_a_fen_rounds_up():
    assert provision_amount_for(exposure=Decimal("0.50"), rate=Decimal("0.01")) == Decimal("0.01")
    assert provision_amount_for(exposure=Decimal("0.49"), rate=Decimal("0.01")) == Decimal("0.00")


def test_a_product_may_set_its_own_rates():
    rates = {S1: Decimal("0.02"), S2: Decimal("0.20"), S3: Decimal("1.00")}
    result = classify(days_past_due=200, exposure=Decimal("300.00"), rates=rates)
    assert result == Classification(SS, S3, Decimal("1.00"), Decimal("300.00"))


@pytest.mark.parametrize(
    "call",
    [
        lambda: risk_class_for(days_past_due=-1),
        lambda: provision_stage_for(days_past_due=-1),
        lambda: provision_amount_for(exposure=Decimal("-0.01"), rate=Decimal("0.01")),
        lambda: provision_amount_for(exposure=Decimal("1.00"), rate=Decimal("-0.01")),
        lambda: classify(days_past_due=0, exposure=Decimal("1.00"), rates={}),
    ],
)
def test_negative_inputs_and_a_missing_rate_are_refused(call):
    with pytest.raises(InvalidClassificationInput):
        call()


def test_money_is_never_float():
    with pytest.raises(TypeError):
        provision_amount_for(exposure=100.0, rate=Decimal("0.01"))  # type: ignore[arg-type]
