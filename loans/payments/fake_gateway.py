"""A scriptable fake gateway for development, tests and ``make bench`` (PRODUCT §11).

Each card is scripted by its number (``FakeGateway.script``): balance, frozen, closed, the bank's
single-payment limit, a latency, and the share of charges whose outcome comes back unknown
(``PENDING``); a card never scripted behaves as ``FakeGateway.default``. The unknown outcomes
come from a seeded RNG (``LENDPORTAL_FAKE_GATEWAY_SEED``), so a run can be replayed. An unknown
charge is still decided at the gateway: ``charge_query`` then tells what really happened, as a
real gateway's query does after a timeout. A LIMIT_EXCEEDED answer names the card's limit.

Where the state lives (cards, agreements, charges, payouts):

- by default in memory, one per process, shared by every ``FakeGateway()`` the code makes (the
  settings name a class, instantiated per call): unit and integration tests;
- with ``LENDPORTAL_FAKE_GATEWAY_SHARED`` on, in Redis (the default cache's, under
  ``LENDPORTAL_FAKE_GATEWAY_NAMESPACE``), so several worker processes and the test or bench
  that scripts them see one gateway: a charge is decided under its card's Redis lock, and the
  unknown outcomes are drawn per key (seed and key), so a run replays whatever the order of
  charges.
  A ``FakeCard`` returned by ``script``/``card`` is then a copy: script again to change it.

``FakeGateway.reset()`` clears the state. ``charges`` records every call of ``charge`` in
order, and ``debits`` every charge that moved money, so a test can assert that no key was ever
charged twice.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import redis
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

    def dumps(self) -> str:
        data = asdict(self)
        data["balance"] = str(self.balance)
        limit = self.single_payment_limit
        data["single_payment_limit"] = None if limit is None else str(limit)
        return json.dumps(data)

    @classmethod
    def loads(cls, text: str | bytes) -> FakeCard:
        data = json.loads(text)
        data["balance"] = Decimal(data["balance"])
        limit = data["single_payment_limit"]
        data["single_payment_limit"] = None if limit is None else Decimal(limit)
        return cls(**data)


@dataclass(frozen=True, slots=True)
class FakeCharge:
    key: str
    agreement_reference: str
    amount: Decimal
    outcome: ChargeOutcome  # what really happened at the gateway
    answered: ChargeOutcome  # what the caller was told (PENDING for an unknown outcome)

    def dumps(self) -> str:
        return json.dumps(
            [self.key, self.agreement_reference, str(self.amount), self.outcome, self.answered]
        )

    @classmethod
    def loads(cls, text: str | bytes) -> FakeCharge:
        key, agreement, amount, outcome, answered = json.loads(text)
        return cls(key, agreement, Decimal(amount), ChargeOutcome(outcome), ChargeOutcome(answered))


class _Store(Protocol):
    """Where the fake keeps its state: this process's memory, or Redis (shared)."""

    def reset(self, seed: int) -> None: ...
    def locked(self, card_number: str | None) -> Any: ...  # one charge of a card at a time
    def card_get(self, number: str) -> FakeCard | None: ...
    def card_put(self, number: str, card: FakeCard) -> None: ...
    def agreement_add(self, number: str) -> str: ...
    def agreement_card(self, reference: str) -> str | None: ...
    def agreements(self) -> dict[str, str]: ...
    def revoke(self, reference: str) -> None: ...
    def revoked(self, reference: str) -> bool: ...
    def result(self, key: str) -> FakeCharge | None: ...
    def record(self, charge: FakeCharge) -> None: ...
    def charges(self) -> list[FakeCharge]: ...
    def draw(self, key: str) -> float: ...  # the unknown-outcome RNG, in [0, 1)
    def payout_reference(self, payout_id: int, *, create: bool) -> str: ...


@dataclass(slots=True)
class _MemoryStore:
    cards: dict[str, FakeCard] = field(default_factory=dict)
    agreement_cards: dict[str, str] = field(default_factory=dict)  # reference → card number
    revoked_references: set[str] = field(default_factory=set)
    results: dict[str, FakeCharge] = field(default_factory=dict)  # key → its charge
    log: list[FakeCharge] = field(default_factory=list)
    payouts: dict[int, str] = field(default_factory=dict)  # payout id → reference
    rng: random.Random = field(default_factory=random.Random)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def reset(self, seed: int) -> None:
        with self.lock:
            self.cards, self.agreement_cards, self.revoked_references = {}, {}, set()
            self.results, self.log, self.payouts = {}, [], {}
            self.rng = random.Random(seed)  # noqa: S311 (a replayable fake, not a secret)

    def locked(self, card_number: str | None) -> threading.RLock:
        return self.lock

    def card_get(self, number: str) -> FakeCard | None:
        return self.cards.get(number)

    def card_put(self, number: str, card: FakeCard) -> None:
        self.cards[number] = card

    def agreement_add(self, number: str) -> str:
        with self.lock:
            reference = f"FAKE-AGR-{len(self.agreement_cards) + 1:08d}"
            self.agreement_cards[reference] = number
        return reference

    def agreement_card(self, reference: str) -> str | None:
        return self.agreement_cards.get(reference)

    def agreements(self) -> dict[str, str]:
        return dict(self.agreement_cards)

    def revoke(self, reference: str) -> None:
        self.revoked_references.add(reference)

    def revoked(self, reference: str) -> bool:
        return reference in self.revoked_references

    def result(self, key: str) -> FakeCharge | None:
        return self.results.get(key)

    def record(self, charge: FakeCharge) -> None:
        self.results[charge.key] = charge
        self.log.append(charge)

    def charges(self) -> list[FakeCharge]:
        return list(self.log)

    def draw(self, key: str) -> float:
        return self.rng.random()

    def payout_reference(self, payout_id: int, *, create: bool) -> str:
        with self.lock:
            if create:
                return self.payouts.setdefault(payout_id, f"FAKE-{payout_id:010d}")
            return self.payouts.get(payout_id, "")


class _RedisStore:
    """The same state in Redis hashes under a namespace, for every process at once."""

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self.client = client
        self.ns = namespace

    def _k(self, name: str) -> str:
        return f"{self.ns}:{name}"

    def reset(self, seed: int) -> None:
        names = list(self.client.scan_iter(match=self._k("*")))
        if names:
            self.client.delete(*names)
        self.client.set(self._k("seed"), seed)

    @contextmanager
    def locked(self, card_number: str | None) -> Iterator[None]:
        # Per card (its balance; a key's charges are all of one card): charges of different
        # cards are decided at once. Polled every millisecond, not redis-py's 0.1 s: a charge
        # holds it for a few round trips, and the bench charges one card from 8 threads.
        name = self._k(f"lock:{card_number or '-'}")
        with self.client.lock(name, timeout=30, blocking_timeout=60, sleep=0.001):
            yield

    def card_get(self, number: str) -> FakeCard | None:
        text = self.client.hget(self._k("cards"), number)
        return None if text is None else FakeCard.loads(text)

    def card_put(self, number: str, card: FakeCard) -> None:
        self.client.hset(self._k("cards"), number, card.dumps())

    def agreement_add(self, number: str) -> str:
        reference = f"FAKE-AGR-{self.client.incr(self._k('agreement-seq')):08d}"
        self.client.hset(self._k("agreements"), reference, number)
        return reference

    def agreement_card(self, reference: str) -> str | None:
        number = self.client.hget(self._k("agreements"), reference)
        return None if number is None else _text(number)

    def agreements(self) -> dict[str, str]:
        rows = self.client.hgetall(self._k("agreements"))
        return {_text(k): _text(v) for k, v in rows.items()}

    def revoke(self, reference: str) -> None:
        self.client.sadd(self._k("revoked"), reference)

    def revoked(self, reference: str) -> bool:
        return bool(self.client.sismember(self._k("revoked"), reference))

    def result(self, key: str) -> FakeCharge | None:
        text = self.client.hget(self._k("results"), key)
        return None if text is None else FakeCharge.loads(text)

    def record(self, charge: FakeCharge) -> None:
        text = charge.dumps()
        pipe = self.client.pipeline()
        pipe.hset(self._k("results"), charge.key, text)
        pipe.rpush(self._k("charges"), text)
        pipe.execute()

    def charges(self) -> list[FakeCharge]:
        return [FakeCharge.loads(text) for text in self.client.lrange(self._k("charges"), 0, -1)]

    def draw(self, key: str) -> float:
        seed = int(self.client.get(self._k("seed")) or _seed())
        return random.Random(f"{seed}:{key}").random()  # noqa: S311 (replayable, not a secret)

    def payout_reference(self, payout_id: int, *, create: bool) -> str:
        name, field_name = self._k("payouts"), str(payout_id)
        if create:
            self.client.hsetnx(name, field_name, f"FAKE-{payout_id:010d}")
        reference = self.client.hget(name, field_name)
        return "" if reference is None else _text(reference)


_MEMORY = _MemoryStore(rng=random.Random(0))  # noqa: S311 (a replayable fake, not a secret)
_CLIENTS: dict[str, redis.Redis] = {}


def _store() -> _Store:
    if not getattr(settings, "LENDPORTAL_FAKE_GATEWAY_SHARED", False):
        return _MEMORY
    url = str(settings.CACHES["default"]["LOCATION"])  # the shared Redis (the broker's)
    client = _CLIENTS.get(url)
    if client is None:
        client = _CLIENTS[url] = redis.Redis.from_url(url)
    return _RedisStore(client, settings.LENDPORTAL_FAKE_GATEWAY_NAMESPACE)


class FakeGateway:
    """The fake: one state per process, or in Redis for all. See the module docstring."""

    name = "fake"
    default: ClassVar[FakeCard] = FakeCard()

    # --- scripting (tests, bench, development) ---

    @classmethod
    def reset(cls, *, seed: int | None = None) -> None:
        """Forget every card, agreement and charge; seed the RNG (default: the setting)."""
        cls.default = FakeCard()
        _store().reset(_seed() if seed is None else seed)

    @classmethod
    def script(cls, card_number: str, **behaviour: object) -> FakeCard:
        """Set how a card behaves (FakeCard's fields as keywords); return its script."""
        store = _store()
        with store.locked(card_number):
            card = store.card_get(card_number) or replace(cls.default)
            for name, value in behaviour.items():
                if not hasattr(card, name):
                    raise TypeError(f"FakeCard has no {name}")
                setattr(card, name, value)
            store.card_put(card_number, card)
            return card

    @classmethod
    def card(cls, card_number: str) -> FakeCard:
        store = _store()
        card = store.card_get(card_number)
        if card is None:
            card = replace(cls.default)
            store.card_put(card_number, card)
        return card

    @classmethod
    def revoke_at_bank(cls, agreement_reference: str) -> None:
        """The borrower ended the agreement at the bank: later charges are AGREEMENT_REVOKED."""
        _store().revoke(agreement_reference)

    @property
    def charges(self) -> list[FakeCharge]:
        return _store().charges()

    @property
    def debits(self) -> list[FakeCharge]:
        return [c for c in self.charges if c.outcome == ChargeOutcome.SUCCEEDED]

    @property
    def agreements(self) -> dict[str, str]:
        return _store().agreements()

    # --- the Gateway interface ---

    def charge(self, *, key: str, agreement_reference: str, amount: Decimal) -> ChargeResult:
        """Debit once per key; a key seen before answers its first outcome and moves nothing."""
        store = _store()
        card_number = store.agreement_card(agreement_reference)
        card = self.card(card_number) if card_number else self.default
        if card.latency_seconds:
            time.sleep(card.latency_seconds)
        with store.locked(card_number):
            seen = store.result(key)
            if seen is not None:
                return ChargeResult(key=key, outcome=seen.answered, gateway_reference=key)
            card = self.card(card_number) if card_number else self.default  # as of now
            outcome = self._decide(store, card_number, agreement_reference, card, amount)
            if outcome == ChargeOutcome.SUCCEEDED and card_number:
                card.balance -= amount
                store.card_put(card_number, card)
            unknown = card.unknown_share > 0 and store.draw(key) < card.unknown_share
            answered = ChargeOutcome.PENDING if unknown else outcome
            store.record(FakeCharge(key, agreement_reference, amount, outcome, answered))
        return self._result(key, answered, card)

    @staticmethod
    def _decide(
        store: _Store, card_number: str | None, agreement: str, card: FakeCard, amount: Decimal
    ) -> ChargeOutcome:
        if card_number is None or store.revoked(agreement):
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

    @staticmethod
    def _result(key: str, outcome: ChargeOutcome, card: FakeCard) -> ChargeResult:
        limit = card.single_payment_limit if outcome == ChargeOutcome.LIMIT_EXCEEDED else None
        return ChargeResult(
            key=key,
            outcome=outcome,
            gateway_reference=f"FAKE-C-{key}",
            single_payment_limit=limit,
        )

    def charge_query(self, *, key: str) -> ChargeResult:
        """Tell what really happened to the charge of ``key`` (NOT_FOUND if none was received)."""
        store = _store()
        seen = store.result(key)
        if seen is None:
            return ChargeResult(key=key, outcome=ChargeOutcome.NOT_FOUND)
        number = store.agreement_card(seen.agreement_reference)
        return self._result(key, seen.outcome, self.card(number) if number else self.default)

    def send(self, payout: Payout) -> PayoutResult:
        reference = _store().payout_reference(payout.pk, create=True)
        return PayoutResult(reference=reference, settled=True)

    def payout_query(self, payout: Payout) -> PayoutResult:
        reference = _store().payout_reference(payout.pk, create=False)
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
        return _store().agreement_add(card.number)

    def unbind(self, *, agreement_reference: str) -> None:
        _store().revoke(agreement_reference)

    def callback_verify(self, *, body: bytes, signature: str) -> bool:
        return callback_signature_valid(
            body=body, signature=signature, secret=settings.LENDPORTAL_GATEWAY_CALLBACK_SECRET
        )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _seed() -> int:
    return int(getattr(settings, "LENDPORTAL_FAKE_GATEWAY_SEED", 0))
