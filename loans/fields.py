"""Field shorthands so every amount and rate column has the same precision."""

from decimal import Decimal
from typing import Any

from django.db import models

ZERO = Decimal("0.00")


def money_field(**kwargs: Any) -> models.DecimalField[Decimal, Decimal]:
    """A CNY amount: 14 digits, 2 decimals (fen)."""
    kwargs.setdefault("max_digits", 14)
    return models.DecimalField(decimal_places=2, **kwargs)


def balance_field(**kwargs: Any) -> models.DecimalField[Decimal, Decimal]:
    """A CNY balance maintained by the ledger service; starts at 0.00."""
    return money_field(default=ZERO, **kwargs)


def rate_field(**kwargs: Any) -> models.DecimalField[Decimal, Decimal]:
    """A rate as a decimal fraction with 6 places (0.180000 is 18%)."""
    return models.DecimalField(max_digits=8, decimal_places=6, **kwargs)


def optional_rate_field(**kwargs: Any) -> models.DecimalField[Decimal | None, Decimal | None]:
    """A rate that may be absent (NULL)."""
    return models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True, **kwargs)
