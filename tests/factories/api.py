"""Partners with OAuth2 clients and tokens, and their borrowers and loans, for API tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from accounts.models import Borrower, Partner
from accounts.services import partner_create
from loans.calendar.models import BusinessDate
from loans.domain.schedule import RepaymentMethod
from loans.origination.services.drawdown import loan_draw
from loans.servicing.models import Loan
from tests.factories.accounts import borrower_create
from tests.factories.loans import (
    DRAW_DATE,
    ProductFactory,
    business_date_open_on,
    contract_for,
    credit_line_for,
)

_serial = iter(range(1, 10**9))


@dataclass
class ApiPartner:
    partner: Partner
    client_id: str
    client_secret: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


def api_partner(
    *, scopes: list[str] | None = None, token_scopes: list[str] | None = None
) -> ApiPartner:
    """A partner made as create_partner makes it, with a bearer token for ``token_scopes``."""
    credentials = partner_create(name=f"Shop {secrets.token_hex(4)}", scopes=scopes)
    application = Application.objects.get(client_id=credentials.client_id)
    token = AccessToken.objects.create(
        application=application,
        token=secrets.token_urlsafe(24),
        expires=timezone.now() + timedelta(hours=1),
        scope=" ".join(token_scopes or credentials.partner.api_scopes or list(settings.API_SCOPES)),
    )
    return ApiPartner(
        partner=credentials.partner,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        token=token.token,
    )


def business_date_set(day: date = DRAW_DATE) -> date:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})
    return day


def partner_borrower(partner: Partner, **overrides: Any) -> Borrower:
    serial = next(_serial)
    return borrower_create(
        partner=partner, external_id=f"ext-{serial}-{secrets.token_hex(3)}", **overrides
    )


def partner_loan(
    partner: Partner,
    *,
    borrower: Borrower | None = None,
    principal: str = "10000.00",
    term: int = 12,
    as_of: date = DRAW_DATE,
) -> Loan:
    """A disbursed loan of the partner's borrower (with a credit line of ¥30,000)."""
    if borrower is None:
        borrower = partner_borrower(partner)
        credit_line_for(borrower, limit=Decimal("30000.00"))
    with business_date_open_on(as_of):
        return loan_draw(
            borrower=borrower,
            product=ProductFactory.create(),
            principal=Decimal(principal),
            term=term,
            method=RepaymentMethod.EQUAL_INSTALLMENT,
            contract=contract_for(borrower),
            as_of=as_of,
            partner=partner,
        )


def assert_error(
    response: Any, status: int, code: str, fields: list[str] | None = None
) -> dict[str, Any]:
    """Assert the error body of PRODUCT §7; return it."""
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    if fields is not None:
        assert sorted(body["error"]["fields"]) == sorted(fields)
    return body
