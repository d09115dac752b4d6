"""Fields shared by the API's serializers (inputs bounded so that PostgreSQL can store them),
and a mixin that builds an output serializer's fields once per class."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from loans.api.selectors import BIGINT_MAX
from loans.domain.schedule import RepaymentMethod


def id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=BIGINT_MAX, **kwargs)


# An amount of money as partners write it: ASCII digits, an optional point and at most two
# decimals. Python's Decimal also reads "1_000", "1E2", " 5 ", full-width and Arabic-Indic
# digits (U+FF10-FF19, U+0660-0669); none of those is money on a contract or a bank slip.
MONEY_PATTERN = r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN, re.ASCII)


class MoneyField(serializers.DecimalField):
    """A JSON string of yuan such as "916.80" (``MONEY_PATTERN``); numbers are refused.

    A JSON number is a binary float to most clients (916.8, 1e2): amounts travel as strings.
    """

    default_error_messages = {
        "money_format": _(
            'Give the amount as a string of digits such as "916.80" '
            "(at most 2 decimals, no exponent, separator or space)."
        )
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(max_digits=12, decimal_places=2, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str) or _MONEY.fullmatch(data) is None:
            self.fail("money_format")
        return super().to_internal_value(data)


def money_input(**kwargs: Any) -> MoneyField:
    """An amount a partner sends; at least 0.01 unless ``min_value`` says otherwise."""
    return MoneyField(**kwargs)


def method_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=[m.value for m in RepaymentMethod], **kwargs)


def money_output(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


def rate_output(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True, **kwargs)


class SharedFieldsMixin:
    """Build an output serializer's fields once per class instead of once per instance.

    DRF builds a serializer's fields (for a ModelSerializer, by introspecting the model) each
    time one is created: about a millisecond for a loan, a fifth of a loan lookup. Only for
    read-only serializers used without context: the fields are bound to a template instance.
    """

    _shared_fields: ClassVar[Any] = None

    @property
    def fields(self) -> Any:
        cls = type(self)
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            shared = serializers.Serializer.fields.func(cls())  # type: ignore[attr-defined]
            cls._shared_fields = shared
        return shared
