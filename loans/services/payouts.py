"""Payout backends: how disbursed money reaches the borrower's bank card.

``LENDPORTAL_PAYOUT_BACKEND`` names a class with ``name`` and ``send(payout) -> PayoutResult``.
The fake backend settles at once (development and tests); a bank adapter implements the same
interface and settles later through ``loans.services.origination.payout_settle``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from loans.models import Payout


@dataclass(frozen=True, slots=True)
class PayoutResult:
    reference: str
    settled: bool


class PayoutBackend(Protocol):
    name: str

    def send(self, payout: Payout) -> PayoutResult: ...


class FakePayoutBackend:
    """Settles every payout at once with a made-up bank reference."""

    name = "fake"
    sent: list[int] = []

    def send(self, payout: Payout) -> PayoutResult:
        FakePayoutBackend.sent.append(payout.pk)
        return PayoutResult(reference=f"FAKE-{payout.pk:010d}", settled=True)


def payout_backend() -> PayoutBackend:
    backend: PayoutBackend = import_string(settings.LENDPORTAL_PAYOUT_BACKEND)()
    return backend
