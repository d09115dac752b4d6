"""The revolving product: its price and its days (PRODUCT §10; the defaults are §10's)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import rate_field

# Fee per installment of a bill or purchase installment plan, by number of installments (§10).
DEFAULT_INSTALLMENT_FEE_RATES = {"3": "0.0083", "6": "0.0075", "9": "0.0072", "12": "0.0073"}


def default_installment_fee_rates() -> dict[str, str]:
    return dict(DEFAULT_INSTALLMENT_FEE_RATES)


class RevolvingProduct(models.Model):
    """What a revolving account costs and when its bills fall due.

    The daily rate is checked against the cap as an APR (0.05% a day is 18.25% a year) by
    ``revolving_product_validate``; the database keeps each figure in its range.
    """

    code = models.SlugField(max_length=32, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    daily_rate = rate_field(default=Decimal("0.000500"), verbose_name=_("daily rate"))
    # due date = statement date + this
    due_days = models.PositiveSmallIntegerField(default=9, verbose_name=_("due days"))
    minimum_payment_rate = rate_field(
        default=Decimal("0.100000"), verbose_name=_("minimum payment rate")
    )
    grace_days = models.PositiveSmallIntegerField(default=3, verbose_name=_("grace days"))
    penalty_multiplier = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.5"), verbose_name=_("penalty multiplier")
    )
    rate_cap = rate_field(default=Decimal("0.240000"), verbose_name=_("rate cap"))
    installment_fee_rates = models.JSONField(
        default=default_installment_fee_rates, verbose_name=_("installment fee rates")
    )
    order_expiry_minutes = models.PositiveSmallIntegerField(
        default=15, verbose_name=_("order expiry minutes")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("revolving product")
        verbose_name_plural = _("revolving products")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(daily_rate__gte=0, daily_rate__lt=Decimal("0.001")),
                name="revolving_product_daily_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(due_days__gte=1, due_days__lte=27),
                name="revolving_product_due_days_range",
            ),
            models.CheckConstraint(
                condition=Q(minimum_payment_rate__gt=0, minimum_payment_rate__lte=1),
                name="revolving_product_minimum_rate_range",
            ),
            models.CheckConstraint(
                # PBOC: penalty interest at +30% to +50% of the contract rate (PRODUCT §2.4).
                condition=Q(penalty_multiplier__gte=Decimal("1.3"))
                & Q(penalty_multiplier__lte=Decimal("1.5")),
                name="revolving_product_penalty_multiplier_range",
            ),
            models.CheckConstraint(
                condition=Q(rate_cap__gt=0, rate_cap__lt=1), name="revolving_product_rate_cap_range"
            ),
            models.CheckConstraint(
                condition=Q(order_expiry_minutes__gte=1), name="revolving_product_expiry_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"
