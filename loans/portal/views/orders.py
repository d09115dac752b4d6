"""Confirming a checkout order (PRODUCT §10): the borrower sees what they buy and from whom,
what it costs, and confirms with their password; the order is then captured.

The link comes from the partner (the API's ``confirm_url``); it is signed, and it opens only
for the order's own borrower, signed in.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Borrower
from loans.calendar.selectors import business_date_current
from loans.errors import LendingError
from loans.portal.access import borrower_required
from loans.portal.forms import PortalForm
from loans.revolving.models import Order, OrderStatus, RevolvingAccount
from loans.revolving.services.confirmation import order_from_confirm_token
from loans.revolving.services.installments import (
    BillInstallmentRefused,
    PlanQuote,
    purchase_installment_quote,
)
from loans.revolving.services.orders import OrderExpired, OrderOverLimit, order_capture

WRONG_PASSWORD_LIMIT = 5  # tries per order and borrower; then the order must be made again


class OrderConfirmForm(PortalForm):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        help_text=gettext_lazy("The password you sign in with, to confirm that it is you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@borrower_required
def order_confirm(request: HttpRequest, token: str, *, borrower: Borrower) -> HttpResponse:
    """Show the order; on a POST with the right password, capture it."""
    order = _borrowers_order(token, borrower)
    waiting = order.status == OrderStatus.CREATED and timezone.now() < order.expires_at
    form = OrderConfirmForm(request.POST or None) if waiting else None
    posted = form is not None and request.method == "POST" and form.is_valid()
    if posted and form is not None and _captured(request, order, form):
        messages.success(request, _("Paid. The purchase is on your next bill."))
        return redirect("portal:order_confirm", token=token)
    context = {
        "order": order,
        "form": form,
        "waiting": waiting,
        "account": order.account,
        # Revolving interest as an annual rate (0.05% a day is 18.25%, PRODUCT §10); a
        # purchase paid in full by the due date costs nothing, but the rate is shown first.
        "apr": order.account.product.daily_rate * 365,
        # On an installment plan (交易分期): its APR (0 when the shop pays the fees), fee and
        # months, shown before confirming (PRODUCT §2.2).
        "plan": _plan_quote(order) if waiting else None,
    }
    return render(request, "portal/order_confirm.html", context)


def _plan_quote(order: Order) -> PlanQuote | None:
    try:
        return purchase_installment_quote(order=order, as_of=business_date_current())
    except BillInstallmentRefused:
        return None


def _borrowers_order(token: str, borrower: Borrower) -> Order:
    order = order_from_confirm_token(token=token)
    if order is None or order.account.credit_line.borrower_id != borrower.pk:
        raise Http404("No such order.")
    return order


def _captured(request: HttpRequest, order: Order, form: OrderConfirmForm) -> bool:
    tries_key = f"portal:order-confirm-tries:{order.pk}:{request.user.pk}"
    if cache.get(tries_key, 0) >= WRONG_PASSWORD_LIMIT:
        form.add_error(None, _("Too many wrong passwords. Ask the shop to make the order again."))
        return False
    if not request.user.check_password(form.cleaned_data["password"]):
        cache.set(tries_key, cache.get(tries_key, 0) + 1, timeout=3600)
        form.add_error("password", _("That is not your password."))
        return False
    try:
        order_capture(order_id=order.pk, now=timezone.now())
    except OrderExpired:
        form.add_error(None, _("This order has expired. Ask the shop to make it again."))
        return False
    except OrderOverLimit:
        available = _account_fresh(order).credit_line.available_amount
        form.add_error(
            None,
            _("Your credit line has only ¥%(available)s left for this order.")
            % {"available": f"{available:,.2f}"},
        )
        return False
    except LendingError:
        form.add_error(
            None,
            _("This order cannot be paid now: your credit line is frozen or the account closed."),
        )
        return False
    return True


def _account_fresh(order: Order) -> RevolvingAccount:
    return RevolvingAccount.objects.select_related("credit_line").get(pk=order.account_id)
