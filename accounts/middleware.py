"""Staff must use two-factor sign-in (issues #6, #23).

The admin's own sign-in (loans/backoffice/signin.py) asks for the TOTP code of every account
that has one. This middleware makes having one compulsory for staff: a signed-in staff member
without TOTP who opens any admin page is sent to the admin's enrolment page first, and comes back
afterwards. The sign-in, enrolment and sign-out pages themselves stay open to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


def staff_has_totp(user: Any) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


class StaffTotpRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(reverse("admin:index"))
            and request.path not in _open_paths()
            and user.is_authenticated
            and user.is_staff
            and not staff_has_totp(user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('admin:staff_totp_enrol')}?{query}")
        return self.get_response(request)


def _open_paths() -> set[str]:
    return {reverse(f"admin:{name}") for name in ("staff_totp_enrol", "login", "logout")}
