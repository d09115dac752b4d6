"""What the back office shows for amounts, rates and codes (issue #23): ``¥21,000.00``,
``10.80%`` and translated labels, never ``21000.00``, ``0.108000`` or ``EQUAL_INSTALLMENT``.

``ReadableModelAdmin`` applies them to an admin list: a money column (a decimal field named
``…amount``) shows ``amount_format``, a rate column (``…_rate``, ``rate_cap``) a percentage, and
the repayment method, the bucket and the loan status their labels. The formatting happens on the
rows of the page only; the queries are unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.filters import ChoicesFieldListFilter
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext
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
    # allocation rules: which installments, then which parts first
    "OVERDUE": _("Overdue installments"),
    "DUE_TODAY": _("Installments due today"),
    "FUTURE": _("Installments not yet due"),
    "PENALTY": _("penalty"),
    "FEE": _("fee"),
    "INTEREST": _("interest"),
    "PRINCIPAL": _("principal"),
    # scorecard factors (a decision's points)
    "INCOME": _("Income"),
    "EMPLOYMENT": _("Employment"),
    "DEBT_TO_INCOME": _("Debt to income"),
    "LOANS_PAID_OFF": _("Loans paid off"),
    "REPAYMENT_RECORD": _("Repayment record"),
    # a revolving payment's allocation: the parts it paid and the steps of PRODUCT §10
    "FEES": _("fees"),
    "INSTALLMENT_PRINCIPAL": _("installment principal"),
    "REVOLVING_PRINCIPAL": _("revolving principal"),
    "MINIMUM": _("minimum payment"),
    "INSTALLMENTS": _("billed installments"),
    "UNBILLED_PURCHASES": _("Unbilled purchases"),
    # what a partial prepayment keeps
    "SHORTEN_TERM": _("Shorten the term"),
    "LOWER_INSTALLMENT": _("Lower the installment"),
}

# Keys of the JSON the change pages show (a decision's inputs); other keys read "snake case".
KEY_LABELS: dict[str, Promise] = {
    "age": _("age"),
    "monthly_income": _("monthly income"),
    "monthly_debt_payments": _("monthly debt payments"),
    "employment_months": _("months employed"),
    "loans_paid_off": _("loans paid off"),
    "worst_days_past_due": _("most days past due"),
    "has_write_off": _("written off before"),
    "identity_conflicts": _("identity conflicts"),
    # a night's figures (close of business: CobRun.summary, CobChunk.stats)
    "ms": _("milliseconds per step"),
    "loans": _("loans"),
    "fees": _("fees"),
    "accrual": _("interest accrued"),
    "penalty": _("penalty interest"),
    "advances": _("advances applied"),
    "outbox": _("events written"),
    "reminders": _("reminders queued"),
    "installments": _("installments updated"),
    "delinquency": _("days past due and buckets"),
    "checks": _("deferred checks (foreign keys, journal guards)"),
    "close_paid": _("loans paid off"),
    "lines_frozen": _("credit lines frozen"),
    "loan_balances": _("loan balances updated"),
    "newly_overdue": _("newly overdue"),
    "bucket_changes": _("bucket changes"),
    "write_off_candidates": _("write-off candidates"),
    "revolving_bills": _("bills cut"),
    "revolving_credits_used": _("credit balances used"),
    "revolving_accounts_charged": _("revolving accounts charged"),
    "revolving_interest_checks": _("bills checked for interest"),
    "revolving_interest": _("revolving interest"),
    "revolving_penalty": _("revolving penalty interest"),
    "revolving_newly_overdue": _("revolving accounts newly overdue"),
    "revolving_past_due": _("revolving accounts past due"),
    "revolving_bill_reminders": _("bill reminders queued"),
    "worker": _("worker"),
    "started_at": _("started at"),
    "first": _("first loan"),
    "last": _("last loan"),
    "running_elsewhere": _("running elsewhere"),
    # an audit event's details
    "kind": _("kind"),
    "added": _("added"),
    "removed": _("removed"),
    "loan": _("loan"),
    "product": _("product"),
}

LABELLED_FIELDS = {"status", "method", "bucket"}
RATE_FIELDS = {"rate_cap", "apr"}
MULTIPLIER_FIELDS = {"penalty_multiplier"}
CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
MONEY_TEXT = re.compile(r"-?\d+\.\d{2}")


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


def multiplier(value: Decimal | None) -> str:
    """The penalty rate as a share of the annual rate: 1.50 → "150.00% of the annual rate"."""
    if value is None:
        return EMPTY
    return gettext("%(percent)s of the annual rate") % {"percent": percent(value)}


def json_readable(value: Any) -> str:
    """JSON as people read it: codes as labels, money as ¥, lists joined by "; ", no brackets.

    Allocation rules read "Overdue installments: penalty, fee, interest, principal"; a
    decision's points "Income 25"; a repayment's allocation "#1 interest ¥90.00".
    """
    if value is None or value in ([], {}, ""):
        return EMPTY
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return "; ".join(_item(item) for item in value)
    if isinstance(value, dict):
        return _mapping(value)
    return str(value)


def _text(value: str) -> str:
    if CODE.fullmatch(value):
        return code_label(value)
    if MONEY_TEXT.fullmatch(value):
        return money(Decimal(value))
    return value


def _item(item: Any) -> str:
    if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
        return f"{_text(item[0])} {json_readable(item[1])}"  # a factor and its points
    return json_readable(item)


def _mapping(value: dict[str, Any]) -> str:
    if set(value) == {"scope", "components"}:  # an allocation rule
        return f"{code_label(value['scope'])}: " + ", ".join(
            code_label(component) for component in value["components"]
        )
    if {"amount", "number", "component"} <= set(value):  # a part of a repayment
        return f"#{value['number']} {code_label(value['component'])} {_text(value['amount'])}"
    if {"part", "step", "amount"} <= set(value):  # a line of a revolving payment's allocation
        return _revolving_part(value)
    if "parts" in value:  # a repayment's allocation; "changes" repeats it field by field
        return json_readable(value["parts"])
    return ", ".join(f"{key_label(key)}: {json_readable(item)}" for key, item in value.items())


def _revolving_part(value: dict[str, Any]) -> str:
    """ "Bill of 17 Oct: fees ¥27.00 (minimum payment)"; an unbilled purchase by its number."""
    if value.get("statement_date"):
        where = gettext("Bill of %(date)s") % {"date": value["statement_date"]}
    elif value.get("purchase_id"):
        where = gettext("Purchase %(order)s") % {"order": value["purchase_id"]}
    else:
        where = gettext("Not billed")
    part = code_label(value["part"])
    return f"{where}: {part} {_text(value['amount'])} ({code_label(value['step'])})"


def key_label(key: str) -> str:
    return str(KEY_LABELS[key]) if key in KEY_LABELS else key.replace("_", " ")


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
        return _column(name, label, _choice(cast(models.Field[Any, Any], field)))
    if isinstance(field, ArrayField) and getattr(field.base_field, "choices", None):
        return _column(name, label, codes_label)  # a product's methods: 等额本息, 等额本金
    return name


def _choice(field: models.Field[Any, Any]) -> Callable[[Any], str]:
    labels = dict(field.flatchoices)

    def show(code: Any) -> str:
        if code in CODE_LABELS:
            return code_label(code)
        return gettext(str(labels[code])) if code in labels else str(code or EMPTY)

    return show


@cache
def readable_field(model: type[models.Model], name: Any) -> Any:
    """A read-only field of a change page shown readably (a callable of the same name and
    label), or ``name`` unchanged: money ¥, rates %, codes and choices as labels, JSON in words.

    Cached, so the fieldsets and the read-only fields name the same callable."""
    column = readable_column(model, name)
    if column is not name or not isinstance(name, str):
        return column
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    label = getattr(field, "verbose_name", name)
    if isinstance(field, models.DecimalField) and name in MULTIPLIER_FIELDS:
        return _column(name, label, multiplier)
    if isinstance(field, models.JSONField):
        return _column(name, label, json_readable)
    if isinstance(field, models.CharField) and field.choices:
        return _column(name, label, _choice(cast(models.Field[Any, Any], field)))
    if isinstance(field, models.CharField) and name in {"method", "prepayment_mode"}:
        return _column(name, label, code_label)
    return name


class LabelledChoicesFilter(ChoicesFieldListFilter):
    """A choices filter whose options read as labels, not codes (``M4_PLUS`` → "M4+ …")."""

    def choices(self, changelist: Any) -> Any:
        # Django yields "All", then one option per choice in order (its label, and the count
        # when counts are shown): each option reads as its code's label in the page's language.
        options = iter(super().choices(changelist))
        yield next(options)
        for (value, title), choice in zip(self.field.flatchoices, options, strict=False):
            count = str(choice["display"])[len(str(title)) :]
            yield {**choice, "display": self.label(str(value)) + count}
        yield from options

    def label(self, code: str) -> str:
        return code_label(code)


class ReadableModelAdmin[M: models.Model](admin.ModelAdmin[M]):
    """Admin lists with formatted money, rates as percentages and labels for codes."""

    def get_list_display(self, request: HttpRequest) -> Any:
        names = super().get_list_display(request)
        return [readable_column(self.model, name) for name in names]

    def get_fieldsets(self, request: HttpRequest, obj: M | None = None) -> Any:
        """A change page's read-only fields readable (issue #23): ``readable_field``."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            readonly = None  # a page only to view: every field is read-only
        else:
            readonly = set(super().get_readonly_fields(request, obj))
        return [
            (title, {**options, "fields": self._readable(options["fields"], readonly)})
            for title, options in fieldsets
        ]

    def get_form(
        self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        # The form takes the model's fields only, never the callables shown in their place.
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        fields = kwargs["fields"]
        if fields is not None:
            kwargs["fields"] = [name for name in fields if isinstance(name, str)]
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: M | None = None) -> Any:
        return [
            readable_field(self.model, name) for name in super().get_readonly_fields(request, obj)
        ]

    def _readable(self, fields: Any, readonly: set[Any] | None) -> list[Any]:
        shown = []
        for name in fields:
            if isinstance(name, (list, tuple)):  # a row of fields side by side
                shown.append(tuple(self._readable(name, readonly)))
            elif readonly is None or name in readonly:
                shown.append(readable_field(self.model, name))
            else:
                shown.append(name)
        return shown

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        return [
            (name, LabelledChoicesFilter) if name in LABELLED_FIELDS else name for name in filters
        ]
