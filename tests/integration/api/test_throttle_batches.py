"""window_allows: one request at a time, or counted in batches well below the limit."""

from __future__ import annotations

import secrets

from django.core.cache import cache

from loans.api.throttling import window_allows


def _in_redis(key: str) -> int:
    return int(cache.get(key) or 0)  # the Lua script's counter is a plain integer


def test_unbatched_every_request_is_counted_in_redis():
    key = f"test-throttle:{secrets.token_hex(4)}"

    assert [window_allows(key, limit=3, seconds=60) for _ in range(4)] == [True] * 3 + [False]
    assert _in_redis(key) == 4


def test_batched_far_from_the_limit_a_process_adds_ten_at_a_time():
    key = f"test-throttle:{secrets.token_hex(4)}"

    assert all(window_allows(key, limit=100, seconds=60, batch=10) for _ in range(9))
    assert _in_redis(key) == 0  # nine counted here, none sent yet
    assert window_allows(key, limit=100, seconds=60, batch=10)
    assert _in_redis(key) == 10

    for _ in range(80):
        assert window_allows(key, limit=100, seconds=60, batch=10)
    assert _in_redis(key) == 90


def test_batched_near_the_limit_every_request_is_counted_and_the_limit_is_exact():
    key = f"test-throttle:{secrets.token_hex(4)}"
    allowed = [window_allows(key, limit=100, seconds=60, batch=10) for _ in range(105)]

    assert allowed == [True] * 100 + [False] * 5
    assert _in_redis(key) == 105


def test_other_processes_counts_are_seen_at_the_next_addition():
    """Another process (here: Redis written directly) used most of the window."""
    key = f"test-throttle:{secrets.token_hex(4)}"
    assert window_allows(key, limit=100, seconds=60, batch=10)  # counted here: 1 pending
    cache.set(key, 85, 60)

    results = [window_allows(key, limit=100, seconds=60, batch=10) for _ in range(20)]

    # The 10th request here adds 10 and sees 95; from then on each one goes to Redis.
    assert results == [True] * 14 + [False] * 6
    assert _in_redis(key) == 85 + 1 + 20  # every request was counted
