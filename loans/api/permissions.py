"""Who may call an operation: an active partner whose token holds the operation's scope."""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import AccessToken
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import Partner
from loans.api.auth_cache import active_partner_for_application


def request_partner(request: Request) -> Partner:
    """Return the partner of an authorised request (set by PartnerHasScope)."""
    partner = getattr(request, "partner", None)
    if not isinstance(partner, Partner):  # pragma: no cover - every API view checks it first
        raise RuntimeError("request_partner called before PartnerHasScope")
    return partner


class PartnerHasScope(BasePermission):
    """The bearer token is valid, its partner is active, and it holds ``view.required_scopes``.

    A missing or invalid token is 401 (DRF asks the authenticator for a challenge); a valid
    token without the scope, or of a deactivated partner, is 403.
    """

    message = "This token does not hold the scope this operation needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return False
        partner = active_partner_for_application(token.application_id)
        if partner is None:
            self.message = "This client's partner is not active."
            return False
        request.partner = partner  # type: ignore[attr-defined]  # read by request_partner
        by_method = getattr(view, "required_scopes_by_method", {})
        scopes = by_method.get(request.method, getattr(view, "required_scopes", None))
        if scopes is None:  # pragma: no cover - every API view names its scopes
            return False
        return bool(token.is_valid(list(scopes)))
