"""Rate limits per partner: one counter per OAuth2 client and read/write (settings).

DRF's SimpleRateThrottle keeps, per client, the list of every request's time in the last
window, reads it from the cache and writes it back on every call. At a busy partner's
6,000/min that is a list of up to 6,000 floats (about 50 KB) pickled and sent to Redis twice
per request; under the bench's rate it grew to 20,000. This throttle keeps one integer per
client and window instead, counted by a small Lua script that increments it and, on the
window's first request, sets it to expire ``duration`` seconds later: one round trip to
Redis, whatever the rate; the partners' limits count in batches (``window_allows``).

A fixed window lets a client send up to twice its rate across a window's edge; for a limit
meant to protect the service from a runaway client that is acceptable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.core.cache import cache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

# Add to the count, and start the window's clock when the key has none: one round trip, atomic
# in Redis.
_ADD_IN_WINDOW = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return count
"""


@dataclass(slots=True)
class _Count:
    known: int = 0  # the window's count in Redis when this process last added to it
    pending: int = 0  # requests counted here and not yet added


_counts: dict[str, _Count] = {}  # per process, for the keys counted in batches


def window_allows(key: str, *, limit: int, seconds: int, batch: int = 1) -> bool:
    """Count one request under ``key``; False once the window holds more than ``limit``.

    With ``batch`` > 1, a process that last saw the count well below the limit counts the key's
    requests itself and adds them to Redis ``batch`` at a time; within ``batch`` of the limit it
    adds every request. That saves most round trips at a busy client's rate, at the price of a
    looser limit: with P web processes a client may get up to P x (batch - 1) requests more per
    window (a stale count only makes a process ask Redis sooner).
    """
    if batch > 1:
        count = _counts.setdefault(key, _Count())
        count.pending += 1
        if count.pending < batch and count.known + count.pending <= limit - batch:
            return True
        added, count.pending = count.pending, 0
    else:
        count, added = None, 1
    full_key = cache.make_and_validate_key(key)
    total = int(_redis_client().eval(_ADD_IN_WINDOW, 1, full_key, added, seconds))
    if count is not None:
        count.known = total
    return total <= limit


# Django's Redis cache has no "increment, or create with a timeout"; its redis-py client does.
# Django builds a new client (with its table of ~170 reply parsers) on every cache call; one
# per cache connection is kept here instead.
_clients: WeakKeyDictionary[Any, Any] = WeakKeyDictionary()


def _redis_client() -> Any:
    backend = cache._cache  # type: ignore[attr-defined]  # django's RedisCacheClient
    client = _clients.get(backend)
    if client is None:
        client = _clients[backend] = backend.get_client(write=True)
    return client


def client_address(request: Any) -> str:
    """The address of the client that connected to us, as far as it can be trusted.

    With ``LENDPORTAL_TRUSTED_PROXY_COUNT`` = 0 (the default: nothing in front of the web
    processes), the connection's ``REMOTE_ADDR``; ``X-Forwarded-For`` is the client's own
    writing and is ignored. Behind N reverse proxies that each append the address they saw, the
    N-th entry from the right of ``X-Forwarded-For`` (whatever the client put before it is
    skipped); with fewer entries than that, the leftmost one.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(settings.LENDPORTAL_TRUSTED_PROXY_COUNT)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in str(forwarded).split(",")]
    return hops[-min(proxies, len(hops))] or remote


class WindowThrottle(SimpleRateThrottle):
    """DRF's rate parsing and client address, counted by ``window_allows``.

    Subclasses set ``num_requests`` and ``duration`` (``parse_rate``) and name the key.
    """

    num_requests: int | None = None
    duration: int | None = None
    batch = 1  # requests a process may count before adding them to Redis (window_allows)

    def __init__(self) -> None:
        # SimpleRateThrottle reads its rate here from a scope; subclasses choose their own.
        pass

    def allow_request(self, request: Any, view: Any) -> bool:
        key = self.get_cache_key(request, view)
        if key is None or self.num_requests is None or self.duration is None:
            return True
        return window_allows(key, limit=self.num_requests, seconds=self.duration, batch=self.batch)

    def wait(self) -> float | None:
        """Seconds until the client may try again: at most one window."""
        return float(self.duration) if self.duration else None


class PartnerRateThrottle(WindowThrottle):
    """LENDPORTAL_API_THROTTLE_RATES["read"] for GET, ["write"] for the rest, per client.

    Rates are read per request (not at import), so settings overrides apply in tests. The key
    uses the client id, random per client, so counters never carry over to a new partner.
    Counted in batches of 10: at the default 6,000 reads a minute, one round trip to Redis per
    ten requests while the partner is more than ten below its limit.
    """

    batch = 10

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = "read" if request.method in SAFE_METHODS else "write"
        self.rate = settings.LENDPORTAL_API_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if token is None or not hasattr(token, "application"):
            return None
        return f"api-throttle:{token.application.client_id}:{self.scope}:window"
