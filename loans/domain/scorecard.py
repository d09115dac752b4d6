"""The credit scorecard, version 1 (PRODUCT §6): decline rules, points, grade, limit, rate.

The policy is data: every band and threshold below is a table, and docs/credit.md explains each
one and each reason code. Change a figure only with a new SCORECARD_VERSION.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from types import MappingProxyType

from loans.domain.errors import DomainError
from loans.domain.money import ZERO, decimal_context, require_decimal, round_money

SCORECARD_VERSION = 1


class InvalidScorecardInputs(DomainError):
    """An applicant's data cannot be scored (a negative amount or count)."""


class Outcome(StrEnum):
    """What the scorecard decides (PRODUCT §6)."""

    APPROVE = "APPROVE"
    REFER = "REFER"  # to a loan officer
    DECLINE = "DECLINE"


class Grade(StrEnum):
    """Risk grade, A best; it sets the annual rate and the limit multiple."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class Reason(StrEnum):
    """Reason codes of a decision; the UI translates them for the applicant (docs/credit.md)."""

    AGE_OUT_OF_RANGE = "AGE_OUT_OF_RANGE"
    INCOME_TOO_LOW = "INCOME_TOO_LOW"
    DEBT_TO_INCOME_TOO_HIGH = "DEBT_TO_INCOME_TOO_HIGH"
    SEVERE_DELINQUENCY = "SEVERE_DELINQUENCY"
    PRIOR_WRITE_OFF = "PRIOR_WRITE_OFF"
    SCORE_TOO_LOW = "SCORE_TOO_LOW"
    LIMIT_TOO_LOW = "LIMIT_TOO_LOW"
    IDENTITY_CONFLICT = "IDENTITY_CONFLICT"
    BORDERLINE_SCORE = "BORDERLINE_SCORE"


class Factor(StrEnum):
    """A scored characteristic, as named in ``Decision.points``."""

    INCOME = "INCOME"
    EMPLOYMENT = "EMPLOYMENT"
    DEBT_TO_INCOME = "DEBT_TO_INCOME"
    LOANS_PAID_OFF = "LOANS_PAID_OFF"
    REPAYMENT_RECORD = "REPAYMENT_RECORD"


# --- policy, version 1 (PRODUCT §6) ------------------------------------------------------------

MIN_AGE, MAX_AGE = 18, 60
MIN_MONTHLY_INCOME = Decimal("2000.00")
MAX_DEBT_TO_INCOME = Decimal("0.50")
MAX_DAYS_PAST_DUE = 30

GRADE_RATES: Mapping[Grade, Decimal] = MappingProxyType(
    {
        Grade.A: Decimal("0.072"),
        Grade.B: Decimal("0.108"),
        Grade.C: Decimal("0.144"),
        Grade.D: Decimal("0.18"),
        Grade.E: Decimal("0.239"),
    }
)
GRADE_LIMIT_MULTIPLES: Mapping[Grade, Decimal] = MappingProxyType(
    {
        Grade.A: Decimal("3"),
        Grade.B: Decimal("2.5"),
        Grade.C: Decimal("2"),
        Grade.D: Decimal("1.5"),
        Grade.E: Decimal("1"),
    }
)
MAX_CREDIT_LIMIT = Decimal("30000.00")
MIN_CREDIT_LIMIT = Decimal("500.00")
LIMIT_STEP = Decimal("100")

# (lowest monthly income in CNY, points), highest band first; below the last band: 0.
INCOME_POINTS: Sequence[tuple[Decimal, int]] = (
    (Decimal("20000"), 30),
    (Decimal("12000"), 25),
    (Decimal("8000"), 20),
    (Decimal("5000"), 14),
    (Decimal("3000"), 8),
    (Decimal("2000"), 3),
)
# (fewest months in the current job, points), longest first; below the last band: 0.
EMPLOYMENT_POINTS: Sequence[tuple[int, int]] = (
    (60, 25),
    (36, 20),
    (24, 15),
    (12, 10),
    (6, 5),
)
# (highest monthly debts / monthly income, points), lowest first; above the last band: 0.
DEBT_TO_INCOME_POINTS: Sequence[tuple[Decimal, int]] = (
    (Decimal("0"), 20),
    (Decimal("0.10"), 17),
    (Decimal("0.20"), 13),
    (Decimal("0.30"), 9),
    (Decimal("0.40"), 5),
    (Decimal("0.50"), 2),
)
# (fewest loans repaid in full on the platform, points), most first; none: 0.
LOANS_PAID_OFF_POINTS: Sequence[tuple[int, int]] = (
    (4, 10),
    (2, 7),
    (1, 4),
)
# (highest worst days past due of any loan on the platform, points), best first; above: 0.
REPAYMENT_RECORD_POINTS: Sequence[tuple[int, int]] = (
    (0, 15),
    (3, 10),  # within the default grace days (PRODUCT §2.4)
    (15, 5),
    (30, 0),
)
# (lowest score, grade), best first. Below APPROVAL_CUT_OFF: SCORE_TOO_LOW.
GRADE_THRESHOLDS: Sequence[tuple[int, Grade]] = (
    (85, Grade.A),
    (75, Grade.B),
    (65, Grade.C),
    (55, Grade.D),
    (40, Grade.E),
)
APPROVAL_CUT_OFF = 40
# PRODUCT §6: refer when the score is "within a few points of a grade boundary that decides
# approval": |score - APPROVAL_CUT_OFF| <= BORDERLINE_MARGIN.
BORDERLINE_MARGIN = 3


@dataclass(frozen=True, slots=True)
class ScorecardInputs:
    """What the scorecard looks at; amounts in CNY a month, platform history as of the decision."""

    age: int
    monthly_income: Decimal
    employment_months: int
    monthly_debt_payments: Decimal
    worst_days_past_due: int  # of any loan of this person on the platform, 0 if none
    has_write_off: bool
    loans_paid_off: int
    identity_conflicts: tuple[str, ...]  # reason codes from the identity check, empty if none


@dataclass(frozen=True, slots=True)
class Decision:
    """A credit decision with everything needed to explain it (PRODUCT §6)."""

    outcome: Outcome
    score: int
    grade: Grade | None
    credit_limit: Decimal  # CNY, 0.00 unless APPROVE
    annual_rate: Decimal | None  # the grade's rate, only on APPROVE
    reasons: tuple[str, ...]
    points: tuple[tuple[str, int], ...]  # factor -> points, in scoring order
    version: int


def decide(inputs: ScorecardInputs) -> Decision:
    """Decide a credit application with scorecard version 1 (PRODUCT §6).

    In order: the hard declines (every one that applies is listed), a score below the cut-off
    by more than the borderline margin (SCORE_TOO_LOW), a limit below ¥500 (LIMIT_TOO_LOW), then
    referrals (IDENTITY_CONFLICT with the identity check's codes, BORDERLINE_SCORE), else APPROVE
    with the grade, its rate and the limit rounded down to ¥100. A referral carries the grade
    the score reaches (for the officer) but no limit or rate. Raises InvalidScorecardInputs.
    """
    _validate(inputs)
    points = _points(inputs)
    score = sum(p for _, p in points)
    grade = grade_for(score)
    hard = _hard_declines(inputs)
    if hard:
        return _decision(Outcome.DECLINE, score, None, hard, points)
    borderline = abs(score - APPROVAL_CUT_OFF) <= BORDERLINE_MARGIN
    if grade is None and not borderline:
        return _decision(Outcome.DECLINE, score, None, (Reason.SCORE_TOO_LOW,), points)
    limit = ZERO if grade is None else credit_limit_for(inputs.monthly_income, grade)
    if grade is not None and limit < MIN_CREDIT_LIMIT:
        return _decision(Outcome.DECLINE, score, None, (Reason.LIMIT_TOO_LOW,), points)
    referrals = _referrals(inputs, borderline)
    if referrals or grade is None:  # no grade here means a borderline score: a referral
        return _decision(Outcome.REFER, score, grade, referrals, points)
    return Decision(
        Outcome.APPROVE, score, grade, limit, GRADE_RATES[grade], (), points, SCORECARD_VERSION
    )


def grade_for(score: int) -> Grade | None:
    """Return the grade a score reaches (GRADE_THRESHOLDS), or None below the cut-off."""
    for lowest, grade in GRADE_THRESHOLDS:
        if score >= lowest:
            return grade
    return None


def credit_limit_for(monthly_income: Decimal, grade: Grade) -> Decimal:
    """Return min(¥30,000, monthly income * the grade's multiple), rounded DOWN to ¥100.

    CNY with two decimals (PRODUCT §6). The caller declines below MIN_CREDIT_LIMIT.
    """
    with decimal_context():
        raw = min(monthly_income * GRADE_LIMIT_MULTIPLES[grade], MAX_CREDIT_LIMIT)
        steps = (raw / LIMIT_STEP).to_integral_value(rounding=ROUND_FLOOR)
        return round_money(steps * LIMIT_STEP)


def _hard_declines(inputs: ScorecardInputs) -> tuple[str, ...]:
    """Return the PRODUCT §6 decline codes that apply, in the policy's order."""
    with decimal_context():
        too_indebted = inputs.monthly_debt_payments > inputs.monthly_income * MAX_DEBT_TO_INCOME
    rules = (
        (not MIN_AGE <= inputs.age <= MAX_AGE, Reason.AGE_OUT_OF_RANGE),
        (inputs.monthly_income < MIN_MONTHLY_INCOME, Reason.INCOME_TOO_LOW),
        (too_indebted, Reason.DEBT_TO_INCOME_TOO_HIGH),
        (inputs.worst_days_past_due > MAX_DAYS_PAST_DUE, Reason.SEVERE_DELINQUENCY),
        (inputs.has_write_off, Reason.PRIOR_WRITE_OFF),
    )
    return tuple(code for applies, code in rules if applies)


def _referrals(inputs: ScorecardInputs, borderline: bool) -> tuple[str, ...]:
    codes: list[str] = []
    if inputs.identity_conflicts:
        codes += [Reason.IDENTITY_CONFLICT, *inputs.identity_conflicts]
    if borderline:
        codes.append(Reason.BORDERLINE_SCORE)
    return tuple(codes)


def _points(inputs: ScorecardInputs) -> tuple[tuple[str, int], ...]:
    """Return the points of each factor, read from the band tables."""
    return (
        (Factor.INCOME, _at_least(inputs.monthly_income, INCOME_POINTS)),
        (Factor.EMPLOYMENT, _at_least(inputs.employment_months, EMPLOYMENT_POINTS)),
        (Factor.DEBT_TO_INCOME, _debt_to_income_points(inputs)),
        (Factor.LOANS_PAID_OFF, _at_least(inputs.loans_paid_off, LOANS_PAID_OFF_POINTS)),
        (Factor.REPAYMENT_RECORD, _at_most(inputs.worst_days_past_due, REPAYMENT_RECORD_POINTS)),
    )


def _at_least[T: (int, Decimal)](value: T, bands: Sequence[tuple[T, int]]) -> int:
    """Return the points of the first band whose lower bound ``value`` reaches, else 0."""
    return next((points for lowest, points in bands if value >= lowest), 0)


def _at_most(value: int, bands: Sequence[tuple[int, int]]) -> int:
    """Return the points of the first band whose upper bound ``value`` stays within, else 0."""
    return next((points for highest, points in bands if value <= highest), 0)


def _debt_to_income_points(inputs: ScorecardInputs) -> int:
    # debts <= income * ratio rather than debts / income: no division, and no income means
    # no band unless there are no debts either.
    with decimal_context():
        return next(
            (
                points
                for highest, points in DEBT_TO_INCOME_POINTS
                if inputs.monthly_debt_payments <= inputs.monthly_income * highest
            ),
            0,
        )


def _decision(
    outcome: Outcome,
    score: int,
    grade: Grade | None,
    reasons: tuple[str, ...],
    points: tuple[tuple[str, int], ...],
) -> Decision:
    return Decision(
        outcome, score, grade, round_money(ZERO), None, reasons, points, SCORECARD_VERSION
    )


def _validate(inputs: ScorecardInputs) -> None:
    for amount, name in (
        (inputs.monthly_income, "Monthly income"),
        (inputs.monthly_debt_payments, "Monthly debt payments"),
    ):
        require_decimal(amount, name=name)
        if amount < ZERO:
            raise InvalidScorecardInputs(f"{name} must not be negative, got {amount}.")
    for count, name in (
        (inputs.age, "Age"),
        (inputs.employment_months, "Employment months"),
        (inputs.worst_days_past_due, "Worst days past due"),
        (inputs.loans_paid_off, "Loans paid off"),
    ):
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"{name} must be an int, not {type(count).__name__}")
        if count < 0:
            raise InvalidScorecardInputs(f"{name} must not be negative, got {count}.")
    if not all(isinstance(code, str) for code in inputs.identity_conflicts):
        raise TypeError("Identity conflicts must be reason codes (str)")
