"""Template filters of the back office's pages (issue #23): ``{{ amount|yuan }}`` → ¥21,000.00,
``{{ rate|percent }}`` → 10.80%, ``{{ code|code_label }}`` → the translated label."""

from __future__ import annotations

from decimal import Decimal

from django import template

from loans.backoffice import readable

register = template.Library()


@register.filter
def yuan(amount: Decimal | None) -> str:
    return readable.money(amount)


@register.filter
def percent(rate: Decimal | None) -> str:
    return readable.percent(rate)


@register.filter
def code_label(code: str | None) -> str:
    return readable.code_label(code) if code else readable.EMPTY
