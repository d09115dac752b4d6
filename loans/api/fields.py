"""Input fields shared by the API's serializers, bounded so that PostgreSQL can store them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from loans.domain.schedule import RepaymentMethod

BIGINT_MAX = 2**63 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=BIGINT_MAX, **kwargs)


def money_input(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), **kwargs
    )


def method_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=[m.value for m in RepaymentMethod], **kwargs)


def money_output(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


def rate_output(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True, **kwargs)
