"""Confirming a checkout order (PRODUCT §10): the borrower sees what they buy and from whom,
what it costs, and confirms; the order is then captured.

The link comes from the partner (the API's ``confirm_url``); it is signed and names the order.
Whoever opens it sees the order and the borrower's mobile, masked, and nothing else personal;
they confirm with a one-time code sent by SMS to the mobile on file (loans.portal.order_codes),
as an H5 checkout does: a partner's borrower has no portal account. A borrower signed in to the
portal may confirm their own order with their password instead. Signed in as anyone else, the
link is not found, as before: the page would speak to the wrong person as "you".
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
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from loans.calendar.selectors import business_date_current
from loans.errors import LendingError
from loans.portal.access import borrower_of, contact_verified
from loans.portal.forms import OrderCodeForm, PortalForm
from loans.portal.order_codes import (
    CODE_SECONDS,
    OrderCodeRefused,
    OrderCodeWrong,
    order_code_check,
    order_code_send,
    order_code_status,
)
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


@never_cache
@require_http_methods(["GET", "POST"])
def order_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show the order; send a code, or capture it on the right code or password."""
    order = order_from_confirm_token(token=token)
    if order is None:
        raise Http404("No such order.")
    owner = _signed_in_owner(request, order)
    waiting = order.status == OrderStatus.CREATED and timezone.now() < order.expires_at
    action = _action(request) if waiting else ""
    if action == "send":
        _send(request, order)
        return redirect("portal:order_confirm", token=token)
    password_form = _password_form(request, action) if waiting and owner else None
    code_form = OrderCodeForm(request.POST if action == "code" else None)
    if (action == "code" and code_form.is_valid() and _code_captured(order, code_form)) or (
        action == "password"
        and password_form is not None
        and password_form.is_valid()
        and _password_captured(request, order, password_form)
    ):
        messages.success(request, _("Paid. The purchase is on your next bill."))
        return redirect("portal:order_confirm", token=token)
    context = {
        "order": order,
        "owner": owner,
        "waiting": waiting,
        "form": password_form,
        "code_form": code_form,
        "code": order_code_status(order=order, now=timezone.now()) if waiting else None,
        "mobile_masked": order.account.credit_line.borrower.mobile_masked,
        "account": order.account,
        # Revolving interest as an annual rate (0.05% a day is 18.25%, PRODUCT §10); a
        # purchase paid in full by the due date costs nothing, but the rate is shown first.
        "apr": order.account.product.daily_rate * 365,
        # On an installment plan (交易分期): its APR (0 when the shop pays the fees), fee and
        # months, shown before confirming (PRODUCT §2.2).
        "plan": _plan_quote(order) if waiting else None,
    }
    return render(request, "portal/order_confirm.html", context)


def _signed_in_owner(request: HttpRequest, order: Order) -> bool:
    """True for the order's borrower signed in and verified; 404 for anyone else signed in."""
    if not request.user.is_authenticated:
        return False
    borrower = borrower_of(request)
    if borrower is None or borrower.pk != order.account.credit_line.borrower_id:
        raise Http404("No such order.")
    return contact_verified(request)


def _action(request: HttpRequest) -> str:
    if request.method != "POST":
        return ""
    action = request.POST.get("action", "")
    if action in {"send", "code", "password"}:
        return action
    return "password" if "password" in request.POST else ""


def _password_form(request: HttpRequest, action: str) -> OrderConfirmForm | None:
    # An account opened by SMS code has no password (#22): it confirms by code only.
    if not request.user.is_authenticated or not request.user.has_usable_password():
        return None
    return OrderConfirmForm(request.POST if action == "password" else None)


def _plan_quote(order: Order) -> PlanQuote | None:
    try:
        return purchase_installment_quote(order=order, as_of=business_date_current())
    except BillInstallmentRefused:
        return None


def _send(request: HttpRequest, order: Order) -> None:
    try:
        order_code_send(order=order, now=timezone.now())
    except OrderCodeRefused as refused:
        messages.error(request, refused.message)
        return
    messages.info(
        request,
        _("We sent a code by SMS to %(mobile)s. It is good for %(minutes)d minutes.")
        % {
            "mobile": order.account.credit_line.borrower.mobile_masked,
            "minutes": CODE_SECONDS // 60,
        },
    )


def _code_captured(order: Order, form: OrderCodeForm) -> bool:
    try:
        order_code_check(order=order, code=form.cleaned_data["code"], now=timezone.now())
    except OrderCodeWrong as wrong:
        form.add_error("code", wrong.message)
        return False
    except OrderCodeRefused as refused:
        form.add_error(None, refused.message)
        return False
    return _captured(order, form)


def _password_captured(request: HttpRequest, order: Order, form: OrderConfirmForm) -> bool:
    tries_key = f"portal:order-confirm-tries:{order.pk}:{request.user.pk}"
    if cache.get(tries_key, 0) >= WRONG_PASSWORD_LIMIT:
        form.add_error(None, _("Too many wrong passwords. Ask the shop to make the order again."))
        return False
    if not request.user.check_password(form.cleaned_data["password"]):
        cache.set(tries_key, cache.get(tries_key, 0) + 1, timeout=3600)
        form.add_error("password", _("That is not your password."))
        return False
    return _captured(order, form)


def _captured(order: Order, form: forms.Form) -> bool:
    """Capture the confirmed order; False with the reason on ``form`` when it is refused."""
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
