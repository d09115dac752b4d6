"""The portfolio's mix: products, schedule templates and approved credit profiles (Python, once).

The constants set the spread of the seeded loans (methods, terms, amounts, delinquency states,
loans per borrower) and the pools borrowers are drawn from; ``slots`` turns weights into the
arrays the SQL draws from.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings

from loans.domain.quote import make_quote
from loans.domain.schedule import RepaymentMethod
from loans.domain.scorecard import Decision, Outcome, ScorecardInputs, decide
from loans.origination.models import LoanProduct
from loans.origination.services.products import product_rate_for_grade, product_save

CASH_CODE = "PORTFOLIO-CASH"
INSTALLMENT_CODE = "PORTFOLIO-INSTALLMENT"
CASH_NAME_ZH = "现金贷（测试组合）"  # noqa: RUF001
INSTALLMENT_NAME_ZH = "分期付（测试组合）"  # noqa: RUF001
GRADES = ("A", "B", "C", "D", "E")
GRADE_RATES = {"A": "0.072", "B": "0.108", "C": "0.144", "D": "0.18", "E": "0.239"}
TERMS = (3, 6, 9, 12, 18, 24)
# Methods by index; the template id and the SQL use these indexes. INSTALLMENT_FEE is last.
METHODS = (
    RepaymentMethod.EQUAL_INSTALLMENT,
    RepaymentMethod.EQUAL_PRINCIPAL,
    RepaymentMethod.INTEREST_ONLY,
    RepaymentMethod.BULLET,
    RepaymentMethod.INSTALLMENT_FEE,
)
FEE_METHOD = len(METHODS) - 1
# The spread (weights, not percentages). Cash loans in round amounts, skewed to small ones;
# installment plans at shop prices.
METHOD_WEIGHTS = (50, 20, 8, 7, 15)
TERM_WEIGHTS = (20, 25, 10, 30, 5, 10)
CASH_AMOUNTS = (
    *range(100, 1001, 100),
    *range(1200, 3001, 200),
    *range(3500, 10001, 500),
    *range(11000, 20001, 1000),
    *range(22000, 30001, 2000),
)
SHOP_PRICES = (
    129, 199, 299, 399, 499, 599, 799, 999, 1299, 1499, 1699, 1999, 2299, 2499, 2699, 2999,
    3299, 3499, 3999, 4299, 4599, 4999, 5499, 5999, 6499, 6999, 7499, 7999, 8999, 9999, 11999,
    12999, 14999,
)  # fmt: skip
# Delinquency states: CURRENT, then days past due on D - 1 drawn in [low, high].
STATUS_DAYS = ((0, 0), (1, 30), (31, 60), (61, 90), (91, 180), (181, 360))
STATUS_WEIGHTS = (920, 35, 15, 10, 12, 8)
LOANS_PER_BORROWER_WEIGHTS = (35, 30, 20, 15)  # 1 to 4 active loans
SLOTS = 2000  # resolution of the weighted draws in SQL
# Identity numbers: county codes no other seed uses, so numbers never collide with them.
REGIONS = (
    "130102", "140105", "210102", "230103", "340104", "350102", "360102", "410105", "430102",
    "450103", "520102", "530102", "610113", "620102",
)  # fmt: skip
BIRTH_DAYS = 12418  # birth dates spread over 34 years: 24 to 58 years old on D
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文玉兰志红宇浩然欣怡子涵梓轩雨婷思远佳琪"
)
CONTRACT_TEXT = "LendPortal consumer loan contract, version 1 (seeded portfolio)"
BEIJING_OFFSET = "+08:00"


def portfolio_products_ensure() -> tuple[LoanProduct, LoanProduct]:
    """Return the PORTFOLIO-CASH and PORTFOLIO-INSTALLMENT products, creating them if missing."""
    cash = LoanProduct.objects.filter(code=CASH_CODE).first() or product_save(
        product=LoanProduct(
            code=CASH_CODE,
            name="Cash loan (seeded portfolio)",
            name_zh=CASH_NAME_ZH,
            methods=[str(m) for m in METHODS[:FEE_METHOD]],
            terms=list(TERMS),
            rates_by_grade={grade: f"{Decimal(rate):.6f}" for grade, rate in GRADE_RATES.items()},
        )
    )
    installment = LoanProduct.objects.filter(code=INSTALLMENT_CODE).first() or product_save(
        product=LoanProduct(
            code=INSTALLMENT_CODE,
            name="Installment plan (seeded portfolio)",
            name_zh=INSTALLMENT_NAME_ZH,
            methods=[str(RepaymentMethod.INSTALLMENT_FEE)],
            terms=list(TERMS),
            annual_rate=Decimal("0"),
            fee_rate=Decimal("0.006"),
        )
    )
    return cash, installment


def _template_id(method: int, term: int, grade: int, amount: int) -> int:
    return ((method * len(TERMS) + term) * len(GRADES) + grade) * len(CASH_AMOUNTS) + amount


def schedule_templates(cash: LoanProduct, installment: LoanProduct) -> tuple[list[str], list[str]]:
    """Return TSV rows of seed_template and seed_template_row: every schedule a loan can have."""
    templates: list[str] = []
    rows: list[str] = []
    for method_index, method in enumerate(METHODS):
        product = installment if method_index == FEE_METHOD else cash
        grades = (0,) if method_index == FEE_METHOD else range(len(GRADES))
        amounts = SHOP_PRICES if method_index == FEE_METHOD else CASH_AMOUNTS
        cap = min(product.rate_cap, settings.LENDPORTAL_RATE_CAP)
        for term_index, term in enumerate(TERMS):
            for grade in grades:
                rate = product_rate_for_grade(product, GRADES[grade])
                for amount_index, amount in enumerate(amounts):
                    quote = make_quote(
                        principal=Decimal(amount),
                        annual_rate=rate,
                        term=term,
                        method=method,
                        start_date=date(2026, 1, 1),  # any date: amounts do not depend on it
                        fee_rate=product.fee_rate,
                        rate_cap=cap,
                    )
                    ident = _template_id(method_index, term_index, grade, amount_index)
                    schedule = quote.schedule
                    templates.append(
                        f"{ident}\t{product.pk}\t{method}\t{term}\t{len(schedule.installments)}\t"
                        f"{schedule.principal}\t{schedule.annual_rate}\t{schedule.fee_rate}\t"
                        f"{quote.apr}"
                    )
                    rows.extend(_template_rows(ident, quote.schedule.installments, method, term))
    return templates, rows


def _template_rows(ident: int, installments: Sequence[Any], method: str, term: int) -> list[str]:
    rows = []
    principal = interest = fee = Decimal("0.00")
    for row in installments:
        principal, interest, fee = principal + row.principal, interest + row.interest, fee + row.fee
        # Months from the start to the period's start and to its due date (BULLET: 0 and n).
        due_months = term if method == RepaymentMethod.BULLET else row.number
        start_months = 0 if method == RepaymentMethod.BULLET else row.number - 1
        rows.append(
            f"{ident}\t{row.number}\t{start_months}\t{due_months}\t{row.principal}\t"
            f"{row.interest}\t{row.fee}\t{principal}\t{interest}\t{fee}"
        )
    return rows


@dataclass(frozen=True)
class Profile:
    """An applicant the scorecard approved: what the borrower declares and the decision."""

    ident: int
    income: Decimal
    employment_months: int
    debts: Decimal
    decision: Decision


def approved_profiles(rng: random.Random, count: int = 2000) -> list[Profile]:
    """Return ``count`` applicants approved by the real scorecard (PRODUCT §6), all grades."""
    profiles: list[Profile] = []
    while len(profiles) < count:
        income = Decimal(round(rng.lognormvariate(9.0, 0.55) / 100) * 100)
        employment = rng.randint(3, 240)
        debts = (income * Decimal(rng.choice((0, 0, 0, 5, 10, 15, 20, 30, 40))) / 100).quantize(
            Decimal("0.01")
        )
        inputs = ScorecardInputs(
            age=30,  # age is not scored, only bounded; each borrower's real age is recorded
            monthly_income=income,
            employment_months=employment,
            monthly_debt_payments=debts,
            worst_days_past_due=0,
            has_write_off=False,
            loans_paid_off=0,
            identity_conflicts=(),
        )
        decision = decide(inputs)
        if decision.outcome is Outcome.APPROVE:
            profiles.append(Profile(len(profiles), income, employment, debts, decision))
    return profiles


def profile_row(profile: Profile) -> str:
    decision = profile.decision
    inputs = {
        "monthly_income": str(profile.income),
        "employment_months": profile.employment_months,
        "monthly_debt_payments": str(profile.debts),
        "worst_days_past_due": 0,
        "has_write_off": False,
        "loans_paid_off": 0,
        "identity_conflicts": [],
    }
    points = json.dumps([list(p) for p in decision.points])
    return (
        f"{profile.ident}\t{decision.grade}\t{GRADES.index(str(decision.grade))}\t"
        f"{decision.annual_rate}\t{decision.credit_limit}\t{decision.score}\t{points}\t"
        f"{json.dumps(inputs)}"
    )


def slots(weights: Sequence[int]) -> list[int]:
    """Return SLOTS indexes in ascending order, each index as often as its weight asks (≥ 1)."""
    total = sum(weights)
    slots: list[int] = []
    for index, weight in enumerate(weights):
        slots += [index] * max(1, round(weight * SLOTS / total))
    return slots


def amount_weights(amounts: Sequence[int], median: float = 2500) -> list[int]:
    """Weights of a log-normal spread around ``median`` (most loans small, a long tail)."""
    return [max(1, round(1000 * math.exp(-(math.log(a / median) ** 2) / 1.6))) for a in amounts]
