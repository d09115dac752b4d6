"""Revolving credit in the back office (issue #18, PRODUCT §10): the products (editable), the
accounts with their bills, orders and payments (read-only), and the orders, bills and
payments lists. Money moves only through the services (checkout, payments, close of business)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.backoffice.readable import ReadableModelAdmin, money
from loans.revolving.models import (
    Order,
    RevolvingAccount,
    RevolvingPayment,
    RevolvingProduct,
    Statement,
)


@admin.register(RevolvingProduct)
class RevolvingProductAdmin(ReadableModelAdmin[RevolvingProduct]):
    list_display = ["code", "name", "daily_rate", "due_days", "minimum_payment_rate", "is_active"]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatementInline(_ReadOnlyInline):
    model = Statement
    fields = ["statement_date", "pay_by_date", "balance", "minimum", "unpaid", "minimum_unpaid"]
    fields += ["pdf"]
    readonly_fields = [
        "statement_date",
        "pay_by_date",
        "balance",
        "minimum",
        "unpaid",
        "minimum_unpaid",
        "pdf",
    ]
    ordering = ["-statement_date"]

    @admin.display(description=_("balance"))
    def balance(self, bill: Statement) -> str:
        return money(bill.balance_amount)

    @admin.display(description=_("minimum payment"))
    def minimum(self, bill: Statement) -> str:
        return money(bill.minimum_payment_amount)

    @admin.display(description=_("still owed"))
    def unpaid(self, bill: Statement) -> str:
        return money(bill.unpaid_amount)

    @admin.display(description=_("minimum still owed"))
    def minimum_unpaid(self, bill: Statement) -> str:
        return money(bill.minimum_unpaid_amount)

    @admin.display(description="PDF")
    def pdf(self, bill: Statement) -> str:
        return format_html('<a href="{}">PDF</a>', reverse("backoffice:bill_pdf", args=[bill.pk]))


class OrderInline(_ReadOnlyInline):
    model = Order
    fields = ["captured_date", "partner", "description", "amount_shown", "status", "statement"]
    readonly_fields = [
        "captured_date",
        "partner",
        "description",
        "amount_shown",
        "status",
        "statement",
    ]
    ordering = ["-id"]

    @admin.display(description=_("amount"))
    def amount_shown(self, order: Order) -> str:
        return money(order.amount)


class PaymentInline(_ReadOnlyInline):
    model = RevolvingPayment
    fields = ["value_date", "channel", "reference", "amount_shown"]
    readonly_fields = ["value_date", "channel", "reference", "amount_shown"]

    @admin.display(description=_("amount"))
    def amount_shown(self, payment: RevolvingPayment) -> str:
        return money(payment.amount)


@admin.register(RevolvingAccount)
class RevolvingAccountAdmin(ReadOnlyModelAdmin[RevolvingAccount]):
    list_display = ["id", "borrower", "statement_day", "principal_amount", "last_statement_date"]
    list_select_related = ["credit_line__borrower"]
    search_fields = ["=id", "=credit_line__borrower__id"]
    inlines = [StatementInline, OrderInline, PaymentInline]

    @admin.display(description=_("borrower"))
    def borrower(self, account: RevolvingAccount) -> str:
        return str(account.credit_line.borrower)


@admin.register(Order)
class OrderAdmin(ReadOnlyModelAdmin[Order]):
    list_display = ["id", "partner", "merchant_order_id", "amount", "status", "captured_date"]
    list_filter = ["status"]
    search_fields = ["=id", "=merchant_order_id"]
    list_select_related = ["partner"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyModelAdmin[Statement]):
    list_display = [
        "account",
        "statement_date",
        "pay_by_date",
        "revolving_principal_amount",
        "minimum_payment_amount",
        "minimum_unpaid_amount",
    ]
    date_hierarchy = "statement_date"
    search_fields = ["=account__id"]


@admin.register(RevolvingPayment)
class RevolvingPaymentAdmin(ReadOnlyModelAdmin[RevolvingPayment]):
    list_display = ["id", "account", "value_date", "channel", "reference", "amount"]
    search_fields = ["=account__id", "=reference"]
