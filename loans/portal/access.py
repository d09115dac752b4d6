"""Who may see the portal's pages: signed in, mobile or email verified, and (for money) a
borrower."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import Borrower
from accounts.selectors import partner_borrowers_for_phone

type View = Callable[..., HttpResponse]


def email_verified(request: HttpRequest) -> bool:
    return EmailAddress.objects.filter(user_id=request.user.pk or 0, verified=True).exists()


def contact_verified(request: HttpRequest) -> bool:
    """A mobile number confirmed by SMS code (#22), or an email address confirmed by its link."""
    return bool(getattr(request.user, "phone_verified", False)) or email_verified(request)


def verified_required(view: View) -> View:
    """Let in a signed-in user whose mobile or email is verified; nothing financial before it.

    Every answer is ``Cache-Control: no-store`` (and private, max-age=0): a shared phone's back
    button, the browser's disk cache or a proxy must have no money page to show (issue #16).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not contact_verified(request):
            messages.warning(request, _("Verify your email address first: open the link we sent."))
            return redirect("account_email")
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def borrower_of(request: HttpRequest) -> Borrower | None:
    return Borrower.objects.filter(user_id=request.user.pk or 0).first()


def borrower_required(view: Callable[..., HttpResponse]) -> View:
    """Like verified_required, and pass the user's Borrower as ``borrower`` (profile done)."""

    @verified_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        borrower = borrower_of(request)
        if borrower is None:
            if not partner_borrowers_for_phone(user=request.user):  # type: ignore[arg-type]
                messages.info(request, _("Complete your profile first."))
            return redirect("portal:profile")  # or open a shop's account there (#18)
        return view(request, *args, borrower=borrower, **kwargs)

    return wrapper
