"""Dashboard, profile (real-name step), notifications and the privacy notice."""

from __future__ import annotations

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Borrower, Language
from accounts.portal_link import borrower_portal_link
from accounts.selectors import partner_borrowers_for_phone, user_sign_in_mobile
from accounts.services import borrower_register, borrower_update_profile
from loans.calendar.selectors import business_date_current
from loans.payments.selectors import card_binding_active
from loans.portal.access import borrower_of, borrower_required, verified_required
from loans.portal.forms import PortalLinkForm, ProfileForm, ProfileUpdateForm
from loans.portal.selectors import dashboard_for, notifications_for
from loans.revolving.selectors import revolving_account_of


@verified_required
def dashboard(request: HttpRequest) -> HttpResponse:
    borrower = borrower_of(request)
    if borrower is None:
        offered = partner_borrowers_for_phone(user=request.user)  # type: ignore[arg-type]
        return render(request, "portal/welcome.html", {"shops": _shop_names(offered)})
    board = dashboard_for(borrower=borrower, as_of=business_date_current())
    revolving = revolving_account_of(borrower=borrower)
    return render(request, "portal/dashboard.html", {"board": board, "revolving": revolving})


def _language() -> str:
    return Language.EN if (get_language() or "").startswith("en") else Language.ZH_HANS


def _apply_errors(form: Form, error: ValidationError) -> None:
    for field, field_errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


@verified_required
def profile(request: HttpRequest) -> HttpResponse:
    borrower = borrower_of(request)
    if borrower is not None:
        return _profile_update(request, borrower)
    offered = partner_borrowers_for_phone(user=request.user)  # type: ignore[arg-type]
    if offered and request.GET.get("new") != "1":
        return _profile_link(request, offered)
    form = ProfileForm(
        request.POST or None,
        as_of=business_date_current(),
        sign_in_mobile=user_sign_in_mobile(user=request.user),  # type: ignore[arg-type]
    )
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        data = form.cleaned_data
        try:
            borrower_register(
                user=request.user,  # type: ignore[arg-type]
                full_name=data["full_name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                bank_card=data["bank_card"],
                monthly_income_amount=data["monthly_income_amount"],
                employment_months=data["employment_months"],
                monthly_debt_payments_amount=data["monthly_debt_payments_amount"],
                email=request.user.email,  # type: ignore[union-attr]
                language=_language(),
                as_of=business_date_current(),
                credit_check_consent_at=now,
                privacy_notice_version=settings.LENDPORTAL_PRIVACY_NOTICE_VERSION,
                privacy_consent_at=now,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("portal:credit")
    return render(request, "portal/profile.html", {"form": form})


def _profile_link(request: HttpRequest, offered: list[Borrower]) -> HttpResponse:
    """A shop registered this mobile (issue #18): the identity number it has opens its account
    here; someone else's (a reassigned number) leads to a profile of one's own (``?new=1``)."""
    form = PortalLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="portal_link", user=request.user):
            form.add_error(None, _("Too many tries: wait an hour and try again."))
        else:
            try:
                borrower = borrower_portal_link(
                    user=request.user,  # type: ignore[arg-type]
                    id_number=form.cleaned_data["id_number"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Your account is open here now."))
                has_bills = revolving_account_of(borrower=borrower) is not None
                return redirect("portal:bills" if has_bills else "portal:dashboard")
    context = {"form": form, "shops": _shop_names(offered), "mobile": request.user.phone_masked}  # type: ignore[union-attr]
    return render(request, "portal/profile_link.html", context)


def _shop_names(offered: list[Borrower]) -> str:
    """The shops' names as one phrase: "Mi Store" or "Mi Store, JD" (names are the partners')."""
    return _(", ").join(dict.fromkeys(b.partner.name for b in offered if b.partner))


def _profile_update(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    initial = {
        "monthly_income_amount": borrower.monthly_income_amount,
        "employment_months": borrower.employment_months,
        "monthly_debt_payments_amount": borrower.monthly_debt_payments_amount,
    }
    form = ProfileUpdateForm(
        request.POST or None,
        initial=initial,
        sign_in_mobile=user_sign_in_mobile(user=request.user),  # type: ignore[arg-type]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            borrower_update_profile(
                borrower=borrower,
                mobile=data.get("mobile") or None,
                bank_card=data["bank_card"] or None,
                monthly_income_amount=data["monthly_income_amount"],
                employment_months=data["employment_months"],
                monthly_debt_payments_amount=data["monthly_debt_payments_amount"],
                language=_language(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("portal:profile")
    binding = card_binding_active(borrower=borrower)
    context = {
        "form": form,
        "borrower": borrower,
        "auto_debit_card": binding.card_number_masked if binding else "",
    }
    return render(request, "portal/profile_view.html", context)


@borrower_required
def notifications(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    return render(
        request, "portal/notifications.html", {"items": notifications_for(borrower=borrower)}
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/privacy.html",
        {"version": settings.LENDPORTAL_PRIVACY_NOTICE_VERSION},
    )
