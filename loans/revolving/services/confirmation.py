"""The borrower's confirmation link of a checkout order (PRODUCT §10): signed, expiring.

The partner hands the link to the borrower; the portal reads the order back from it. The
signature stops a guessed or edited order id; the order's own expiry (and status) still decide
whether it may be captured.
"""

from __future__ import annotations

from django.core import signing

from loans.revolving.models import Order

_SALT = "lendportal.revolving.order-confirm"
_MAX_AGE_SECONDS = 24 * 3600  # far beyond any order's minutes: the order's expiry is the rule


def order_confirm_token(*, order: Order) -> str:
    """The token of ``order``'s confirmation link."""
    return signing.dumps({"order": order.pk}, salt=_SALT, compress=True)


def order_from_confirm_token(*, token: str) -> Order | None:
    """The order a token names, or None for a token that is forged, altered or too old."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    order_id = data.get("order") if isinstance(data, dict) else None
    if not isinstance(order_id, int):
        return None
    return (
        Order.objects.select_related("account__credit_line", "account__product", "partner")
        .filter(pk=order_id)
        .first()
    )
