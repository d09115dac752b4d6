"""The loan contract as shown to the borrower, and the evidence of its acceptance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Borrower
from loans.domain.quote import Quote
from loans.origination.models import LoanProduct
from loans.origination.services.drawdown import ContractAcceptance


@dataclass(frozen=True, slots=True)
class Contract:
    html: SafeString
    text_hash: str
    version: str


def contract_for(
    *, borrower: Borrower, product: LoanProduct, quote: Quote, as_of: date
) -> Contract:
    """Render the contract for these terms; its hash identifies exactly the text shown."""
    html = render_to_string(
        "portal/contract_text.html",
        {"borrower": borrower, "product": product, "quote": quote, "as_of": as_of},
    )
    digest = hashlib.sha256(html.encode()).hexdigest()
    # Our own template's output: safe to show as it is.
    return Contract(
        html=mark_safe(html),  # noqa: S308 - our own template, already escaped
        text_hash=digest,
        version=settings.LENDPORTAL_CONTRACT_VERSION,
    )


def acceptance(
    *, request: HttpRequest, contract: Contract, signature_name: str
) -> ContractAcceptance:
    user_agent = request.headers.get("User-Agent", "")
    return ContractAcceptance(
        version=contract.version,
        text_hash=contract.text_hash,
        accepted_at=timezone.now(),
        signature_name=signature_name,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=user_agent,
    )
