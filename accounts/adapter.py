"""allauth's account adapter (settings.ACCOUNT_ADAPTER): emails name the platform, and borrowers
sign up and sign in with a mainland mobile number and an SMS code (issue #22).

Without the sites framework allauth names a site after the host the request came to, so a
verification email read "来自127.0.0.1:8000的 Hello!". The platform's name comes from
LENDPORTAL_SITE_NAME, its domain from LENDPORTAL_SITE_DOMAIN (the request's host when unset).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts import crypto
from accounts.forms import MobileField
from accounts.models import Borrower, User
from accounts.services import borrower_update_profile
from accounts.validators import validate_mobile

# The session key of the time the last SMS code was sent: the code pages count down from it
# (accounts.templatetags.accounts.sms_resend_wait).
SMS_SENT_AT_SESSION_KEY = "lendportal_sms_code_sent_at"


@dataclass(frozen=True, slots=True)
class PlatformSite:
    """What email templates read as ``current_site``."""

    name: str
    domain: str


def platform_site() -> PlatformSite:
    """The platform's name and domain for emails."""
    domain = settings.LENDPORTAL_SITE_DOMAIN
    if not domain:
        domain = get_current_site(allauth_context.request).domain
    return PlatformSite(name=settings.LENDPORTAL_SITE_NAME, domain=domain)


def sms_send(*, to: str, text: str) -> str:
    """Send one SMS through LENDPORTAL_SMS_BACKEND, the backend reminders use (docs/reminders.md).

    Loaded by its dotted path: accounts sits below loans and may not import it.
    """
    backend = import_string(settings.LENDPORTAL_SMS_BACKEND)()
    return str(backend.send(to=to, text=f"{settings.LENDPORTAL_SMS_SIGNATURE}{text}"))


def user_display(user: AbstractBaseUser) -> str:
    """How the portal names a signed-in person (settings.ACCOUNT_USER_DISPLAY).

    The real name once the real-name step is done, else the masked mobile, else the email
    address: never the username allauth makes up from an email address.
    """
    borrower = Borrower.objects.filter(user_id=user.pk or 0).only("full_name").first()
    if borrower is not None:
        return borrower.full_name
    if isinstance(user, User) and user.phone_masked:
        return user.phone_masked
    return str(getattr(user, "email", "")) or str(user.get_username())


def _mobile(phone: str) -> str | None:
    try:
        return validate_mobile(phone)
    except ValidationError:
        return None


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, {"current_site": platform_site(), **context})

    def get_login_stages(self) -> list[str]:
        return [
            "accounts.stages.PhoneVerificationStage"
            if path == "allauth.account.stages.PhoneVerificationStage"
            else path
            for path in super().get_login_stages()
        ]

    # Phone numbers (allauth's phone support). allauth hands over what MobileField cleaned: the
    # 11-digit form that the borrower's profile stores too (accounts.validators.validate_mobile).

    def phone_form_field(self, **kwargs: Any) -> MobileField:
        return MobileField(**kwargs)

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        assert isinstance(user, User)  # noqa: S101 - settings.AUTH_USER_MODEL
        number = validate_mobile(phone)
        user.phone_ciphertext = crypto.encrypt(number)
        user.phone_digest = crypto.lookup_digest(number)
        user.phone_masked = crypto.mask_mobile(number)
        user.phone_verified = verified
        user.save(
            update_fields=["phone_ciphertext", "phone_digest", "phone_masked", "phone_verified"]
        )

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        if not isinstance(user, User) or not user.phone_ciphertext:
            return None
        return crypto.decrypt(user.phone_ciphertext), user.phone_verified

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        self.set_phone(user, phone, True)
        # The profile's mobile is the sign-in number (#22): a new confirmed number replaces it.
        number = validate_mobile(phone)
        borrower = Borrower.objects.filter(user_id=user.pk).first()
        if borrower is not None and borrower.mobile_digest != crypto.lookup_digest(number):
            borrower_update_profile(borrower=borrower, mobile=number)

    def get_user_by_phone(self, phone: str) -> AbstractBaseUser | None:
        number = _mobile(phone)
        if number is None:
            return None
        return User.objects.filter(
            phone_digest=crypto.lookup_digest(number), is_active=True
        ).first()

    def send_verification_code_sms(
        self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any
    ) -> None:
        timeout = (
            account_settings.LOGIN_BY_CODE_TIMEOUT
            if "reauthentication" in kwargs
            else account_settings.PHONE_VERIFICATION_TIMEOUT
        )
        text = _(
            "Your LendPortal code is %(code)s, valid for %(minutes)d minutes. "
            "Do not give it to anyone."
        ) % {"code": code, "minutes": timeout // 60}
        sms_send(to=validate_mobile(phone), text=text)
        self._record_sms_sent()

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        # Asked for a sign-in code for a number without an account: the page reads the same as
        # for a known number (no enumeration); the text tells the owner of the number.
        text = _("No LendPortal account uses this number. To open one, sign up with it.")
        sms_send(to=validate_mobile(phone), text=text)
        self._record_sms_sent()

    def send_account_already_exists_sms(self, phone: str) -> None:
        text = _("This number already has a LendPortal account: sign in with an SMS code.")
        sms_send(to=validate_mobile(phone), text=text)
        self._record_sms_sent()

    def _record_sms_sent(self) -> None:
        request = allauth_context.request
        if request is not None and hasattr(request, "session"):
            request.session[SMS_SENT_AT_SESSION_KEY] = time.time()
