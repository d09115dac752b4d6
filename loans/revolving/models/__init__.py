"""Revolving credit (PRODUCT §10): the product, the account on a credit line, checkout orders."""

from loans.revolving.models.accounts import (
    RevolvingAccount,
    RevolvingAccountStatus,
    RevolvingBucket,
)
from loans.revolving.models.orders import Order, OrderStatus
from loans.revolving.models.payments import RevolvingPayment, RevolvingPaymentChannel
from loans.revolving.models.products import RevolvingProduct
from loans.revolving.models.refunds import Refund
from loans.revolving.models.statements import Statement

__all__ = [
    "Order",
    "OrderStatus",
    "Refund",
    "RevolvingAccount",
    "RevolvingAccountStatus",
    "RevolvingBucket",
    "RevolvingPayment",
    "RevolvingPaymentChannel",
    "RevolvingProduct",
    "Statement",
]
