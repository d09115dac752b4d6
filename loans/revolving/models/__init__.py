"""Revolving credit (PRODUCT §10): the product, the account on a credit line, checkout orders."""

from loans.revolving.models.accounts import (
    RevolvingAccount,
    RevolvingAccountStatus,
    RevolvingBucket,
)
from loans.revolving.models.credit import CreditRefund
from loans.revolving.models.orders import Order, OrderStatus
from loans.revolving.models.payments import RevolvingPayment, RevolvingPaymentChannel
from loans.revolving.models.plans import FeePayer, InstallmentPlan, PlanInstallment, PlanKind
from loans.revolving.models.products import RevolvingProduct
from loans.revolving.models.refunds import Refund
from loans.revolving.models.reminders import BillReminder, BillReminderKind
from loans.revolving.models.statements import Statement

__all__ = [
    "BillReminder",
    "BillReminderKind",
    "CreditRefund",
    "FeePayer",
    "InstallmentPlan",
    "Order",
    "OrderStatus",
    "PlanInstallment",
    "PlanKind",
    "Refund",
    "RevolvingAccount",
    "RevolvingAccountStatus",
    "RevolvingBucket",
    "RevolvingPayment",
    "RevolvingPaymentChannel",
    "RevolvingProduct",
    "Statement",
]
