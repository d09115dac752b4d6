from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loans.domain.allocation import DEFAULT_ALLOCATION_RULES, rules_to_data
from loans.domain.schedule import RepaymentMethod
from loans.fields import money_field, optional_rate_field, rate_field


def default_allocation_rules() -> list[dict[str, object]]:
    return rules_to_data(DEFAULT_ALLOCATION_RULES)


def default_rates_by_grade() -> dict[str, str]:
    return {}


class LoanProduct(models.Model):
    """What can be borrowed and at what price (PRODUCT §2, §6).

    The price is either one ``annual_rate`` or ``rates_by_grade`` (risk grade → rate). A product
    whose rates or APR exceed its own cap or the platform's cannot be saved: the services and the
    admin form run ``loans.origination.services.products.product_validate``.
    """

    code = models.SlugField(max_length=32, unique=True, verbose_name=_("code"))
    # The name in English and in Chinese (issue #22): borrowers read ``display_name``, the one of
    # the page's language. The admin requires both; an empty Chinese name falls back to ``name``.
    name = models.CharField(max_length=100, verbose_name=_("name"))
    name_zh = models.CharField(
        verbose_name=_("name in Chinese"), max_length=100, blank=True, default=""
    )
    methods = ArrayField(
        models.CharField(max_length=20, choices=[(m.value, m.value) for m in RepaymentMethod]),
        verbose_name=_("methods"),
    )
    terms = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("terms"))
    annual_rate = optional_rate_field(verbose_name=_("annual rate"))
    rates_by_grade = models.JSONField(
        default=default_rates_by_grade, blank=True, verbose_name=_("rates by grade")
    )
    fee_rate = rate_field(default=Decimal("0"), verbose_name=_("fee rate"))
    grace_days = models.PositiveSmallIntegerField(default=3, verbose_name=_("grace days"))
    penalty_multiplier = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.5"), verbose_name=_("penalty multiplier")
    )
    allocation_rules = models.JSONField(
        default=default_allocation_rules, verbose_name=_("allocation rules")
    )
    write_off_days = models.PositiveSmallIntegerField(default=180, verbose_name=_("write off days"))
    # Close of business freezes the borrower's line when a loan reaches these days past due.
    freeze_days = models.PositiveSmallIntegerField(default=30, verbose_name=_("freeze days"))
    min_amount = money_field(default=Decimal("100.00"), verbose_name=_("min amount"))
    max_amount = money_field(default=Decimal("30000.00"), verbose_name=_("max amount"))
    rate_cap = rate_field(default=Decimal("0.240000"), verbose_name=_("rate cap"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_loanproduct"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__gte=Decimal("100.00"))
                & Q(max_amount__lte=Decimal("30000.00"))
                & Q(min_amount__lte=models.F("max_amount")),
                name="product_amounts_within_platform_range",
            ),
            models.CheckConstraint(
                condition=Q(annual_rate__isnull=True) | Q(annual_rate__gte=0, annual_rate__lt=1),
                name="product_annual_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(fee_rate__gte=0, fee_rate__lt=1), name="product_fee_rate_range"
            ),
            models.CheckConstraint(
                # PBOC: penalty interest at +30% to +50% of the contract rate (PRODUCT §2.4).
                condition=Q(penalty_multiplier__gte=Decimal("1.3"))
                & Q(penalty_multiplier__lte=Decimal("1.5")),
                name="product_penalty_multiplier_range",
            ),
            models.CheckConstraint(
                condition=Q(rate_cap__gt=0, rate_cap__lt=1), name="product_rate_cap_range"
            ),
            models.CheckConstraint(
                condition=Q(freeze_days__gte=1), name="product_freeze_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the active language: ``name_zh`` in Chinese (when set), else ``name``."""
        chinese = (get_language() or "zh-hans").startswith("zh")
        return self.name_zh if chinese and self.name_zh else self.name
