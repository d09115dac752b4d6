"""Revolving credit in the back office (issue #18, PRODUCT §10): the products (editable), the
officers' account page, and the accounts, purchases, bills and payments lists, read-only.

The account page (``/admin/revolving/revolvingaccount/<id>/change/``, the list's rows open it)
shows a summary header, then bills, purchases, installment plans, payments and refunds, credit
balance refunds and the account's ledger lines; its reads are
``loans.backoffice.revolving_account``'s, its template ``admin/backoffice/revolving/account.html``.
Money moves only through the services (checkout, payments, close of business)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from loans.backoffice.admin.identity import MobileSearchMixin
from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.backoffice.readable import LabelledChoicesFilter, ReadableModelAdmin, money
from loans.backoffice.revolving_account import revolving_account_page_get, revolving_label
from loans.calendar.selectors import business_date_current
from loans.revolving.models import (
    Order,
    RevolvingAccount,
    RevolvingPayment,
    RevolvingProduct,
    Statement,
)
from loans.revolving.services.accounts import RevolvingAccountNotClosed, revolving_account_close

VIEW_JOURNAL = "ledger.view_journalentry"


@admin.register(RevolvingProduct)
class RevolvingProductAdmin(ReadableModelAdmin[RevolvingProduct]):
    list_display = ["code", "name", "daily_rate", "due_days", "minimum_payment_rate", "is_active"]


class TranslatedChoicesFilter(LabelledChoicesFilter):
    """A choices filter whose options read as the revolving lists' columns do
    (``REVOLVING_LABELS``: an account "In use", not a loan's "Active")."""

    def label(self, code: str) -> str:
        return revolving_label(code)


# --- columns shared by the lists ---------------------------------------------------------------


def account_link(account_id: int) -> SafeString:
    """``Revolving account 5``, opening the account page."""
    url = reverse("admin:revolving_revolvingaccount_change", args=[account_id])
    return format_html(
        '<a href="{}">{}</a>', url, gettext("Revolving account %(id)s") % {"id": account_id}
    )


@admin.display(description=_("revolving account"), ordering="account_id")
def account_column(obj: Order | Statement | RevolvingPayment) -> SafeString:
    return account_link(obj.account_id)


def _borrower(account: RevolvingAccount) -> str:
    borrower = account.credit_line.borrower
    return f"{borrower.full_name} ({borrower.mobile_masked})"  # masked as on the loan page


@admin.display(description=_("borrower"))
def borrower_column(obj: Order | Statement | RevolvingPayment) -> str:
    return _borrower(obj.account)


BY_ACCOUNT = ["account__credit_line__borrower"]  # what the two columns above read


# --- the accounts: the list and the officers' page ---------------------------------------------


@admin.register(RevolvingAccount)
class RevolvingAccountAdmin(
    MobileSearchMixin[RevolvingAccount], ReadOnlyModelAdmin[RevolvingAccount]
):
    list_display = [
        "id",
        "borrower",
        "status_shown",
        "limit",
        "principal",
        "days_past_due",
        "bucket",
        "last_bill",
    ]
    list_select_related = ["credit_line__borrower"]
    # The statement day and the credit balance are on the account's page: the list fits 1280 px.
    list_filter = [("bucket", TranslatedChoicesFilter), ("status", TranslatedChoicesFilter)]
    # + a full mobile (MobileSearchMixin)
    search_fields = ["=id", "=credit_line__borrower__id", "credit_line__borrower__full_name"]
    mobile_digest_field = "credit_line__borrower__mobile_digest"
    actions = ["close_accounts"]

    @admin.display(description=_("borrower"))
    def borrower(self, account: RevolvingAccount) -> str:
        return _borrower(account)

    def has_close_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("revolving.change_revolvingaccount")

    @admin.action(description=_("Close at the borrower's request"), permissions=["close"])
    def close_accounts(self, request: HttpRequest, queryset: QuerySet[RevolvingAccount]) -> None:
        """Each chosen account closes if it owes and holds nothing; the others say why."""
        if not isinstance(request.user, User):
            raise PermissionDenied
        closed, as_of = 0, business_date_current()
        for account_id in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                revolving_account_close(account_id=account_id, as_of=as_of, officer=request.user)
            except RevolvingAccountNotClosed as refused:
                self.message_user(request, f"{account_id}: {refused}", messages.ERROR)
            else:
                closed += 1
        if closed:
            self.message_user(request, gettext("Accounts closed: %(n)d.") % {"n": closed})

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, account: RevolvingAccount) -> str:
        return revolving_label(account.status)

    @admin.display(description=_("limit"))
    def limit(self, account: RevolvingAccount) -> str:
        return money(account.credit_line.limit_amount)

    @admin.display(description=_("principal"), ordering="principal_amount")
    def principal(self, account: RevolvingAccount) -> str:
        return money(account.principal_amount)

    @admin.display(description=_("last bill"), ordering="last_statement_date")
    def last_bill(self, account: RevolvingAccount) -> Any:
        return account.last_statement_date

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The officers' account page (issue #18) in place of a form of the account's columns.
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not object_id.isdigit():
            raise Http404
        ledger_page = request.GET.get("ledger", "")
        try:
            page = revolving_account_page_get(
                account_id=int(object_id),
                ledger=request.user.has_perm(VIEW_JOURNAL),
                ledger_page=int(ledger_page) if ledger_page.isdigit() else 1,
            )
        except RevolvingAccount.DoesNotExist as missing:
            raise Http404 from missing
        return TemplateResponse(
            request,
            "admin/backoffice/revolving/account.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Revolving account %(id)s") % {"id": page.account.pk},
                "opts": self.model._meta,
                "page": page,
                "as_of": business_date_current(),
            },
        )


# --- purchases, bills and payments -------------------------------------------------------------


@admin.register(Order)
class OrderAdmin(ReadOnlyModelAdmin[Order]):
    list_display = [
        "id",
        account_column,
        borrower_column,
        "partner",
        "merchant_order_id",
        "amount",
        "refunded_amount",
        "status",
        "plan_shown",
        "captured_date",
    ]
    list_filter = [("status", TranslatedChoicesFilter)]
    search_fields = ["=id", "=merchant_order_id", "=account__id"]
    list_select_related = ["partner", *BY_ACCOUNT]

    @admin.display(description=_("installment plan"))
    def plan_shown(self, order: Order) -> str:
        if not order.plan_term:
            return "-"
        months = gettext("%(n)s months") % {"n": order.plan_term}  # 3, 6, 9 or 12
        return f"{months} · {gettext('interest-free')}" if order.merchant_subsidised else months


@admin.register(Statement)
class StatementAdmin(ReadOnlyModelAdmin[Statement]):
    list_display = [
        account_column,
        borrower_column,
        "statement_date",
        "pay_by_date",
        "balance",
        "minimum_payment_amount",
        "still_owed",
        "minimum_unpaid_amount",
        "pdf",
    ]
    list_select_related = BY_ACCOUNT
    date_hierarchy = "statement_date"
    search_fields = ["=account__id"]

    @admin.display(description=_("balance"))
    def balance(self, bill: Statement) -> str:
        return money(bill.balance_amount)

    @admin.display(description=_("still owed"))
    def still_owed(self, bill: Statement) -> str:
        return money(bill.unpaid_amount)

    @admin.display(description="PDF")
    def pdf(self, bill: Statement) -> SafeString:
        return format_html('<a href="{}">PDF</a>', reverse("backoffice:bill_pdf", args=[bill.pk]))


@admin.register(RevolvingPayment)
class RevolvingPaymentAdmin(ReadOnlyModelAdmin[RevolvingPayment]):
    list_display = [
        "id",
        account_column,
        borrower_column,
        "value_date",
        "channel_shown",
        "reference",
        "amount",
        "minimum_paid_amount",
    ]
    list_select_related = BY_ACCOUNT
    list_filter = [("channel", TranslatedChoicesFilter)]
    search_fields = ["=account__id", "=reference"]

    @admin.display(description=_("channel"), ordering="channel")
    def channel_shown(self, payment: RevolvingPayment) -> str:
        return revolving_label(payment.channel)
