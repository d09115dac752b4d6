"""Credit-bureau reporting (征信, PRODUCT §13): a month's status code and the 24-month string.

Pure rules over an account's schedule, as of a month end E:

- an installment is **overdue at E** when its due date is before E and it was not fully paid
  by E (its ``paid_date`` empty or after E); the **overdue terms** are how many are;
- the month's **status code**: ``C`` the account closed (paid off) in or before the month,
  ``G`` it ended abnormally (written off), ``1``-``7`` the overdue terms at E (7 meaning 7 or
  more), ``N`` something fell due in the month and nothing is overdue at E (paid as agreed,
  or cured), ``*`` nothing fell due in the month and nothing is overdue, ``#`` unknown;
- the **24-month string** is the status codes of the months from the later of the account's
  open month and 23 months before the reported month, oldest first, the reported month last;
- overdue principal by age at E: the unpaid principal of the overdue installments whose due
  date is 31-60, 61-90, 91-180 and more than 180 days before E (1-30 is in the overdue total
  only, as the bureau's data dictionary has no such band).

The worked example of docs/reporting.md is tested in tests/unit/domain/test_bureau.py. The
history is worked out in O(installments + 24) per account (a range per installment, not 24
scans of the schedule), for a million accounts in one export.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache

from loans.domain.money import ZERO, sum_amounts

HISTORY_MONTHS = 24
MAX_OVERDUE_TERMS_CODE = 7
# The overdue-principal bands of the record: (first day, last day or None for "and more").
OVERDUE_BANDS: tuple[tuple[int, int | None], ...] = ((31, 60), (61, 90), (91, 180), (181, None))


class StatusCode(StrEnum):
    """The month's repayment status (the digits 1-7 are the overdue terms)."""

    PAID_AS_AGREED = "N"
    CLOSED = "C"
    ENDED_ABNORMALLY = "G"
    NOTHING_DUE = "*"
    UNKNOWN = "#"


class RejectReason(StrEnum):
    """Why a record is not sent (listed with its run; the identity checks are the writer's)."""

    NAME_MISSING = "NAME_MISSING"
    IDENTITY_MISSING = "IDENTITY_MISSING"
    IDENTITY_UNREADABLE = "IDENTITY_UNREADABLE"
    IDENTITY_INVALID = "IDENTITY_INVALID"
    OPEN_DATE_MISSING = "OPEN_DATE_MISSING"
    AMOUNT_NEGATIVE = "AMOUNT_NEGATIVE"


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM``; ValueError otherwise."""
        year_text, month_text = text.split("-")
        if len(year_text) != 4 or len(month_text) != 2:
            raise ValueError(text)
        month = cls(int(year_text), int(month_text))
        if not 1 <= month.month <= 12:
            raise ValueError(text)
        return month

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return _last_day(self.year, self.month)

    def plus(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@cache
def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _index(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class InstallmentFacts:
    """One schedule row: when it fell due, when it was fully paid, and what was unpaid at E."""

    due_date: date
    paid_date: date | None
    amount: Decimal  # principal + interest + fee scheduled
    unpaid_amount: Decimal = ZERO  # at the month end reported (all components, penalty too)
    unpaid_principal: Decimal = ZERO  # at the month end reported


@dataclass(frozen=True)
class AccountFacts:
    opened: date  # the disbursement date
    closed: date | None  # paid off or written off on
    written_off: bool
    installments: Sequence[InstallmentFacts]


@dataclass(frozen=True)
class MonthFigures:
    """The month's own figures of a record (everything but identity and the 24-month string)."""

    status: str
    history: str
    overdue_terms: int
    overdue_amount: Decimal
    amount_due: Decimal
    overdue_principal_by_band: tuple[Decimal, Decimal, Decimal, Decimal]
    last_due_date: date | None
    days_overdue: int  # since the oldest overdue due date, 0 when none is overdue


def overdue_at(installment: InstallmentFacts, day: date) -> bool:
    """True when the installment was due before ``day`` and not fully paid by it."""
    paid = installment.paid_date
    return installment.due_date < day and (paid is None or paid > day)


def overdue_terms(installments: Sequence[InstallmentFacts], day: date) -> int:
    return sum(1 for installment in installments if overdue_at(installment, day))


def _code(*, terms: int, due_in_month: bool) -> str:
    if terms:
        return str(min(terms, MAX_OVERDUE_TERMS_CODE))
    return StatusCode.PAID_AS_AGREED if due_in_month else StatusCode.NOTHING_DUE


def month_status(account: AccountFacts, month: Month) -> str:
    """The status code of ``month`` (see the module's rules)."""
    end = month.last_day
    if account.closed is not None and account.closed <= end:
        return StatusCode.ENDED_ABNORMALLY if account.written_off else StatusCode.CLOSED
    if account.opened > end:
        return StatusCode.UNKNOWN
    terms = overdue_terms(account.installments, end)
    due = any(_index(i.due_date) == month.index for i in account.installments)
    return _code(terms=terms, due_in_month=due)


def history(account: AccountFacts, month: Month) -> str:
    """The 24-month string ending with ``month`` (oldest first; starts at the open month)."""
    spans = []
    for installment in account.installments:
        due_date = installment.due_date
        spans.append(
            (
                overdue_from_index(due_date),
                None if installment.paid_date is None else _index(installment.paid_date),
            )
        )
    return history_of(
        opened_index=_index(account.opened),
        month_index=month.index,
        due_indexes=[_index(installment.due_date) for installment in account.installments],
        overdue_spans=spans,
        closed_index=None if account.closed is None else _index(account.closed),
        written_off=account.written_off,
    )


def overdue_from_index(due_date: date) -> int:
    """The first month at whose end an installment due on ``due_date`` is overdue if unpaid:
    its due month, or the next when it falls due on the month's last day."""
    last = _last_day(due_date.year, due_date.month)
    return _index(due_date) + (1 if due_date == last else 0)


def history_of(
    *,
    opened_index: int,
    month_index: int,
    due_indexes: Iterable[int],
    overdue_spans: Iterable[tuple[int, int | None]],
    closed_index: int | None,
    written_off: bool,
) -> str:
    """The 24-month string from month indexes (``Month.index``) alone.

    ``due_indexes``: the months in which installments fall due; ``overdue_spans``: per
    installment, (the first month it is overdue at the end of if unpaid, the month it was
    fully paid in or None); spans that start at or after their end may be left out. The
    export reads these from SQL, so the string costs a few integer steps per account.
    """
    first = max(opened_index, month_index - HISTORY_MONTHS + 1)
    last = month_index
    if first > last:
        return ""
    size = last - first + 1
    overdue = [0] * (size + 1)  # a difference array: +1 where a term becomes overdue, -1 after
    due = [False] * size
    for due_index in due_indexes:
        if first <= due_index <= last:
            due[due_index - first] = True
    for starts, paid_index in overdue_spans:
        ends = last + 1 if paid_index is None else min(paid_index, last + 1)
        starts = max(starts, first)
        if starts < ends:
            overdue[starts - first] += 1
            overdue[ends - first] -= 1
    end_code = StatusCode.ENDED_ABNORMALLY if written_off else StatusCode.CLOSED
    codes: list[str] = []
    running = 0
    for offset in range(size):
        running += overdue[offset]
        if closed_index is not None and first + offset >= closed_index:
            codes.append(end_code)
        elif running:
            codes.append(str(min(running, MAX_OVERDUE_TERMS_CODE)))
        else:
            codes.append(StatusCode.PAID_AS_AGREED if due[offset] else StatusCode.NOTHING_DUE)
    return "".join(codes)


def month_figures(account: AccountFacts, month: Month) -> MonthFigures:
    """The record's figures for ``month``; unpaid amounts are the caller's, as of its end.

    The status is the string's last code (the same rules as ``month_status``, which the tests
    compare month by month).
    """
    end = month.last_day
    text = history(account, month)
    status = text[-1] if text else StatusCode.UNKNOWN
    closed = status in (StatusCode.CLOSED, StatusCode.ENDED_ABNORMALLY)
    overdue = [] if closed else [i for i in account.installments if overdue_at(i, end)]
    bands = (ZERO, ZERO, ZERO, ZERO)
    ages: list[tuple[int, Decimal]] = []
    if overdue:
        ages = [((end - i.due_date).days, i.unpaid_principal) for i in overdue]
        sums = [
            sum_amounts(owed for age, owed in ages if low <= age and (high is None or age <= high))
            for low, high in OVERDUE_BANDS
        ]
        bands = (sums[0], sums[1], sums[2], sums[3])
    return MonthFigures(
        status=status,
        history=text,
        overdue_terms=len(overdue),
        overdue_amount=sum_amounts(i.unpaid_amount for i in overdue) if overdue else ZERO,
        amount_due=sum_amounts(
            i.amount for i in account.installments if _index(i.due_date) == month.index
        ),
        overdue_principal_by_band=bands,
        last_due_date=max((i.due_date for i in account.installments), default=None),
        days_overdue=max((age for age, _ in ages), default=0),
    )


def record_problems(
    *, name: str, has_identity: bool, amounts: Sequence[Decimal]
) -> list[RejectReason]:
    """What makes a record unfit to send, before its identity is decrypted (the writer checks
    the number itself)."""
    problems = []
    if not name.strip():
        problems.append(RejectReason.NAME_MISSING)
    if not has_identity:
        problems.append(RejectReason.IDENTITY_MISSING)
    if any(amount < 0 for amount in amounts):
        problems.append(RejectReason.AMOUNT_NEGATIVE)
    return problems
