"""A large synthetic portfolio, seeded set-based (PRODUCT §8, §9; issue #4): ``seed_portfolio``.

N ACTIVE loans as they stand at the START of business date D (close of business has run through
D - 1), with borrowers, credit applications and lines, schedules and a ledger that reconciles.

Nothing is computed loan by loan. A few thousand schedule templates (amount x method x term x
grade rate) are built by the domain (``make_quote``: the amounts of a schedule do not depend on
its start date) and loaded into temporary tables; each chunk of loans is drawn in SQL
(``random()`` after ``setseed``), dated with ``start + k * interval '1 month'`` (PostgreSQL clamps
to the month's end exactly like ``loans.domain.dates.add_months``) and written with INSERT ...
SELECT. Only the borrowers come from Python (their identity and card numbers are encrypted), by
COPY, prepared in a background thread while PostgreSQL writes the previous chunk.
See docs/ledger.md, "Seeding a large portfolio", for every decision.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from accounts import crypto
from accounts.validators import age_on, id_number_check_character
from loans.calendar.models import BusinessDate
from loans.domain.allocation import rules_from_data, rules_to_data
from loans.domain.dates import add_months
from loans.domain.quote import make_quote
from loans.domain.schedule import RepaymentMethod
from loans.domain.scorecard import Decision, Outcome, ScorecardInputs, decide
from loans.origination.models import LoanProduct
from loans.origination.services.products import product_rate_for_grade, product_save
from loans.servicing.services.reminders import reminders_history_record

CASH_CODE = "PORTFOLIO-CASH"
INSTALLMENT_CODE = "PORTFOLIO-INSTALLMENT"
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


class PortfolioSeedRefused(ValueError):
    """The arguments of a portfolio seed are not usable (N <= 0, a date before the open one)."""


@dataclass
class PortfolioSummary:
    """What a seed wrote: counts, money and the time each step took (seconds)."""

    loans: int = 0
    borrowers: int = 0
    installments: int = 0
    journal_lines: int = 0
    rows: int = 0
    principal_outstanding: Decimal = Decimal("0.00")
    by_bucket: Counter[str] = field(default_factory=Counter)
    by_method: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    steps: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0

    def time(self, step: str, seconds: float) -> None:
        self.steps[step] = self.steps.get(step, 0.0) + seconds

    def merge(self, part: PortfolioSummary) -> None:
        """Add a chunk's counts, money and step times to this summary."""
        self.loans += part.loans
        self.borrowers += part.borrowers
        self.installments += part.installments
        self.journal_lines += part.journal_lines
        self.rows += part.rows
        self.principal_outstanding += part.principal_outstanding
        self.by_bucket.update(part.by_bucket)
        self.by_method.update(part.by_method)
        self.by_status.update(part.by_status)
        for step, seconds in part.steps.items():
            self.time(step, seconds)


@dataclass(frozen=True)
class Progress:
    """One progress report: a step finished, or a chunk of loans was committed."""

    step: str
    done: int
    total: int
    rows: int
    elapsed: float


type ProgressCallback = Callable[[Progress], None]


def portfolio_seed(
    *,
    loans: int,
    as_of: date,
    seed: int = 1,
    chunk_size: int = 50_000,
    writers: int = 1,
    progress: ProgressCallback | None = None,
) -> PortfolioSummary:
    """Seed ``loans`` ACTIVE loans as they stand at the start of business date ``as_of``.

    Close of business is taken to have run through as_of - 1: interest accrued through that day
    (PRODUCT §2.3), fees charged and days past due computed on it (§2.4). Each chunk of about
    ``chunk_size`` loans is committed in its own transaction. With ``writers`` > 1, that many
    threads write chunks at once, each on its own database connection (so the seed must not
    run inside a transaction); the data is the same, only the ids interleave differently.
    Sets the business date to as_of. Raises PortfolioSeedRefused for loans <= 0, writers <= 0,
    an as_of before the open business date, or writers > 1 inside a transaction.
    """
    _check_arguments(loans=loans, as_of=as_of, chunk_size=chunk_size, writers=writers)
    run = _Run(
        loans=loans,
        as_of=as_of,
        seed=seed,
        chunk_size=chunk_size,
        writers=writers,
        report=progress,
    )
    run.execute()
    return run.summary


def _check_arguments(*, loans: int, as_of: date, chunk_size: int, writers: int) -> None:
    if loans <= 0:
        raise PortfolioSeedRefused(f"--loans must be a positive number of loans, got {loans}.")
    if chunk_size <= 0:
        raise PortfolioSeedRefused(f"The chunk size must be positive, got {chunk_size}.")
    if writers <= 0:
        raise PortfolioSeedRefused(f"--writers must be a positive number, got {writers}.")
    if writers > 1 and connection.in_atomic_block:
        raise PortfolioSeedRefused(
            "Parallel writers commit on their own connections; seed outside a transaction."
        )
    current = BusinessDate.objects.filter(pk=1).values_list("current_date", flat=True).first()
    if current is not None and as_of < current:
        raise PortfolioSeedRefused(
            f"The business date is already {current.isoformat()}; closed dates cannot be "
            f"reopened, so seed as of {current.isoformat()} or later."
        )


# --- products, templates and profiles (Python, once) -------------------------------------------


def portfolio_products_ensure() -> tuple[LoanProduct, LoanProduct]:
    """Return the PORTFOLIO-CASH and PORTFOLIO-INSTALLMENT products, creating them if missing."""
    cash = LoanProduct.objects.filter(code=CASH_CODE).first() or product_save(
        product=LoanProduct(
            code=CASH_CODE,
            name="Cash loan (seeded portfolio)",
            methods=[str(m) for m in METHODS[:FEE_METHOD]],
            terms=list(TERMS),
            rates_by_grade={grade: f"{Decimal(rate):.6f}" for grade, rate in GRADE_RATES.items()},
        )
    )
    installment = LoanProduct.objects.filter(code=INSTALLMENT_CODE).first() or product_save(
        product=LoanProduct(
            code=INSTALLMENT_CODE,
            name="Installment plan (seeded portfolio)",
            methods=[str(RepaymentMethod.INSTALLMENT_FEE)],
            terms=list(TERMS),
            annual_rate=Decimal("0"),
            fee_rate=Decimal("0.006"),
        )
    )
    return cash, installment


def _template_id(method: int, term: int, grade: int, amount: int) -> int:
    return ((method * len(TERMS) + term) * len(GRADES) + grade) * len(CASH_AMOUNTS) + amount


def _templates(cash: LoanProduct, installment: LoanProduct) -> tuple[list[str], list[str]]:
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
class _Profile:
    """An applicant the scorecard approved: what the borrower declares and the decision."""

    ident: int
    income: Decimal
    employment_months: int
    debts: Decimal
    decision: Decision


def _profiles(rng: random.Random, count: int = 2000) -> list[_Profile]:
    """Return ``count`` applicants approved by the real scorecard (PRODUCT §6), all grades."""
    profiles: list[_Profile] = []
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
            profiles.append(_Profile(len(profiles), income, employment, debts, decision))
    return profiles


def _profile_row(profile: _Profile) -> str:
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


def _slots(weights: Sequence[int]) -> list[int]:
    """Return SLOTS indexes in ascending order, each index as often as its weight asks (≥ 1)."""
    total = sum(weights)
    slots: list[int] = []
    for index, weight in enumerate(weights):
        slots += [index] * max(1, round(weight * SLOTS / total))
    return slots


def _amount_weights(amounts: Sequence[int], median: float = 2500) -> list[int]:
    """Weights of a log-normal spread around ``median`` (most loans small, a long tail)."""
    return [max(1, round(1000 * math.exp(-(math.log(a / median) ** 2) / 1.6))) for a in amounts]


# --- borrowers (Python, in a background thread) -------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    number: int
    loans: int
    borrowers: bytes  # COPY text of accounts_borrower
    staging: bytes  # COPY text of seed_borrower
    count: int
    prepared_in: float


class _BorrowerMaker:
    """Makes borrower rows: valid identity and card numbers, encrypted, from the borrower id."""

    def __init__(self, *, as_of: date, rng: random.Random, profiles: list[_Profile]) -> None:
        self.as_of = as_of
        self.rng = rng
        self.profiles = profiles
        self.now = timezone.now().isoformat()
        self.birth_base = add_months(as_of, -58 * 12)
        self.cash_slot_amounts = [CASH_AMOUNTS[i] for i in _slots(_amount_weights(CASH_AMOUNTS))]
        self.shop_slot_amounts = [SHOP_PRICES[i] for i in _slots(_amount_weights(SHOP_PRICES))]

    def identity(self, borrower_id: int) -> tuple[str, date]:
        # (day, sequence, region) is a bijection of the id (7919 is prime to BIRTH_DAYS), so
        # identity numbers never repeat below 174 million borrowers.
        day = borrower_id % BIRTH_DAYS * 7919 % BIRTH_DAYS
        sequence = borrower_id // BIRTH_DAYS % 1000
        region = REGIONS[borrower_id // (BIRTH_DAYS * 1000) % len(REGIONS)]
        birth = self.birth_base + timedelta(days=day)
        first_17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
        return first_17 + id_number_check_character(first_17), birth

    def rows(self, borrower_id: int, loans: int) -> tuple[str, str, str]:
        """Return the borrower's COPY row, its staging row, and its identity digest."""
        number, birth = self.identity(borrower_id)
        digest = crypto.lookup_digest(number)
        card_body = f"621483{borrower_id % 10**9:09d}"
        card = card_body + luhn.calc_check_digit(card_body)
        # Rising with the id, so the mobile index grows at its right edge.
        mobile = f"1{'3456789'[borrower_id // 10**9 % 7]}{borrower_id % 10**9:09d}"
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        profile = rng.choice(self.profiles)
        # The line was opened before the oldest seeded loan (at most 3 years before D).
        applied = add_months(self.as_of, -37) - timedelta(days=rng.randrange(120))
        consent = f"{applied.isoformat()} 10:00:00{BEIJING_OFFSET}"
        cap = int(profile.decision.credit_limit) // loans  # each loan ≤ limit / loans
        borrower = "\t".join(
            (
                str(borrower_id), name, crypto.encrypt(number), digest,
                crypto.mask(number), birth.isoformat(), mobile, f"p{borrower_id}@example.com",
                crypto.encrypt(card), crypto.lookup_digest(card), crypto.mask(card),
                str(profile.income), str(profile.employment_months), str(profile.debts),
                "zh-hans", consent, "2026-01", consent, "", self.now, self.now,
            )
        )  # fmt: skip
        staging = "\t".join(
            (
                str(borrower_id), str(loans), str(profile.ident),
                str(GRADES.index(str(profile.decision.grade))), applied.isoformat(),
                str(age_on(birth_date=birth, as_of=applied)),
                str(bisect.bisect_right(self.cash_slot_amounts, cap)),
                str(bisect.bisect_right(self.shop_slot_amounts, cap)), name, consent,
            )
        )  # fmt: skip
        return borrower, staging, digest


def _loans_per_borrower(rng: random.Random, loans: int) -> list[int]:
    counts: list[int] = []
    remaining = loans
    while remaining > 0:
        count = min(rng.choices((1, 2, 3, 4), LOANS_PER_BORROWER_WEIGHTS)[0], remaining)
        counts.append(count)
        remaining -= count
    return counts


def _chunks(
    maker: _BorrowerMaker, ids: Sequence[int], counts: Sequence[int], chunk_size: int
) -> Iterator[_Chunk]:
    start, number = 0, 0
    while start < len(counts):
        began = time.perf_counter()
        borrowers: list[tuple[str, str]] = []
        staging: list[str] = []
        loans = 0
        index = start
        while index < len(counts) and loans < chunk_size:
            borrower, stage, digest = maker.rows(ids[index], counts[index])
            borrowers.append((digest, borrower))
            staging.append(stage)
            loans += counts[index]
            index += 1
        number += 1
        yield _Chunk(
            number=number,
            loans=loans,
            # In digest order: the three indexes on the identity digest then fill page by page.
            borrowers=("\n".join(row for _, row in sorted(borrowers)) + "\n").encode(),
            staging=("\n".join(staging) + "\n").encode(),
            count=index - start,
            prepared_in=time.perf_counter() - began,
        )
        start = index


# --- SQL ------------------------------------------------------------------------------------------

SESSION_SQL = """
CREATE TEMP TABLE seed_template (
    id int PRIMARY KEY, product_id bigint, method text, term int, installments int,
    principal numeric(14, 2), annual_rate numeric(8, 6), fee_rate numeric(8, 6), apr numeric(8, 6)
);
CREATE TEMP TABLE seed_template_row (
    template_id int, number int, start_months int, due_months int, principal numeric(14, 2),
    interest numeric(14, 2), fee numeric(14, 2), principal_through numeric(14, 2),
    interest_through numeric(14, 2), fee_through numeric(14, 2),
    PRIMARY KEY (template_id, number)
);
CREATE TEMP TABLE seed_profile (
    id int PRIMARY KEY, grade text, grade_index int, annual_rate numeric(8, 6),
    limit_amount numeric(14, 2), score int, points jsonb, inputs jsonb
);
CREATE TEMP TABLE seed_product (
    id bigint PRIMARY KEY, penalty_multiplier numeric(4, 2), grace_days int, write_off_days int,
    rate_cap numeric(8, 6), allocation_rules jsonb
);
CREATE TEMP TABLE seed_mix (
    method_slots int[], term_slots int[], status_slots int[], cash_slots int[], shop_slots int[]
);
"""

STAGING_SQL = """
CREATE TEMP TABLE seed_borrower (
    borrower_id bigint PRIMARY KEY, loans int, profile_id int, grade_index int,
    applied_date date, age int, cash_slot_count int, shop_slot_count int, full_name text,
    decided_at timestamptz,
    application_id bigint DEFAULT nextval(%(application_sequence)s::regclass),
    line_id bigint DEFAULT nextval(%(line_sequence)s::regclass)
) ON COMMIT DROP
"""

# One row per loan of the chunk: its draws, its dates, and where its schedule stands on D - 1.
# p = installments paid (all those due before D, except for an overdue loan), q = installments
# due before D; installment q + 1, if any, is the one whose period contains D - 1.
LOANS_SQL = """
CREATE TEMP TABLE seed_loan ON COMMIT DROP AS
WITH drawn AS (
    SELECT b.borrower_id, b.line_id, b.full_name, b.grade_index, b.cash_slot_count,
           b.shop_slot_count, random() AS u_method, random() AS u_term, random() AS u_amount,
           random() AS u_status, random() AS u_days, random() AS u_paid, random() AS u_start
    FROM seed_borrower b CROSS JOIN LATERAL generate_series(1, b.loans)
), picked AS MATERIALIZED (
    SELECT d.*, m.method_slots[1 + floor(d.u_method * cardinality(m.method_slots))::int] AS method,
           m.term_slots[1 + floor(d.u_term * cardinality(m.term_slots))::int] AS term_index,
           m.status_slots[1 + floor(d.u_status * cardinality(m.status_slots))::int] AS status,
           m.cash_slots[1 + floor(d.u_amount * d.cash_slot_count)::int] AS cash_amount,
           m.shop_slots[1 + floor(d.u_amount * d.shop_slot_count)::int] AS shop_amount
    FROM drawn d CROSS JOIN seed_mix m
), templated AS MATERIALIZED (
    SELECT p.*, t.id AS template_id, t.product_id, t.method AS method_name, t.term,
           t.installments, t.principal, t.annual_rate, t.fee_rate, t.apr,
           floor(p.u_paid * t.installments)::int AS overdue_paid,
           (%(low_days)s::int[])[p.status + 1]
             + floor(p.u_days * ((%(high_days)s::int[])[p.status + 1]
                                 - (%(low_days)s::int[])[p.status + 1] + 1))::int AS target_days
    FROM picked p JOIN seed_template t ON t.id = (
        ((p.method * %(terms)s + p.term_index) * %(grades)s
          + CASE WHEN p.method = %(fee_method)s THEN 0 ELSE p.grade_index END) * %(amounts)s
        + CASE WHEN p.method = %(fee_method)s THEN p.shop_amount ELSE p.cash_amount END)
), started AS MATERIALIZED (
    SELECT t.*, CASE WHEN t.status = 0
        -- current: disbursed on one of the days that leave its last due date on or after D
        THEN %(last_closed)s::date - floor(t.u_start * (%(last_closed)s::date
             - (%(day)s::date - t.term * interval '1 month')::date))::int
        -- overdue: the first unpaid installment fell due target_days before D - 1
        ELSE (%(last_closed)s::date - t.target_days - CASE WHEN t.method_name = 'BULLET'
              THEN t.term ELSE t.overdue_paid + 1 END * interval '1 month')::date
        END AS start0
    FROM templated t
), dated AS MATERIALIZED (
    SELECT s.*, CASE WHEN s.status = 0 AND (s.start0 + s.term * interval '1 month')::date
                     < %(day)s::date THEN s.start0 + 3 ELSE s.start0 END AS start_date
    FROM started s
), counted AS MATERIALIZED (
    SELECT d.*, CASE WHEN d.method_name = 'BULLET'
        THEN ((d.start_date + d.term * interval '1 month')::date <= %(last_closed)s::date)::int
        ELSE least(d.installments, m.months - ((d.start_date + m.months * interval '1 month')::date
                                              > %(last_closed)s::date)::int)
        END AS due_count
    FROM dated d CROSS JOIN LATERAL (
        SELECT ((extract(year FROM %(last_closed)s::date) - extract(year FROM d.start_date)) * 12
                + extract(month FROM %(last_closed)s::date) - extract(month FROM d.start_date))::int
               AS months
    ) m
), staged AS MATERIALIZED (
    SELECT c.*, CASE WHEN c.status = 0 THEN c.due_count ELSE c.overdue_paid END AS paid_count
    FROM counted c
)
SELECT nextval(%(loan_sequence)s::regclass) AS id, s.borrower_id, s.line_id, s.full_name,
       s.template_id, s.product_id, s.method_name AS method, s.term, s.principal, s.annual_rate,
       s.fee_rate, s.apr, s.start_date, s.paid_count, s.due_count,
       coalesce(paid.principal_through, 0) AS principal_paid,
       coalesce(paid.interest_through, 0) AS interest_paid,
       coalesce(paid.fee_through, 0) AS fee_paid,
       coalesce(due.interest_through, 0) + coalesce(round(cur.interest
           * (%(day)s::date - (s.start_date + cur.start_months * interval '1 month')::date)
           / ((s.start_date + cur.due_months * interval '1 month')::date
              - (s.start_date + cur.start_months * interval '1 month')::date), 2), 0)
           AS interest_accrued,
       coalesce(due.fee_through, 0) AS fee_charged,
       greatest(%(last_closed)s::date
                - (s.start_date + unpaid.due_months * interval '1 month')::date, 0)
           AS days_past_due,
       (s.start_date + unpaid.due_months * interval '1 month')::date AS oldest_unpaid_due
FROM staged s
LEFT JOIN seed_template_row paid ON paid.template_id = s.template_id AND paid.number = s.paid_count
LEFT JOIN seed_template_row due ON due.template_id = s.template_id AND due.number = s.due_count
LEFT JOIN seed_template_row cur ON cur.template_id = s.template_id AND cur.number = s.due_count + 1
JOIN seed_template_row unpaid
    ON unpaid.template_id = s.template_id AND unpaid.number = s.paid_count + 1
"""

CREDIT_SQL = """
INSERT INTO loans_creditapplication (id, borrower_id, partner_id, applied_date, status,
    scorecard_version, inputs, score, points, grade, credit_limit_amount, annual_rate, reasons,
    decided_at, decided_by_id, officer_note, created_at)
SELECT b.application_id, b.borrower_id, NULL, b.applied_date, 'APPROVED', 1,
       p.inputs || jsonb_build_object('age', b.age), p.score, p.points, p.grade, p.limit_amount,
       p.annual_rate, '[]'::jsonb, b.decided_at, NULL, '', now()
FROM seed_borrower b JOIN seed_profile p ON p.id = b.profile_id;

INSERT INTO loans_creditline (id, borrower_id, application_id, limit_amount, used_amount, grade,
    annual_rate, status, updated_at)
SELECT b.line_id, b.borrower_id, b.application_id, p.limit_amount, coalesce(u.used, 0), p.grade,
       p.annual_rate, 'ACTIVE', now()
FROM seed_borrower b JOIN seed_profile p ON p.id = b.profile_id
LEFT JOIN (SELECT borrower_id, sum(principal - principal_paid) AS used
           FROM seed_loan GROUP BY borrower_id) u ON u.borrower_id = b.borrower_id;
"""

LOAN_INSERT_SQL = """
INSERT INTO loans_loan (id, borrower_id, credit_line_id, product_id, partner_id, status,
    principal_amount, term, method, annual_rate, fee_rate, apr, penalty_multiplier, grace_days,
    write_off_days, rate_cap, allocation_rules, drawn_date, disbursed_date, closed_date,
    contract_version, contract_hash, accepted_at, accepted_ip, accepted_user_agent,
    signature_name, principal_outstanding_amount, interest_receivable_amount,
    fee_receivable_amount, penalty_receivable_amount, advance_amount, overpayment_amount,
    days_past_due, write_off_candidate_since, bucket, created_at, updated_at)
SELECT l.id, l.borrower_id, l.line_id, l.product_id, NULL, 'ACTIVE', l.principal, l.term,
       l.method, l.annual_rate, l.fee_rate, l.apr, p.penalty_multiplier, p.grace_days,
       p.write_off_days, p.rate_cap, p.allocation_rules, l.start_date, l.start_date, NULL, 'v1',
       %(contract_hash)s, (l.start_date + time '10:30') AT TIME ZONE 'Asia/Shanghai', NULL,
       'LendPortal/seed_portfolio', l.full_name, l.principal - l.principal_paid,
       l.interest_accrued - l.interest_paid, l.fee_charged - l.fee_paid, 0, 0, 0,
       l.days_past_due,
       CASE WHEN l.days_past_due >= p.write_off_days
            THEN l.oldest_unpaid_due + p.write_off_days END,
       CASE WHEN l.days_past_due = 0 THEN 'CURRENT' WHEN l.days_past_due <= 30 THEN 'M1'
            WHEN l.days_past_due <= 60 THEN 'M2' WHEN l.days_past_due <= 90 THEN 'M3'
            ELSE 'M4_PLUS' END,
       now(), now()
FROM seed_loan l JOIN seed_product p ON p.id = l.product_id
"""

# Installments 1..p paid on their due dates; p+1..q due before D, unpaid, fully accrued and
# charged; q+1 accrued through D - 1 (PRODUCT §2.3); the later ones untouched.
INSTALLMENT_INSERT_SQL = """
INSERT INTO loans_installment (loan_id, number, period_start, due_date, principal_amount,
    interest_amount, fee_amount, accrual_start_date, accrual_base_amount, interest_accrued_amount,
    fee_charged_amount, penalty_charged_amount, principal_paid_amount, interest_paid_amount,
    fee_paid_amount, penalty_paid_amount, interest_waived_amount, fee_waived_amount,
    penalty_waived_amount, paid_date)
SELECT l.id, r.number, x.period_start, x.due_date, r.principal, r.interest, r.fee, x.period_start,
       0,
       CASE WHEN r.number <= l.due_count THEN r.interest
            WHEN r.number = l.due_count + 1
            THEN round(r.interest * (%(day)s::date - x.period_start)
                       / (x.due_date - x.period_start), 2)
            ELSE 0 END,
       CASE WHEN r.number <= l.due_count THEN r.fee ELSE 0 END, 0,
       CASE WHEN r.number <= l.paid_count THEN r.principal ELSE 0 END,
       CASE WHEN r.number <= l.paid_count THEN r.interest ELSE 0 END,
       CASE WHEN r.number <= l.paid_count THEN r.fee ELSE 0 END, 0, 0, 0, 0,
       CASE WHEN r.number <= l.paid_count THEN x.due_date END
FROM seed_loan l
JOIN seed_template_row r ON r.template_id = l.template_id
CROSS JOIN LATERAL (
    SELECT (l.start_date + r.start_months * interval '1 month')::date AS period_start,
           (l.start_date + r.due_months * interval '1 month')::date AS due_date
) x
"""

# (entry type, per-loan account and amount, its sign, the offsetting account)
ENTRIES = (
    ("DISBURSEMENT", "PRINCIPAL_RECEIVABLE", "principal", 1, "CASH"),
    ("REPAYMENT", "PRINCIPAL_RECEIVABLE", "principal_paid", -1, "CASH"),
    ("REPAYMENT", "INTEREST_RECEIVABLE", "interest_paid", -1, None),
    ("REPAYMENT", "FEE_RECEIVABLE", "fee_paid", -1, None),
    ("INTEREST_ACCRUAL", "INTEREST_RECEIVABLE", "interest_accrued", 1, "INTEREST_INCOME"),
    ("FEE_DUE", "FEE_RECEIVABLE", "fee_charged", 1, "FEE_INCOME"),
)

LEDGER_TOTALS_SQL = """
SELECT coalesce(sum(principal), 0), coalesce(sum(principal_paid), 0),
       coalesce(sum(interest_paid), 0), coalesce(sum(fee_paid), 0),
       coalesce(sum(interest_accrued), 0), coalesce(sum(fee_charged), 0)
FROM seed_loan
"""


@dataclass(frozen=True)
class _SessionData:
    """What every writer's session loads into its temporary tables (built once)."""

    cash: LoanProduct
    installment: LoanProduct
    profiles: list[_Profile]
    templates: list[str]
    template_rows: list[str]


@dataclass(frozen=True)
class _Session:
    """A writer connection's facts: its sequences and whether it may skip deferred FK checks."""

    sequences: dict[str, str]
    trusted_references: bool


class _Run:
    """One seed: prepares borrowers in a thread, writes chunks in one or more writer threads."""

    def __init__(
        self,
        *,
        loans: int,
        as_of: date,
        seed: int,
        chunk_size: int,
        writers: int,
        report: ProgressCallback | None,
    ) -> None:
        self.loans = loans
        self.as_of = as_of
        self.last_closed = as_of - timedelta(days=1)
        self.seed = seed
        self.chunk_size = chunk_size
        self.writers = writers
        self.report = report
        self.summary = PortfolioSummary()
        self.lock = threading.Lock()
        self.analysed = False
        self.started = time.perf_counter()

    def step(self, name: str, began: float, *, announce: bool = True) -> None:
        self.summary.time(name, time.perf_counter() - began)
        if announce:
            self.progress(name)

    def progress(self, name: str) -> None:
        if self.report:
            elapsed = time.perf_counter() - self.started
            self.report(Progress(name, self.summary.loans, self.loans, self.summary.rows, elapsed))

    def execute(self) -> None:
        began = time.perf_counter()
        cash, installment = portfolio_products_ensure()
        rng = random.Random(self.seed)  # noqa: S311 - synthetic data, replayable by seed
        profiles = _profiles(rng)
        self.step("products and credit profiles", began)
        began = time.perf_counter()
        templates, template_rows = _templates(cash, installment)
        self.step(f"{len(templates):,} schedule templates", began)
        counts = _loans_per_borrower(rng, self.loans)
        began = time.perf_counter()
        with connection.cursor() as cursor:
            ids = self._reserve(cursor, "accounts_borrower", len(counts))
        data = _SessionData(cash, installment, profiles, templates, template_rows)
        self.step("ids", began)
        maker = _BorrowerMaker(as_of=self.as_of, rng=rng, profiles=profiles)
        chunks = _prefetched(_chunks(maker, ids, counts, self.chunk_size))
        if self.writers == 1:
            self._write_here(data, chunks)
        else:
            self._write_in_parallel(data, chunks)
        began = time.perf_counter()
        BusinessDate.objects.update_or_create(pk=1, defaults={"current_date": self.as_of})
        with connection.cursor() as cursor:
            for table in _ANALYZED:
                cursor.execute(f"ANALYZE {table}")
        self.step("business date and statistics", began)
        self.summary.elapsed = time.perf_counter() - self.started

    def _write_here(self, data: _SessionData, chunks: Iterator[_Chunk]) -> None:
        """One writer: this thread and its connection (works inside a test's transaction)."""
        session = self._session_open(data)
        try:
            for chunk in chunks:
                self._chunk_done(chunk, self._write(session, chunk))
        finally:
            self._session_close()

    def _write_in_parallel(self, data: _SessionData, chunks: Iterator[_Chunk]) -> None:
        """``writers`` threads, each with its own connection and session, take chunks in turn.

        PostgreSQL runs each connection on its own core, so two writers keep both cores busy
        while the borrower thread encrypts. The first error stops every writer and is raised.
        """
        work: queue.Queue[_Chunk | None] = queue.Queue(maxsize=self.writers)
        results: queue.Queue[tuple[_Chunk, PortfolioSummary] | BaseException | None] = queue.Queue()
        stop = threading.Event()

        def writer() -> None:
            try:
                session = self._session_open(data)
                while not stop.is_set() and (chunk := work.get()) is not None:
                    results.put((chunk, self._write(session, chunk)))
                self._session_close()
            except BaseException as error:  # noqa: BLE001 - handed to the main thread
                results.put(error)
            finally:
                connection.close()
                results.put(None)

        threads = [
            threading.Thread(target=writer, name=f"seed-portfolio-writer-{n}", daemon=True)
            for n in range(self.writers)
        ]
        for thread in threads:
            thread.start()
        try:
            self._feed(chunks, work, results, stop)
        finally:
            stop.set()
            for _ in threads:
                with suppress(queue.Full):
                    work.put_nowait(None)
            for thread in threads:
                thread.join()

    def _feed(
        self,
        chunks: Iterator[_Chunk],
        work: queue.Queue[_Chunk | None],
        results: queue.Queue[tuple[_Chunk, PortfolioSummary] | BaseException | None],
        stop: threading.Event,
    ) -> None:
        """Hand chunks to the writers and report each finished one; raise a writer's error."""
        finished = 0
        for chunk in chunks:
            while True:
                finished += self._collect(results, wait=False)
                try:
                    work.put(chunk, timeout=0.2)
                    break
                except queue.Full:
                    continue
        for _ in range(self.writers):
            work.put(None)
        while finished < self.writers:
            finished += self._collect(results, wait=True)

    def _collect(
        self,
        results: queue.Queue[tuple[_Chunk, PortfolioSummary] | BaseException | None],
        *,
        wait: bool,
    ) -> int:
        """Report the chunks finished so far; return how many writers have stopped."""
        stopped = 0
        while True:
            try:
                item = results.get(timeout=0.2) if wait else results.get_nowait()
            except queue.Empty:
                return stopped
            if isinstance(item, BaseException):
                raise item
            if item is None:
                stopped += 1
                if wait:
                    return stopped
                continue
            self._chunk_done(*item)
            wait = False

    def _chunk_done(self, chunk: _Chunk, part: PortfolioSummary) -> None:
        part.time("borrowers: generate and encrypt (overlapped)", chunk.prepared_in)
        part.borrowers += chunk.count
        part.loans += chunk.loans
        self.summary.merge(part)
        self.progress(f"chunk {chunk.number}")

    def _session_open(self, data: _SessionData) -> _Session:
        with connection.cursor() as cursor:
            cursor.execute("SET work_mem = '64MB'")
            cursor.execute("SET synchronous_commit = off")
            # The temporary tables' row estimates run to billions, which makes PostgreSQL
            # compile the chunk's queries with JIT: 1.7-2.9 s a chunk, more than the work.
            cursor.execute("SET jit = off")
            cursor.execute("DROP TABLE IF EXISTS seed_template, seed_template_row, seed_profile, "
                           "seed_product, seed_mix")  # fmt: skip
            cursor.execute(SESSION_SQL)
            _copy(cursor, "seed_template", data.templates)
            _copy(cursor, "seed_template_row", data.template_rows)
            _copy(cursor, "seed_profile", [_profile_row(p) for p in data.profiles])
            for product in (data.cash, data.installment):
                _product_load(cursor, product)
            _mix_load(cursor)
            cursor.execute("ANALYZE seed_template; ANALYZE seed_template_row")
            # Only a superuser may set session_replication_role; others keep deferred checks.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            trusted = bool(cursor.fetchone()[0])
            sequences = {
                table: _sequence(cursor, table)
                for table in ("loans_loan", "loans_creditapplication", "loans_creditline")
            }
        return _Session(sequences=sequences, trusted_references=trusted)

    def _session_close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE seed_template, seed_template_row, seed_profile, "
                           "seed_product, seed_mix")  # fmt: skip
            cursor.execute("RESET work_mem; RESET synchronous_commit; RESET jit")

    def _reserve(self, cursor: Any, table: str, count: int) -> list[int]:
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
            [_sequence(cursor, table), count],
        )
        return [row[0] for row in cursor.fetchall()]

    def _write(self, session: _Session, chunk: _Chunk) -> PortfolioSummary:
        """Write one chunk in one transaction; return what it wrote and its step times."""
        part = PortfolioSummary()
        lap = _Lap(part)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [_chunk_seed(self.seed, chunk.number)])
            if session.trusted_references:
                # Every reference below points at a row this transaction writes from the same
                # temporary tables: skip the row-by-row deferred foreign-key triggers (half the
                # time of a chunk). Constraints, unique indexes and the ledger guards (ENABLE
                # ALWAYS, migration 0007) still run.
                cursor.execute("SET LOCAL session_replication_role = replica")
            with cursor.copy(f"COPY accounts_borrower ({BORROWER_COLUMNS}) FROM STDIN") as copy:
                copy.write(chunk.borrowers)
            cursor.execute(
                STAGING_SQL,
                {
                    "application_sequence": session.sequences["loans_creditapplication"],
                    "line_sequence": session.sequences["loans_creditline"],
                },
            )
            with cursor.copy(f"COPY seed_borrower ({STAGING_COLUMNS}) FROM STDIN") as copy:
                copy.write(chunk.staging)
            part.rows += chunk.count
            lap("borrowers: copy")
            cursor.execute(LOANS_SQL, self._loan_params(session))
            cursor.execute(CREDIT_SQL)
            part.rows += 2 * chunk.count
            lap("loans: draw; applications and credit lines")
            cursor.execute(LOAN_INSERT_SQL, {"contract_hash": _contract_hash()})
            if cursor.rowcount != chunk.loans:
                raise RuntimeError(
                    f"chunk {chunk.number}: {cursor.rowcount} of {chunk.loans} loans"
                )
            part.rows += cursor.rowcount
            lap("loans: insert")
            cursor.execute(INSTALLMENT_INSERT_SQL, {"day": self.as_of})
            part.rows += cursor.rowcount
            part.installments += cursor.rowcount
            lap("installments: insert")
            self._post(cursor, chunk, part)
            _count(cursor, part)
            lap("ledger: post")
            self._reminders(cursor, part)
            lap("reminders already sent")
        lap("commit (deferred checks)")
        return part

    def _loan_params(self, session: _Session) -> dict[str, Any]:
        return {
            "day": self.as_of,
            "last_closed": self.last_closed,
            "low_days": [low for low, _ in STATUS_DAYS],
            "high_days": [high for _, high in STATUS_DAYS],
            "terms": len(TERMS),
            "grades": len(GRADES),
            "amounts": len(CASH_AMOUNTS),
            "fee_method": FEE_METHOD,
            "loan_sequence": session.sequences["loans_loan"],
        }

    def _post(self, cursor: Any, chunk: _Chunk, part: PortfolioSummary) -> None:
        """Post the chunk's opening balances: one entry per type, one line per loan and account.

        DISBURSEMENT Dr principal receivable / Cr cash (the payout long settled), REPAYMENT
        Dr cash / Cr the receivables paid, INTEREST_ACCRUAL and FEE_DUE for what was earned.
        Each entry's lines go in one INSERT: the ledger guard checks whole entries per statement.
        """
        cursor.execute(LEDGER_TOTALS_SQL)
        totals = dict(zip([e[2] for e in ENTRIES], cursor.fetchone(), strict=True))
        memo = f"seed_portfolio opening balances, chunk {chunk.number}"
        for entry_type in ("DISBURSEMENT", "REPAYMENT", "INTEREST_ACCRUAL", "FEE_DUE"):
            parts = [e for e in ENTRIES if e[0] == entry_type]
            total = sum((totals[e[2]] for e in parts), Decimal("0"))
            if not total:
                continue
            cursor.execute(
                "INSERT INTO loans_journalentry (entry_type, value_date, key, memo, posted_at)"
                " VALUES (%s, %s, NULL, %s, now()) RETURNING id",
                [entry_type, self.last_closed, memo],
            )
            entry = cursor.fetchone()[0]
            offset_account = parts[0][4]
            sign = parts[0][3]
            selects = [
                f"SELECT %(entry)s, '{account}', id, NULL::int, {sign} * {column} "  # noqa: S608
                f"FROM seed_loan WHERE {column} <> 0"
                for _, account, column, _, _ in parts
            ]
            selects.append(f"SELECT %(entry)s, '{offset_account}', NULL, NULL, %(offset)s")
            cursor.execute(
                "INSERT INTO loans_journalline (entry_id, account, loan_id, installment_number,"
                " amount) " + " UNION ALL ".join(selects),
                {"entry": entry, "offset": -sign * total},
            )
            part.rows += cursor.rowcount + 1
            part.journal_lines += cursor.rowcount

    def _reminders(self, cursor: Any, part: PortfolioSummary) -> None:
        """The reminders the nights through D - 1 queued and sent, as close of business would."""
        with self.lock:
            first_chunk, self.analysed = not self.analysed, True
        if first_chunk:
            # Give the planner row counts, or it joins these tables, empty when last analysed,
            # with nested loops over millions of rows.
            cursor.execute(
                "ANALYZE loans_loan; ANALYZE loans_installment; ANALYZE accounts_borrower"
            )
        cursor.execute("SELECT min(id), max(id) FROM seed_loan")
        first, last = cursor.fetchone()
        sent_at = timezone.make_aware(datetime.combine(self.last_closed, time_of_day(9)), BEIJING)
        part.rows += reminders_history_record(
            first_loan_id=first, last_loan_id=last, through=self.last_closed, sent_at=sent_at
        )


class _Lap:
    """Adds the time since the last call to a step of a chunk's summary."""

    def __init__(self, part: PortfolioSummary) -> None:
        self.part = part
        self.began = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.part.time(step, now - self.began)
        self.began = now


def _count(cursor: Any, part: PortfolioSummary) -> None:
    cursor.execute(
        """
        SELECT method, CASE WHEN days_past_due = 0 THEN 'CURRENT'
            WHEN days_past_due <= 30 THEN 'M1' WHEN days_past_due <= 60 THEN 'M2'
            WHEN days_past_due <= 90 THEN 'M3' ELSE 'M4_PLUS' END,
            count(*), sum(principal - principal_paid)
        FROM seed_loan GROUP BY 1, 2
        """
    )
    for method, bucket, count, outstanding in cursor.fetchall():
        part.by_method[method] += count
        part.by_bucket[bucket] += count
        part.by_status["ACTIVE"] += count
        part.principal_outstanding += outstanding


def _product_load(cursor: Any, product: LoanProduct) -> None:
    rules = rules_to_data(rules_from_data(product.allocation_rules))
    cursor.execute(
        "INSERT INTO seed_product VALUES (%s, %s, %s, %s, %s, %s)",
        [
            product.pk,
            product.penalty_multiplier,
            product.grace_days,
            product.write_off_days,
            min(product.rate_cap, settings.LENDPORTAL_RATE_CAP),
            json.dumps(rules),
        ],
    )


def _mix_load(cursor: Any) -> None:
    cursor.execute(
        "INSERT INTO seed_mix VALUES (%s, %s, %s, %s, %s)",
        [
            _slots(METHOD_WEIGHTS),
            _slots(TERM_WEIGHTS),
            _slots(STATUS_WEIGHTS),
            _slots(_amount_weights(CASH_AMOUNTS)),
            _slots(_amount_weights(SHOP_PRICES)),
        ],
    )


BEIJING = ZoneInfo("Asia/Shanghai")
BORROWER_COLUMNS = (
    "id, full_name, id_number_ciphertext, id_number_digest, id_number_masked, birth_date, mobile,"
    " email, bank_card_ciphertext, bank_card_digest, bank_card_masked, monthly_income_amount,"
    " employment_months, monthly_debt_payments_amount, language, credit_check_consent_at,"
    " privacy_notice_version, privacy_consent_at, external_id, created_at, updated_at"
)
STAGING_COLUMNS = (
    "borrower_id, loans, profile_id, grade_index, applied_date, age, cash_slot_count,"
    " shop_slot_count, full_name, decided_at"
)
_ANALYZED = (
    "accounts_borrower",
    "loans_creditapplication",
    "loans_creditline",
    "loans_loan",
    "loans_installment",
    "loans_journalentry",
    "loans_journalline",
)


def _copy(cursor: Any, table: str, rows: Sequence[str]) -> None:
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        copy.write(("\n".join(rows) + "\n").encode())


def _sequence(cursor: Any, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return str(cursor.fetchone()[0])


def _chunk_seed(seed: int, chunk: int) -> float:
    """Return a setseed() argument in [-1, 1] for the chunk: the draws replay for a seed."""
    return random.Random(f"{seed}:{chunk}").uniform(-1, 1)  # noqa: S311 - not a secret


def _contract_hash() -> str:
    return hashlib.sha256(CONTRACT_TEXT.encode()).hexdigest()


def _prefetched(chunks: Iterator[_Chunk], depth: int = 2) -> Iterator[_Chunk]:
    """Yield the chunks, preparing the next ones in a thread while the caller writes.

    The thread only runs Python (random draws, Fernet); it never touches the database.
    """
    pending: queue.Queue[_Chunk | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        pending.put(chunk, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            pending.put(None)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer and re-raised
            pending.put(error)

    thread = threading.Thread(target=produce, name="seed-portfolio-borrowers", daemon=True)
    thread.start()
    try:
        while (item := pending.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
