"""Fields shared by the API's serializers (inputs bounded so that PostgreSQL can store them),
and a mixin that builds an output serializer's fields once per class."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rest_framework import serializers

from loans.api.selectors import BIGINT_MAX
from loans.domain.schedule import RepaymentMethod


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
