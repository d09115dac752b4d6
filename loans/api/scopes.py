"""OAuth2 scopes per partner: a client may ask only for the scopes its partner was given."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import SettingsScopes

from accounts.models import Partner


class PartnerScopes(SettingsScopes):
    """The scopes of settings.API_SCOPES that the client's partner holds (all by default)."""

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        everything = list(super().get_available_scopes(application, request, *args, **kwargs))
        if application is None:
            return everything
        partner = Partner.objects.filter(oauth_application=application, is_active=True).first()
        if partner is None:
            return []
        return [scope for scope in everything if scope in partner.api_scopes]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return self.get_available_scopes(application, request, *args, **kwargs)
