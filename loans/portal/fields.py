"""Form fields of the borrower portal."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Thousands grouped by commas, as people write and banking apps show amounts: "12,000.50".
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_YUAN_MARKS = ("¥", "CNY", "RMB")
# What is left must be a plain decimal: no exponent ("12e3"), no "NaN", no second point.
_PLAIN = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")


def amount_normalised(value: str) -> str:
    """Return an amount as typed ("¥1,000", "1,000元", full-width digits) in plain digits.

    Full-width characters are folded (NFKC turns "￥" into "¥"), one leading yuan sign or currency
    code and a trailing "元" are dropped, and commas are removed only where they group thousands,
    so "1,00" or "1.000,00" stay as typed and are refused as not a number.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    for mark in _YUAN_MARKS:
        if text.upper().startswith(mark):
            text = text[len(mark) :].lstrip()
            break
    text = text.removesuffix("元").rstrip()
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    return text


class AmountField(forms.DecimalField):
    """An amount in yuan, read as people type it (see ``amount_normalised``); at most 2 places."""

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, such as 1,000 or 1,000.50."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str) and value.strip():
            value = amount_normalised(value)
            if not _PLAIN.fullmatch(value):  # "¥" alone included
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
