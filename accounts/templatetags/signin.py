"""Template helpers of the sign-in pages and the greeting (issue #22, docs/portal.md)."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from django import template
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError

from accounts import crypto
from accounts.adapter import SMS_SENT_AT_SESSION_KEY, user_display
from accounts.validators import validate_mobile

register = template.Library()


@register.simple_tag(takes_context=True)
def sms_resend_wait(context: dict[str, Any]) -> int:
    """Seconds left before another SMS code may be asked for (0: now)."""
    request = context.get("request")
    sent_at = request.session.get(SMS_SENT_AT_SESSION_KEY) if request is not None else None
    if not sent_at:
        return 0
    left = settings.LENDPORTAL_SMS_RESEND_SECONDS - (time.time() - float(sent_at))
    return max(0, int(left + 0.999))


@register.simple_tag
def sms_code_minutes() -> int:
    """Minutes an SMS code is good for (ACCOUNT_PHONE_VERIFICATION_TIMEOUT)."""
    return int(account_settings.PHONE_VERIFICATION_TIMEOUT) // 60


@register.filter
def masked_mobile(value: str) -> str:
    """A mobile number as pages show it: "1********00" (docs/identity.md)."""
    try:
        return crypto.mask_mobile(validate_mobile(str(value)))
    except ValidationError:  # never show what is not a mobile number
        return ""


@register.filter
def greeting_name(user: AbstractBaseUser) -> str:
    """The name the portal greets a signed-in person by: real name, else masked mobile."""
    return user_display(user)
