"""Loan products: validated against the platform's rate cap before they are saved (PRODUCT §2.2)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_record
from accounts.models import User
from loans.domain.allocation import rules_from_data
from loans.domain.errors import DomainError
from loans.domain.quote import make_quote
from loans.domain.schedule import RepaymentMethod
from loans.origination.models import LoanProduct

GRADES = ("A", "B", "C", "D", "E")
# Any date works: the APR depends on the cash flows, not on the calendar.
_REFERENCE_START = date(2026, 1, 15)


def product_rates(product: LoanProduct) -> dict[str, Decimal]:
    """Return the product's price: {grade: rate}, or {"*": rate} for a single rate."""
    if product.rates_by_grade:
        return {grade: Decimal(str(rate)) for grade, rate in product.rates_by_grade.items()}
    if product.annual_rate is None:
        return {}
    return {"*": product.annual_rate}


def product_rate_for_grade(product: LoanProduct, grade: str) -> Decimal:
    rates = product_rates(product)
    return rates.get(grade, rates.get("*", Decimal("0")))


def product_validate(product: LoanProduct) -> None:
    """Raise ValidationError unless the product can be offered within the caps.

    Checks the shape (methods, terms, grades, allocation rules) and that every rate and the APR
    of every method and term at the smallest and largest amount stays within the product's cap
    and the platform's (``LENDPORTAL_RATE_CAP``).
    """
    errors: dict[str, list[str]] = {}
    _check_shape(product, errors)
    if not errors:
        _check_caps(product, errors)
    if errors:
        raise ValidationError(errors)


def _check_shape(product: LoanProduct, errors: dict[str, list[str]]) -> None:
    if not product.methods or any(m not in RepaymentMethod.__members__ for m in product.methods):
        errors.setdefault("methods", []).append("Choose one or more known repayment methods.")
    if not product.terms or any(not 1 <= t <= 36 for t in product.terms):
        errors.setdefault("terms", []).append("Terms must be 1 to 36 months.")
    rates = product.rates_by_grade or {}
    if rates and set(rates) - set(GRADES):
        errors.setdefault("rates_by_grade", []).append("Grades are A to E.")
    if not rates and product.annual_rate is None:
        errors.setdefault("annual_rate", []).append("Give an annual rate or rates by grade.")
    try:
        rules_from_data(product.allocation_rules)
        for rate in rates.values():
            Decimal(str(rate))
    except (DomainError, ArithmeticError, ValueError) as error:
        errors.setdefault("allocation_rules", []).append(str(error))


def _check_caps(product: LoanProduct, errors: dict[str, list[str]]) -> None:
    platform_cap: Decimal = settings.LENDPORTAL_RATE_CAP
    if product.rate_cap > platform_cap:
        errors.setdefault("rate_cap", []).append(
            f"The product cap may not exceed the platform cap of {platform_cap:.2%}."
        )
        return
    for rate in product_rates(product).values():
        for method in product.methods:
            for term in product.terms:
                for principal in (product.min_amount, product.max_amount):
                    try:
                        make_quote(
                            principal=principal,
                            annual_rate=rate,
                            term=term,
                            method=RepaymentMethod(method),
                            start_date=_REFERENCE_START,
                            fee_rate=product.fee_rate,
                            rate_cap=product.rate_cap,
                        )
                    except DomainError as error:
                        errors.setdefault("annual_rate", []).append(
                            f"{method}, {term} months, ¥{principal}: {error}"
                        )
                        return


@transaction.atomic
def product_save(*, product: LoanProduct) -> LoanProduct:
    """Validate and save a product. Raises ValidationError and saves nothing when invalid."""
    product.full_clean(exclude=None)
    product_validate(product)
    product.save()
    return product


# The settings a product change may touch (a PRODUCT_CHANGE approval carries them as JSON).
CHANGEABLE_FIELDS = (
    "name",
    "name_zh",
    "is_active",
    "methods",
    "terms",
    "min_amount",
    "max_amount",
    "annual_rate",
    "rates_by_grade",
    "fee_rate",
    "rate_cap",
    "grace_days",
    "penalty_multiplier",
    "write_off_days",
    "freeze_days",
    "allocation_rules",
)


def product_changes_to_payload(changes: dict[str, Any]) -> dict[str, Any]:
    """Return ``changes`` as JSON values (Decimal as a string); refuse unknown fields."""
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These product settings cannot be changed: {sorted(unknown)}.")
    return {
        name: str(value) if isinstance(value, Decimal) else value for name, value in changes.items()
    }


def product_with_changes(product: LoanProduct, payload: dict[str, Any]) -> LoanProduct:
    """Return an unsaved copy of ``product`` with the payload's values applied."""
    candidate = copy.copy(product)
    for name, value in payload.items():
        field = LoanProduct._meta.get_field(name)
        setattr(candidate, name, field.to_python(value))  # type: ignore[union-attr]
    return candidate


@transaction.atomic
def product_create(*, product: LoanProduct, user: User) -> LoanProduct:
    """Validate, save and audit a new product. Raises ValidationError."""
    product = product_save(product=product)
    audit_record(
        actor=user, action="product.create", target=product, details={"code": product.code}
    )
    return product


@transaction.atomic
def product_change_apply(
    *, product: LoanProduct, payload: dict[str, Any], user: User
) -> LoanProduct:
    """Apply an approved product change (call only through an approval) and audit it.

    Validates again against the caps in force now. Raises ValidationError.
    """
    locked = LoanProduct.objects.select_for_update().get(pk=product.pk)
    before = {name: getattr(locked, name) for name in payload}
    changed = product_save(product=product_with_changes(locked, payload))
    audit_record(
        actor=user,
        action="product.change",
        target=changed,
        details={
            "fields": sorted(payload),
            "before": product_changes_to_payload(before),
            "after": dict(payload),
        },
    )
    return changed
