"""Twenty orders confirmed at once that together exceed the limit capture only what fits
(issue #18). Real transactions, one connection per thread: the credit line's lock decides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loans.revolving.models import Order, OrderStatus
from loans.revolving.services.orders import OrderOverLimit, order_capture
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import NOW, shop_with_account
from tests.integration.servicing.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_parallel_captures_take_only_what_the_limit_allows() -> None:
    shop = shop_with_account(limit="10000.00")
    orders = [shop.order("700.00", number=n) for n in range(20)]  # 14,000 asked, 10,000 there

    outcomes = run_together(
        *[lambda pk=order.pk: order_capture(order_id=pk, now=NOW) for order in orders]
    )

    captured = [o.value for o in outcomes if o.error is None]
    refused = [o.error for o in outcomes if isinstance(o.error, OrderOverLimit)]
    assert len(captured) == 14, [repr(o.error) for o in outcomes]
    assert len(refused) == 6
    shop.line.refresh_from_db()
    shop.account.refresh_from_db()
    assert shop.line.used_amount == Decimal("9800.00")
    assert shop.account.principal_amount == Decimal("9800.00")
    assert Order.objects.filter(status=OrderStatus.CAPTURED).count() == 14
    assert_books_reconcile()
