"""allauth's account adapter (settings.ACCOUNT_ADAPTER): emails name the platform (issue #22).

Without the sites framework allauth names a site after the host the request came to, so a
verification email read "来自127.0.0.1:8000的 Hello!". The platform's name comes from
LENDPORTAL_SITE_NAME, its domain from LENDPORTAL_SITE_DOMAIN (the request's host when unset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site


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


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, {"current_site": platform_site(), **context})
