"""The back office's own sign-in (issue #23): the password once, then the TOTP code.

allauth does the checking: its ``LoginForm`` authenticates (rate limits ``login_failed`` per IP
and per account), its MFA ``AuthenticateForm`` validates the TOTP or a recovery code (rate
limited, a code used once), and ``activate_totp`` enrols. Only the pages are ours, in the admin's
look, so staff never see the borrowers' sign-in. Between the two steps the session holds the
user's id for ``PENDING_SECONDS``; nobody is signed in until the code is right.

Staff without TOTP are signed in after the password and sent to the enrolment page; every other
admin page is closed to them until then (accounts.middleware.StaffTotpRequiredMiddleware).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.forms import LoginForm
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.flows import activate_totp
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accounts.middleware import staff_has_totp
from accounts.models import User

PENDING_KEY = "backoffice.signin"
PENDING_SECONDS = 300
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
TEMPLATES = "admin/backoffice/signin"


def next_url(request: HttpRequest) -> str:
    """The admin page asked for, if it is on this site; the admin's home otherwise."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else reverse("admin:index")


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> TemplateResponse:
    from django.contrib import admin

    base = {**admin.site.each_context(request), "next": next_url(request)}
    return TemplateResponse(request, f"{TEMPLATES}/{template}", {**base, **context})


def _sign_in(request: HttpRequest, user: User, method: str) -> None:
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=BACKEND)
    if method == "password":
        # The password typed a moment ago counts as allauth's re-authentication before adding
        # an authenticator, so the enrolment does not ask for it a second time; after allauth's
        # ACCOUNT_REAUTHENTICATION_TIMEOUT it asks again, as it should.
        record_authentication(request, user, "password", reauthenticated=True)


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or timezone.now().timestamp() - pending["at"] > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True, is_staff=True).first()


@sensitive_post_parameters()
@csrf_protect
@never_cache
def staff_login(request: HttpRequest) -> HttpResponse:
    """Step one: username and password (allauth's form and rate limits)."""
    form = LoginForm(data=request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.user
        if not (isinstance(user, User) and user.is_active and user.is_staff):
            refused = AdminAuthenticationForm.error_messages["invalid_login"]
            form.add_error(None, refused % {"username": _("username")})
        elif staff_has_totp(user):
            request.session[PENDING_KEY] = {"user": user.pk, "at": timezone.now().timestamp()}
            return HttpResponseRedirect(_with_next("admin:signin_code", next_url(request)))
        else:
            _sign_in(request, user, "password")
            return HttpResponseRedirect(_with_next("admin:staff_totp_enrol", next_url(request)))
    return _page(request, "login.html", {"form": form, "title": _("Staff sign-in")})


@sensitive_post_parameters()
@csrf_protect
@never_cache
def staff_signin_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator app (or a recovery code)."""
    user = _pending_user(request)
    if user is None:
        return HttpResponseRedirect(reverse("admin:login"))
    form = AuthenticateForm(data=request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        form.save()  # allauth records the use and the authentication
        _sign_in(request, user, "mfa")
        return HttpResponseRedirect(next_url(request))
    return _page(request, "code.html", {"form": form, "title": _("Staff sign-in")})


@sensitive_post_parameters()
@csrf_protect
@never_cache
def staff_totp_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator every staff member needs, then go where they were going."""
    user = request.user
    if not isinstance(user, User) or staff_has_totp(user):
        return HttpResponseRedirect(next_url(request))
    form = ActivateTOTPForm(data=request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        activate_totp(request, form)  # allauth says so in a message, and mails the officer
        return HttpResponseRedirect(next_url(request))
    adapter = get_mfa_adapter()
    svg = adapter.build_totp_svg(adapter.build_totp_url(user, form.secret))
    context = {
        "form": form,
        "title": _("Set up two-factor sign-in"),
        "secret": form.secret,
        "qr_svg": svg,  # drawn inline: the CSP allows no data: images
    }
    return _page(request, "enrol.html", context)
