"""A scriptable fake gateway for development, tests and ``make bench`` (PRODUCT §11).

Each card is scripted by its number (``FakeGateway.script``): balance, frozen, closed, the bank's
single-payment limit, a latency, and the share of charges whose outcome comes back unknown
(``PENDING``); a card never scripted behaves as ``FakeGateway.default``. The unknown outcomes
come from a seeded RNG (``LENDPORTAL_FAKE_GATEWAY_SEED``), so a run can be replayed. An unknown
charge is still decided at the gateway: ``charge_query`` then tells what really happened, as a
real gateway's query does after a timeout.

The state is one per process, shared by every ``FakeGateway()`` the code makes (the settings
name a class, instantiated per call); ``FakeGateway.reset()`` clears it. ``charges`` records
every call of ``charge`` in order, and ``debits`` every charge that moved money, so a test can
assert that no key was ever charged twice.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from loans.origination.services.payouts import PayoutResult
from loans.payments.gateway import (
    CardDetails,
    ChargeOutcome,
    ChargeResult,
    GatewayBindRefused,
    callback_signature_valid,
)

if TYPE_CHECKING:
    from loans.origination.models import Payout

UNLIMITED = Decimal("99999999.99")


@dataclass(slots=True)
class FakeCard:
    """How one card behaves; mutable so a test can change it between charges."""

    balance: Decimal = UNLIMITED
    frozen: bool = False
    closed: bool = False  # the bank says the card is invalid: binding and charges refused
    single_payment_limit: Decimal | None = None
    latency_seconds: float = 0.0
    unknown_share: float = 0.0  # 0..1: share of charges answered PENDING


@dataclass(frozen=True, slots=True)
class FakeCharge:
    key: str
    agreement_reference: str
    amount: Decimal
    outcome: ChargeOutcome  # what really happened at the gateway
    answered: ChargeOutcome  # what the caller was told (PENDING for an unknown outcome)


@dataclass(slots=True)
class _State:
    cards: dict[str, FakeCard] = field(default_factory=dict)
    agreements: dict[str, str] = field(default_factory=dict)  # reference → card number
    revoked: set[str] = field(default_factory=set)
    results: dict[str, FakeCharge] = field(default_factory=dict)  # key → its charge
    charges: list[FakeCharge] = field(default_factory=list)
    payouts: dict[int, str] = field(default_factory=dict)  # payout id → reference
    rng: random.Random = field(default_factory=random.Random)


class FakeGateway:
    """The fake: in memory, one state per process. See the module docstring."""

    name = "fake"
    default: ClassVar[FakeCard] = FakeCard()
    _state: ClassVar[_State] = _State(rng=random.Random(0))  # noqa: S311 (a replayable fake, not a secret)
    _lock: ClassVar[threading.Lock] = threading.Lock()

    # --- scripting (tests, bench, development) ---

    @classmethod
    def reset(cls, *, seed: int | None = None) -> None:
        """Forget every card, agreement and charge; seed the RNG (default: the setting)."""
        with cls._lock:
            cls.default = FakeCard()
            cls._state = _State(rng=random.Random(_seed() if seed is None else seed))  # noqa: S311

    @classmethod
    def script(cls, card_number: str, **behaviour: object) -> FakeCard:
        """Set how a card behaves (FakeCard's fields as keywords); return its script."""
        with cls._lock:
            card = cls._state.cards.get(card_number, replace(cls.default))
            for name, value in behaviour.items():
                if not hasattr(card, name):
                    raise TypeError(f"FakeCard has no {name}")
                setattr(card, name, value)
            cls._state.cards[card_number] = card
            return card

    @classmethod
    def card(cls, card_number: str) -> FakeCard:
        return cls._state.cards.setdefault(card_number, replace(cls.default))

    @classmethod
    def revoke_at_bank(cls, agreement_reference: str) -> None:
        """The borrower ended the agreement at the bank: later charges are AGREEMENT_REVOKED."""
        with cls._lock:
            cls._state.revoked.add(agreement_reference)

    @property
    def charges(self) -> list[FakeCharge]:
        return list(self._state.charges)

    @property
    def debits(self) -> list[FakeCharge]:
        return [c for c in self._state.charges if c.outcome == ChargeOutcome.SUCCEEDED]

    @property
    def agreements(self) -> dict[str, str]:
        return dict(self._state.agreements)

    # --- the Gateway interface ---

    def charge(self, *, key: str, agreement_reference: str, amount: Decimal) -> ChargeResult:
        """Debit once per key; a key seen before answers its first outcome and moves nothing."""
        card_number = self._state.agreements.get(agreement_reference)
        card = self.card(card_number) if card_number else self.default
        if card.latency_seconds:
            time.sleep(card.latency_seconds)
        with self._lock:
            state = self._state
            seen = state.results.get(key)
            if seen is not None:
                return ChargeResult(key=key, outcome=seen.answered, gateway_reference=key)
            outcome = self._decide(card_number, agreement_reference, card, amount)
            if outcome == ChargeOutcome.SUCCEEDED:
                card.balance -= amount
            unknown = card.unknown_share > 0 and state.rng.random() < card.unknown_share
            answered = ChargeOutcome.PENDING if unknown else outcome
            charge = FakeCharge(key, agreement_reference, amount, outcome, answered)
            state.results[key] = charge
            state.charges.append(charge)
        return ChargeResult(key=key, outcome=answered, gateway_reference=f"FAKE-C-{key}")

    def _decide(
        self, card_number: str | None, agreement: str, card: FakeCard, amount: Decimal
    ) -> ChargeOutcome:
        if card_number is None or agreement in self._state.revoked:
            return ChargeOutcome.AGREEMENT_REVOKED
        if card.closed:
            return ChargeOutcome.CARD_INVALID
        if card.frozen:
            return ChargeOutcome.CARD_FROZEN
        if card.single_payment_limit is not None and amount > card.single_payment_limit:
            return ChargeOutcome.LIMIT_EXCEEDED
        if amount > card.balance:
            return ChargeOutcome.INSUFFICIENT_FUNDS
        return ChargeOutcome.SUCCEEDED

    def charge_query(self, *, key: str) -> ChargeResult:
        """Tell what really happened to the charge of ``key`` (PENDING if none was received)."""
        seen = self._state.results.get(key)
        if seen is None:
            return ChargeResult(key=key, outcome=ChargeOutcome.PENDING)
        return ChargeResult(key=key, outcome=seen.outcome, gateway_reference=f"FAKE-C-{key}")

    def send(self, payout: Payout) -> PayoutResult:
        with self._lock:
            reference = self._state.payouts.setdefault(payout.pk, f"FAKE-{payout.pk:010d}")
        return PayoutResult(reference=reference, settled=True)

    def payout_query(self, payout: Payout) -> PayoutResult:
        reference = self._state.payouts.get(payout.pk, "")
        return PayoutResult(reference=reference, settled=bool(reference))

    def bind(self, *, card: CardDetails) -> str:
        """Open an agreement; a closed or frozen card is refused with the bank's reason."""
        script = self.card(card.number)
        if script.closed:
            raise GatewayBindRefused(
                _("The bank says this card is not valid."), reason="CARD_INVALID"
            )
        if script.frozen:
            raise GatewayBindRefused(_("The bank says this card is frozen."), reason="CARD_FROZEN")
        with self._lock:
            reference = f"FAKE-AGR-{len(self._state.agreements) + 1:08d}"
            self._state.agreements[reference] = card.number
        return reference

    def unbind(self, *, agreement_reference: str) -> None:
        with self._lock:
            self._state.revoked.add(agreement_reference)

    def callback_verify(self, *, body: bytes, signature: str) -> bool:
        return callback_signature_valid(
            body=body, signature=signature, secret=settings.LENDPORTAL_GATEWAY_CALLBACK_SECRET
        )


def _seed() -> int:
    return int(getattr(settings, "LENDPORTAL_FAKE_GATEWAY_SEED", 0))
