"""Template filters of the borrower portal: money as ¥1,234.50, dates as 2027年1月1日, rates.

Loaded as a builtin (settings TEMPLATES ``builtins``), so every template can use them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loans.servicing.services.reminders import amount_format, date_format

register = template.Library()


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


@register.filter
def yuan(value: Decimal | int | str | None) -> str:
    """Format yuan as ``¥1,234.50`` (half up to the fen); empty for None."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        return "-" + amount_format(-amount)
    return amount_format(amount)


@register.filter
def day(value: date | datetime | None) -> str:
    """Format a date as ``2027年1月1日`` in Chinese, ``1 January 2027`` in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date_format(value, language=_language())


@register.filter
def moment(value: datetime | None) -> str:
    """Format a moment in Beijing time: the date as ``day`` does, then ``HH:MM``."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local.date(), language=_language())} {local:%H:%M}"


@register.filter
def per_installment(schedule: Any) -> dict[str, Any]:
    """What a schedule costs a month, as apps in the field lead with it: ``amount`` times ``count``.

    ``amount`` is the first installment; ``last`` the last one when rounding makes it differ;
    ``falling`` when the installments fall month by month (equal principal), so the first is
    the largest.
    """
    totals = [installment.total for installment in schedule.installments]
    head = totals[:-1] or totals
    level = len(set(head)) == 1
    return {
        "amount": totals[0],
        "count": len(totals),
        "last": totals[-1] if level and totals[-1] != totals[0] else None,
        "falling": not level,
    }


@register.filter
def clock(value: datetime | None) -> str:
    """The time of a moment in Beijing, ``HH:MM``: beside a business date, only the time."""
    if value is None:
        return ""
    return f"{timezone.localtime(value):%H:%M}"


@register.filter
def percent(value: Decimal | str | None, places: int = 2) -> str:
    """Format a fraction as a percentage: ``0.172300`` → ``17.23%`` (half up)."""
    if value is None or value == "":
        return ""
    exponent = Decimal(1).scaleb(-int(places))
    shown = (Decimal(value) * 100).quantize(exponent, rounding=ROUND_HALF_UP)
    return f"{shown}%"


@register.filter
def accessible(field: BoundField) -> str:
    """Render a field's widget linked to its help text and errors (aria-describedby)."""
    attrs: dict[str, str | bool] = {}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


# What the borrower reads for codes stored in English (decision reasons, statuses, components).
LABELS = {
    "AGE_OUT_OF_RANGE": _("Your age is outside 18 to 60."),
    "INCOME_TOO_LOW": _("Your monthly income is below ¥2,000."),
    "DEBT_TO_INCOME_TOO_HIGH": _("Your monthly debt repayments are more than half your income."),
    "SEVERE_DELINQUENCY": _("A loan on our platform is more than 30 days overdue."),
    "PRIOR_WRITE_OFF": _("A loan on our platform was written off."),
    "SCORE_TOO_LOW": _("Your credit score is too low for a credit line now."),
    "LIMIT_TOO_LOW": _("The credit line we could offer would be below ¥500."),
    "IDENTITY_CONFLICT": _("Your details need a check by an officer."),
    "BORDERLINE_SCORE": _("Your score is close to our limit; an officer reviews it."),
    "OFFICER_DECLINED": _("An officer declined the application."),
    "IDENTITY_NOT_VERIFIED": _("We could not verify your identity."),
    "INCOME_NOT_VERIFIED": _("We could not verify your income."),
    "DEBT_TOO_HIGH": _("Your debts are too high for a credit line now."),
    "SUSPECTED_FRAUD": _("We cannot offer you a credit line."),
    "ID_NAME_MISMATCH": _("Your details need a check by an officer."),
    "MOBILE_SHARED": _("Your details need a check by an officer."),
    "BANK_CARD_SHARED": _("Your details need a check by an officer."),
    "ACTIVE": _("Active"),
    "PENDING_DISBURSEMENT": _("Waiting for disbursement"),
    "PAID_OFF": _("Paid off"),
    "WRITTEN_OFF": _("Written off"),
    "CANCELLED": _("Cancelled"),
    "APPROVED": _("Approved"),
    "REFERRED": _("Under review"),
    "DECLINED": _("Declined"),
    "POSTED": _("Received"),
    "REVERSED": _("Reversed"),
    "PRINCIPAL": _("Principal"),
    "INTEREST": _("Interest"),
    "FEE": _("Fees"),
    "PENALTY": _("Penalty interest"),
    "PREPAID_PRINCIPAL": _("Principal prepaid"),
    "EQUAL_INSTALLMENT": _("Equal installments"),
    "EQUAL_PRINCIPAL": _("Equal principal"),
    "INTEREST_ONLY": _("Interest only"),
    "BULLET": _("One payment at the end"),
    "INSTALLMENT_FEE": _("Installments with a fee"),
    "SHORTEN_TERM": _("Shorter term"),
    "LOWER_INSTALLMENT": _("Lower installment"),
    "DUE_SOON": _("Due in 3 days"),
    "DUE_TODAY": _("Due today"),
    "OVERDUE_1": _("1 day overdue"),
    "OVERDUE_7": _("7 days overdue"),
    "OVERDUE_30": _("30 days overdue"),
    "PAYOUT_FAILED": _("Loan cancelled: the bank refused the transfer"),
    "AUTO_DEBIT_STOPPED": _("Auto-debit stopped: your bank card could not be charged"),
    "EMAIL": _("Email"),
    "SMS": _("SMS"),
    "PORTAL": _("Portal"),
    "PARTNER": _("Partner"),
    "BACK_OFFICE": _("Back office"),
}


# What became of an auto-debit attempt, as the borrower reads it (PRODUCT §11).
ATTEMPT_TEXTS = {
    "PLANNED": _("Will be charged"),
    "SENDING": _("Waiting for the bank's answer"),
    "PENDING": _("Waiting for the bank's answer"),
    "SUCCEEDED": _("Charged"),
    "CANCELLED": _("Not charged: nothing was due any more, or auto-debit was off"),
    "INSUFFICIENT_FUNDS": _("Not charged: not enough money on the card; we will try again"),
    "NOT_FOUND": _("Not charged: the request did not reach the bank; we will try again"),
    "LIMIT_EXCEEDED": _("Over the bank's single-payment limit: charged in parts"),
    "CARD_INVALID": _("Not charged: the bank refused the card; auto-debit is now off"),
    "CARD_FROZEN": _("Not charged: the bank refused the card; auto-debit is now off"),
    "AGREEMENT_REVOKED": _("Not charged: the bank refused the card; auto-debit is now off"),
}


@register.filter
def attempt_text(attempt: Any) -> str:
    """What became of an auto-debit attempt (``CollectionAttempt``), in the borrower's words."""
    code = attempt.outcome if attempt.status == "FAILED" else attempt.status
    return str(ATTEMPT_TEXTS.get(str(code), code))


@register.filter
def label(code: str) -> str:
    """Translate a stored code (reason, status, component, method) for the borrower."""
    return str(LABELS.get(str(code), code))
