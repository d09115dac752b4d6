"""The payment gateway interface: auto-debit charges, payouts, card agreements, callbacks (§11).

One gateway object serves both directions of money. A bank or third-party payment adapter
implements :class:`Gateway`; ``LENDPORTAL_GATEWAY_BACKEND`` names the class (a dotted path, as
``LENDPORTAL_PAYMENT_BACKEND`` and ``LENDPORTAL_PAYOUT_BACKEND`` do), and ``gateway()`` makes one.
The development, test and bench gateway is ``loans.payments.fake_gateway.FakeGateway``.

What an adapter promises (docs/rails.md, "Gateway and card binding"):

- ``charge(key=, agreement_reference=, amount=)`` debits the card of an agreement once per
  ``key``: the gateway's merchant order number. Sent again with a key it has seen, it answers the
  first outcome and moves no money. A timeout or an unreadable answer is ``PENDING``, never an
  exception: the caller then asks ``charge_query(key=)`` until the outcome is known, and never
  charges blindly again.
- ``send(payout)`` / ``payout_query(payout)`` have the shape of
  ``loans.origination.services.payouts.PayoutBackend``, so the same object can be that backend.
- ``bind(card=)`` opens a withholding agreement (协议支付签约) for a card in the holder's name and
  answers the gateway's agreement reference, or raises :class:`GatewayBindRefused` with a code;
  ``unbind(agreement_reference=)`` ends it (ending an unknown or ended agreement is not an error).
- Callbacks (the gateway's HTTP notifications) are trusted only after ``callback_verify``: an
  HMAC-SHA256 over the raw body with ``LENDPORTAL_GATEWAY_CALLBACK_SECRET``, hex in the header.
  An adapter whose gateway signs another way overrides ``callback_verify``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from loans.errors import LendingError

if TYPE_CHECKING:
    from loans.origination.models import Payout
    from loans.origination.services.payouts import PayoutResult


class ChargeOutcome(StrEnum):
    """What a gateway says of a charge (PRODUCT §11 names the codes and what each leads to)."""

    SUCCEEDED = "SUCCEEDED"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"  # try again on the retry schedule
    CARD_INVALID = "CARD_INVALID"  # stop and tell the borrower
    CARD_FROZEN = "CARD_FROZEN"  # stop and tell the borrower
    AGREEMENT_REVOKED = "AGREEMENT_REVOKED"  # stop and tell the borrower
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"  # over the bank's single-payment limit: split
    PENDING = "PENDING"  # timeout or not yet known: query by the key, never charge again
    # Only from charge_query: the gateway has no charge with this key (the request never
    # reached it, e.g. the worker died between recording SENDING and calling). No money moved.
    NOT_FOUND = "NOT_FOUND"


# Outcomes after which asking again changes nothing.
FINAL_OUTCOMES = frozenset(ChargeOutcome) - {ChargeOutcome.PENDING}


@dataclass(frozen=True, slots=True)
class ChargeResult:
    key: str
    outcome: ChargeOutcome
    gateway_reference: str = ""  # the gateway's own id of the charge, once it has one
    # With LIMIT_EXCEEDED, the bank's single-payment limit when the gateway names it (else the
    # collection run halves the amount).
    single_payment_limit: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CardDetails:
    """A card to bind and its holder, in clear: passed to the gateway, never stored or logged."""

    number: str  # digits only, Luhn-checked
    holder_name: str
    holder_id_number: str  # 18 characters

    def __repr__(self) -> str:  # keep the numbers out of tracebacks and logs
        return "CardDetails(<redacted>)"


class GatewayBindRefused(LendingError):
    """The gateway refused to open a withholding agreement for the card."""

    code = "card_binding_refused"

    def __init__(self, message: object, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # the gateway's reason code, e.g. CARD_INVALID


class Gateway(Protocol):
    """A payment gateway adapter; see the module's docstring for what each method promises."""

    name: str

    def charge(self, *, key: str, agreement_reference: str, amount: Decimal) -> ChargeResult: ...

    def charge_query(self, *, key: str) -> ChargeResult: ...

    def send(self, payout: Payout) -> PayoutResult: ...

    def payout_query(self, payout: Payout) -> PayoutResult: ...

    def bind(self, *, card: CardDetails) -> str: ...

    def unbind(self, *, agreement_reference: str) -> None: ...

    def callback_verify(self, *, body: bytes, signature: str) -> bool: ...


def gateway() -> Gateway:
    """Return the configured gateway (``LENDPORTAL_GATEWAY_BACKEND``, a dotted class path)."""
    backend: Gateway = import_string(settings.LENDPORTAL_GATEWAY_BACKEND)()
    return backend


def callback_signature(*, body: bytes, secret: str) -> str:
    """Return the hex HMAC-SHA256 of a callback's raw body under ``secret``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def callback_signature_valid(*, body: bytes, signature: str, secret: str) -> bool:
    """Tell whether ``signature`` is the body's HMAC under ``secret``, in constant time.

    Without a configured secret nothing is valid: an unsigned callback never moves money.
    """
    if not secret:
        return False
    expected = callback_signature(body=body, secret=secret)
    return hmac.compare_digest(expected, signature.strip().lower())
