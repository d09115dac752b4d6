"""The credit scorecard, version 1 (PRODUCT §6, docs/credit.md)."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loans.domain import scorecard
from loans.domain.scorecard import (
    GRADE_RATES,
    MAX_CREDIT_LIMIT,
    MIN_CREDIT_LIMIT,
    SCORECARD_VERSION,
    Decision,
    Grade,
    InvalidScorecardInputs,
    Outcome,
    ScorecardInputs,
    decide,
)

# PRODUCT §6: "a 30-year-old with ¥15,000 a month, 4 years in the job, no debts and no history
# is approved."
REFERENCE = ScorecardInputs(
    age=30,
    monthly_income=Decimal("15000.00"),
    employment_months=48,
    monthly_debt_payments=Decimal("0.00"),
    worst_days_past_due=0,
    has_write_off=False,
    loans_paid_off=0,
    identity_conflicts=(),
)


def applicant(**changes: Any) -> ScorecardInputs:
    return replace(REFERENCE, **changes)


def test_the_reference_applicant_is_approved_at_grade_b():
    assert decide(REFERENCE) == Decision(
        outcome=Outcome.APPROVE,
        # income ≥ 12,000: 25; 48 months ≥ 36: 20; no debts: 20; no loan paid off yet: 0;
        # no day past due: 15. 80 ≥ 75: grade B.
        score=80,
        grade=Grade.B,
        # 15,000 * 2.5 = 37,500, capped at 30,000
        credit_limit=Decimal("30000.00"),
        annual_rate=Decimal("0.108"),
        reasons=(),
        points=(
            ("INCOME", 25),
            ("EMPLOYMENT", 20),
            ("DEBT_TO_INCOME", 20),
            ("LOANS_PAID_OFF", 0),
            ("REPAYMENT_RECORD", 15),
        ),
        version=1,
    )
    assert str(decide(REFERENCE).credit_limit) == "30000.00"


@pytest.mark.parametrize(
    ("changes", "score", "grade", "limit", "rate"),
    [
        # 20 + 25 + 20 + 10 + 15 = 90 -> A; 9,893.30 * 3 = 29,679.90, DOWN to 29,600 (not 29,700)
        (
            {"monthly_income": Decimal("9893.30"), "employment_months": 60, "loans_paid_off": 4},
            90,
            Grade.A,
            "29600.00",
            "0.072",
        ),
        # 25 + 25 + 20 + 0 + 15 = 85, the lowest A; 12,000 * 3 = 36,000, capped
        (
            {"monthly_income": Decimal("12000"), "employment_months": 60},
            85,
            Grade.A,
            "30000.00",
            "0.072",
        ),
        # 20 + 15 + 20 + 0 + 15 = 70 -> C; 8,000 * 2 = 16,000
        (
            {"monthly_income": Decimal("8000"), "employment_months": 24},
            70,
            Grade.C,
            "16000.00",
            "0.144",
        ),
        # 14 + 10 + 17 (500 / 5,000 = 10%) + 0 + 15 = 56 -> D; 5,000 * 1.5 = 7,500
        (
            {
                "monthly_income": Decimal("5000"),
                "employment_months": 12,
                "monthly_debt_payments": Decimal("500"),
            },
            56,
            Grade.D,
            "7500.00",
            "0.18",
        ),
        # 14 + 10 + 5 (2,000 / 5,000 = 40%) + 0 + 15 = 44 -> E, just past the borderline band;
        # 5,000 * 1 = 5,000
        (
            {
                "monthly_income": Decimal("5000"),
                "employment_months": 12,
                "monthly_debt_payments": Decimal("2000"),
            },
            44,
            Grade.E,
            "5000.00",
            "0.239",
        ),
    ],
)
def test_every_grade_is_reachable(changes, score, grade, limit, rate):
    decision = decide(applicant(**changes))
    assert (decision.outcome, decision.score, decision.grade) == (Outcome.APPROVE, score, grade)
    assert (str(decision.credit_limit), str(decision.annual_rate)) == (limit, rate)
    assert decision.annual_rate == GRADE_RATES[grade]


def test_the_limit_is_rounded_down_to_100_yuan():
    # 20 (¥8,000 to ¥11,999.99) + 20 + 20 + 0 + 15 = 75 -> B;
    # 11,999.99 * 2.5 = 29,999.975 -> 29,900, although it is 0.025 short of 30,000
    decision = decide(applicant(monthly_income=Decimal("11999.99")))
    assert (decision.grade, str(decision.credit_limit)) == (Grade.B, "29900.00")


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({"age": 17}, ("AGE_OUT_OF_RANGE",)),
        ({"age": 61}, ("AGE_OUT_OF_RANGE",)),
        ({"monthly_income": Decimal("1999.99")}, ("INCOME_TOO_LOW",)),
        ({"monthly_debt_payments": Decimal("7500.01")}, ("DEBT_TO_INCOME_TOO_HIGH",)),
        ({"worst_days_past_due": 31}, ("SEVERE_DELINQUENCY",)),
        ({"has_write_off": True}, ("PRIOR_WRITE_OFF",)),
        (
            {
                "age": 65,
                "monthly_income": Decimal("1000"),
                "monthly_debt_payments": Decimal("600"),
                "worst_days_past_due": 95,
                "has_write_off": True,
                "identity_conflicts": ("ID_NUMBER_IN_USE",),  # a decline is not referred
            },
            (
                "AGE_OUT_OF_RANGE",
                "INCOME_TOO_LOW",
                "DEBT_TO_INCOME_TOO_HIGH",
                "SEVERE_DELINQUENCY",
                "PRIOR_WRITE_OFF",
            ),
        ),
    ],
)
def test_hard_declines_list_every_code_that_applies(changes, reasons):
    decision = decide(applicant(**changes))
    assert (decision.outcome, decision.reasons) == (Outcome.DECLINE, reasons)
    assert (decision.grade, str(decision.credit_limit), decision.annual_rate) == (
        None,
        "0.00",
        None,
    )
    assert decision.version == SCORECARD_VERSION


@pytest.mark.parametrize(
    "changes",
    [
        {"age": 18},
        {"age": 60},
        {"monthly_income": Decimal("12000"), "monthly_debt_payments": Decimal("6000")},  # 50%
        {"worst_days_past_due": 30},
    ],
)
def test_the_edges_of_the_hard_declines_are_allowed(changes):
    assert not set(decide(applicant(**changes)).reasons) & {
        "AGE_OUT_OF_RANGE",
        "DEBT_TO_INCOME_TOO_HIGH",
        "SEVERE_DELINQUENCY",
    }


def test_a_score_below_the_borderline_band_is_declined():
    # 3 (¥2,000) + 5 (6 months) + 13 (400 / 2,000 = 20%) + 0 + 15 = 36 = cut-off 40 - 4
    decision = decide(
        applicant(
            monthly_income=Decimal("2000"),
            employment_months=6,
            monthly_debt_payments=Decimal("400"),
        )
    )
    assert (decision.outcome, decision.score, decision.reasons) == (
        Outcome.DECLINE,
        36,
        ("SCORE_TOO_LOW",),
    )


@pytest.mark.parametrize(
    ("changes", "score", "grade"),
    [
        # 3 + 0 + 17 (100 / 2,000 = 5%) + 7 (2 loans) + 10 (worst 2 days late) = 37 = 40 - 3
        (
            {
                "monthly_income": Decimal("2000"),
                "employment_months": 0,
                "monthly_debt_payments": Decimal("100"),
                "loans_paid_off": 2,
                "worst_days_past_due": 2,
            },
            37,
            None,
        ),
        # 3 + 0 + 20 + 0 + 15 = 38: below the cut-off, no grade
        ({"monthly_income": Decimal("2000"), "employment_months": 0}, 38, None),
        # 3 + 5 + 17 + 0 + 15 = 40: the cut-off itself
        (
            {
                "monthly_income": Decimal("2000"),
                "employment_months": 6,
                "monthly_debt_payments": Decimal("200"),
            },
            40,
            Grade.E,
        ),
        # 8 (¥3,000) + 0 + 20 + 0 + 15 = 43 = 40 + 3: grade E, shown to the officer
        ({"monthly_income": Decimal("3000"), "employment_months": 0}, 43, Grade.E),
    ],
)
def test_a_score_within_3_points_of_the_cut_off_is_referred_on_either_side(changes, score, grade):
    decision = decide(applicant(**changes))
    assert (decision.outcome, decision.score, decision.grade) == (Outcome.REFER, score, grade)
    assert decision.reasons == ("BORDERLINE_SCORE",)
    assert (str(decision.credit_limit), decision.annual_rate) == ("0.00", None)


def test_an_identity_conflict_is_referred_with_the_identity_checks_codes():
    decision = decide(applicant(identity_conflicts=("ID_NUMBER_IN_USE", "MOBILE_IN_USE")))
    assert decision.outcome is Outcome.REFER
    assert decision.reasons == ("IDENTITY_CONFLICT", "ID_NUMBER_IN_USE", "MOBILE_IN_USE")
    assert (decision.score, decision.grade) == (80, Grade.B)
    assert (str(decision.credit_limit), decision.annual_rate) == ("0.00", None)


def test_an_identity_conflict_on_a_borderline_score_gives_both_reasons():
    decision = decide(
        applicant(
            monthly_income=Decimal("3000"),
            employment_months=0,
            identity_conflicts=("BANK_CARD_IN_USE",),
        )
    )
    assert decision.reasons == ("IDENTITY_CONFLICT", "BANK_CARD_IN_USE", "BORDERLINE_SCORE")


def test_a_limit_below_500_yuan_is_declined(monkeypatch):
    # Unreachable with the version 1 tables (the lowest limit is ¥2,000 * 1); the rule guards a
    # future policy. Grade E at a multiple of 0.05: 5,000 * 0.05 = 250 < 500.
    monkeypatch.setattr(
        scorecard,
        "GRADE_LIMIT_MULTIPLES",
        {**scorecard.GRADE_LIMIT_MULTIPLES, Grade.E: Decimal("0.05")},
    )
    decision = decide(
        applicant(
            monthly_income=Decimal("5000"),
            employment_months=12,
            monthly_debt_payments=Decimal("2000"),
        )
    )
    assert (decision.outcome, decision.score, decision.reasons) == (
        Outcome.DECLINE,
        44,
        ("LIMIT_TOO_LOW",),
    )
    assert (decision.grade, str(decision.credit_limit)) == (None, "0.00")


def test_platform_history_moves_the_score():
    assert decide(applicant(loans_paid_off=1)).score == 84  # + 4
    assert decide(applicant(loans_paid_off=4)).score == 90  # + 10: grade A
    assert decide(applicant(worst_days_past_due=3)).score == 75  # 10 instead of 15
    assert decide(applicant(worst_days_past_due=16)).score == 65  # 0 instead of 15


def test_a_hard_declined_applicant_still_gets_the_points_explained():
    decision = decide(applicant(age=70))
    assert decision.score == 80
    assert sum(points for _, points in decision.points) == decision.score


@pytest.mark.parametrize(
    "changes",
    [
        {"monthly_income": Decimal("-1")},
        {"monthly_debt_payments": Decimal("-0.01")},
        {"employment_months": -1},
        {"worst_days_past_due": -1},
        {"loans_paid_off": -1},
        {"age": -1},
    ],
)
def test_negative_inputs_are_refused(changes):
    with pytest.raises(InvalidScorecardInputs, match="must not be negative"):
        decide(applicant(**changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"monthly_income": 15000.0},
        {"employment_months": 4.0},
        {"age": True},
        {"identity_conflicts": (1,)},
    ],
)
def test_wrongly_typed_inputs_are_refused(changes):
    with pytest.raises(TypeError):
        decide(applicant(**changes))


def fen(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


inputs = st.builds(
    ScorecardInputs,
    age=st.integers(0, 100),
    monthly_income=st.one_of(fen(0, 10_000_000), fen(150_000, 400_000)),
    employment_months=st.integers(0, 600),
    monthly_debt_payments=st.one_of(st.just(Decimal("0.00")), fen(0, 5_000_000), fen(0, 300_000)),
    worst_days_past_due=st.one_of(st.just(0), st.integers(0, 40), st.integers(0, 400)),
    has_write_off=st.booleans(),
    loans_paid_off=st.integers(0, 20),
    identity_conflicts=st.one_of(
        st.just(()), st.lists(st.sampled_from(["ID_NUMBER_IN_USE", "MOBILE_IN_USE"])).map(tuple)
    ),
)


@settings(deadline=None)
@given(inputs)
def test_every_decision_is_well_formed(applicant_inputs):
    decision = decide(applicant_inputs)
    assert decision.version == SCORECARD_VERSION
    assert sum(points for _, points in decision.points) == decision.score
    if decision.outcome is Outcome.APPROVE:
        assert MIN_CREDIT_LIMIT <= decision.credit_limit <= MAX_CREDIT_LIMIT
        assert decision.credit_limit % 100 == 0
        assert decision.credit_limit == decision.credit_limit.quantize(Decimal("0.01"))
        assert decision.grade is not None
        assert decision.annual_rate == GRADE_RATES[decision.grade]
        assert decision.annual_rate <= Decimal("0.24")
        assert decision.reasons == ()
    else:
        assert decision.reasons
        assert decision.credit_limit == 0
        assert decision.annual_rate is None
    if decision.outcome is Outcome.DECLINE:
        assert decision.grade is None
    if applicant_inputs.identity_conflicts and decision.outcome is not Outcome.DECLINE:
        assert decision.outcome is Outcome.REFER
        assert "IDENTITY_CONFLICT" in decision.reasons
