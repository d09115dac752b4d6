"""Sign-up and sign-in by mobile number (issue #22): allauth's forms with the mainland rules.

allauth's own phone field wants E.164 ("+8613800138000"); a borrower types the eleven digits
that every app in the field asks for. ``MobileField`` takes those (an optional +86, spaces and
dashes aside) and hands allauth the 11-digit form that the profile stores too
(accounts.validators.validate_mobile). Settings: ACCOUNT_FORMS (lendportal/settings/base.py).
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import (
    ConfirmLoginCodeForm,
    RequestLoginCodeForm,
    SignupForm,
    VerifyPhoneForm,
)
from allauth.core import context, ratelimit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_mobile


class MobileField(forms.CharField):
    """A mainland mobile number: 11 digits starting 13 to 19; cleans to those 11 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "inputmode": "tel",
                    "autocomplete": "tel-national",
                    "placeholder": _("11-digit mobile number"),
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        number = super().clean(value)
        return validate_mobile(number) if number else ""


class PhoneSignupForm(SignupForm):
    """Sign up with a mobile number (required) and an email address for statements (optional).

    No password: the borrower signs in with SMS codes ("password1" is in ACCOUNT_SIGNUP_FIELDS
    only so that the sign-in form keeps its password field for email accounts).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("password1", None)
        self.fields.pop("password2", None)
        phone = self.fields["phone"]
        phone.required = True
        phone.label = _("Mobile number")
        phone.help_text = _("We send a six-digit code to this number.")
        email = self.fields["email"]
        email.label = _("Email (optional)")
        email.help_text = _("For your statements and receipts; you can add it later.")
        self.order_fields(["phone", "email"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # allauth sends the code after the form is valid and raises at its rate limit (per
        # number, per address: ACCOUNT_RATE_LIMITS["verify_phone"]); say it on the field instead.
        phone = cleaned.get("phone")
        if phone and not ratelimit.consume(
            context.request, action="verify_phone", key=phone, dry_run=True
        ):
            self.add_error("phone", _("Too many codes asked for: wait a minute and try again."))
        return cleaned


class PhoneLoginCodeForm(RequestLoginCodeForm):
    """Ask for a sign-in code by SMS: the mobile number alone (email accounts use a password)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        self.fields["phone"].required = True


def _sms_code_field(form: forms.Form) -> None:
    code = form.fields["code"]
    code.label = _("SMS code")
    code.widget.attrs.update(
        {
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": "6",
            "pattern": "[0-9]{6}",
            "placeholder": _("6 digits"),
        }
    )


class SmsCodeVerifyPhoneForm(VerifyPhoneForm):
    """The six-digit code sent at sign-up (or when the number changes), on a digit keypad."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _sms_code_field(self)


class SmsCodeConfirmLoginCodeForm(ConfirmLoginCodeForm):
    """The six-digit sign-in code, on a digit keypad."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _sms_code_field(self)
