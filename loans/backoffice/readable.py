"""What the back office shows for amounts, rates and codes (issue #23): ``¥21,000.00``,
``10.80%`` and translated labels, never ``21000.00``, ``0.108000`` or ``EQUAL_INSTALLMENT``.

``ReadableModelAdmin`` applies them to an admin list: a money column (a decimal field named
``…amount``) shows ``amount_format``, a rate column (``…_rate``, ``rate_cap``) a percentage, and
the repayment method, the bucket and the loan status their labels. The formatting happens on the
rows of the page only; the queries are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import admin
from django.contrib.admin.filters import ChoicesFieldListFilter
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loans.servicing.services.reminders import amount_format

EMPTY = "-"

CODE_LABELS: dict[str, Promise] = {
    # loan statuses
    "PENDING_DISBURSEMENT": _("Pending disbursement"),
    "ACTIVE": _("Active"),
    "PAID_OFF": _("Paid off"),
    "WRITTEN_OFF": _("Written off"),
    "CANCELLED": _("Cancelled"),
    # repayment methods
    "EQUAL_INSTALLMENT": _("Equal installments"),
    "EQUAL_PRINCIPAL": _("Equal principal"),
    "INTEREST_ONLY": _("Interest only"),
    "BULLET": _("One payment at the end"),
    "INSTALLMENT_FEE": _("Installments with a fee"),
    # delinquency buckets (PRODUCT §2.4)
    "CURRENT": _("Current"),
    "M1": _("M1 (1-30 days)"),
    "M2": _("M2 (31-60 days)"),
    "M3": _("M3 (61-90 days)"),
    "M4_PLUS": _("M4+ (over 90 days)"),
    # decision and referral reasons, as an officer reads them
    "AGE_OUT_OF_RANGE": _("Age outside 18-60"),
    "INCOME_TOO_LOW": _("Income below ¥2,000 a month"),
    "DEBT_TO_INCOME_TOO_HIGH": _("Debt repayments over half the income"),
    "SEVERE_DELINQUENCY": _("A loan more than 30 days overdue"),
    "PRIOR_WRITE_OFF": _("A loan written off before"),
    "SCORE_TOO_LOW": _("Score too low"),
    "LIMIT_TOO_LOW": _("Line would be below ¥500"),
    "IDENTITY_CONFLICT": _("Identity conflict"),
    "BORDERLINE_SCORE": _("Borderline score"),
    "ID_NAME_MISMATCH": _("Name does not match the identity number"),
    "MOBILE_SHARED": _("Mobile number used by another borrower"),
    "BANK_CARD_SHARED": _("Bank card used by another borrower"),
    "OFFICER_DECLINED": _("Declined by an officer"),
    "IDENTITY_NOT_VERIFIED": _("Identity not verified"),
    "INCOME_NOT_VERIFIED": _("Income not verified"),
    "DEBT_TOO_HIGH": _("Debts too high"),
    "SUSPECTED_FRAUD": _("Suspected fraud"),
}

LABELLED_FIELDS = {"status", "method", "bucket"}
RATE_FIELDS = {"rate_cap"}


def code_label(code: str) -> str:
    """The translated label of a state or reason code; the code itself if it has none."""
    return str(CODE_LABELS.get(code, code))


def codes_label(codes: Iterable[str] | None) -> str:
    """Reason codes as labels joined by "; " (never the JSON list)."""
    return "; ".join(code_label(code) for code in codes or []) or EMPTY


def money(amount: Decimal | None) -> str:
    """``¥21,000.00``; a negative amount ``-¥12.34``."""
    if amount is None:
        return EMPTY
    return "-" + amount_format(-amount) if amount < 0 else amount_format(amount)


def percent(rate: Decimal | None) -> str:
    """A rate stored as a fraction (0.108000) as a percentage to 2 places (10.80%)."""
    if rate is None:
        return EMPTY
    return f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _column(name: str, label: Any, show: Callable[[Any], str]) -> Callable[[Any], str]:
    @admin.display(description=label, ordering=name)
    def column(obj: Any) -> str:
        return show(getattr(obj, name))

    column.__name__ = name
    return column


def readable_column(model: type[models.Model], name: Any) -> Any:
    """The column that shows field ``name`` of ``model`` readably, or ``name`` unchanged."""
    if not isinstance(name, str):
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    label = getattr(field, "verbose_name", name)
    if isinstance(field, models.DecimalField) and name.endswith("amount"):
        return _column(name, label, money)
    if isinstance(field, models.DecimalField) and (name.endswith("_rate") or name in RATE_FIELDS):
        return _column(name, label, percent)
    if name in LABELLED_FIELDS and getattr(field, "choices", None):
        return _column(name, label, code_label)
    if isinstance(field, ArrayField) and getattr(field.base_field, "choices", None):
        return _column(name, label, codes_label)  # a product's methods: 等额本息, 等额本金
    return name


class LabelledChoicesFilter(ChoicesFieldListFilter):
    """A choices filter whose options read as labels, not codes (``M4_PLUS`` → "M4+ …")."""

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            code, bracket, count = str(choice["display"]).partition(" (")
            yield {**choice, "display": code_label(code) + bracket + count}


class ReadableModelAdmin[M: models.Model](admin.ModelAdmin[M]):
    """Admin lists with formatted money, rates as percentages and labels for codes."""

    def get_list_display(self, request: HttpRequest) -> Any:
        names = super().get_list_display(request)
        return [readable_column(self.model, name) for name in names]

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        return [
            (name, LabelledChoicesFilter) if name in LABELLED_FIELDS else name for name in filters
        ]
