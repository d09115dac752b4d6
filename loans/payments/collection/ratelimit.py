"""The gateway's rate limit, shared by every worker: a fixed one-second window in Redis.

``LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND`` charges per second per gateway (default 100, PRODUCT
§11). Each charge takes a ticket from the counter of the current second (the shared cache,
Redis: INCR on a key that expires); over the limit, it waits for the next second. A fixed
window can let up to twice the rate through across a second's boundary; gateways count per
second too, and the limit is set below theirs.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def gateway_rate_wait(*, gateway_name: str) -> float:
    """Block until a charge may go to ``gateway_name``; return the seconds waited."""
    limit = settings.LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND
    if limit <= 0:  # no limit configured
        return 0.0
    started = time.monotonic()
    while True:
        second = int(time.time())
        taken = _ticket(f"collection-rate:{gateway_name}:{second}")
        if taken is not None and taken <= limit:
            return time.monotonic() - started
        if taken is not None:
            time.sleep(max(0.001, second + 1 - time.time()))


def _ticket(key: str) -> int | None:
    """Take the next number of the second's counter; None when another process made the
    counter at the same moment (count again). ``cache.incr`` refuses a missing key, and a
    counter can expire between ``add`` and ``incr`` (a clock standing still in tests)."""
    try:
        return int(cache.incr(key))
    except ValueError:
        return 1 if cache.add(key, 1, timeout=5) else None
