"""The worker harness's broker URLs (issue #16, hole 4): on a bare machine the broker is the
embedded Redis on a unix socket (lendportal/embedded.py), spelt ``redis+socket:///path``; moved
to another Redis database it must still be a Redis URL to kombu and to redis-py (the cache)."""

from __future__ import annotations

import pytest
from kombu import Connection

from lendportal.env import cache_url_for_broker
from tests.integration.cob import worker_harness as harness

SOCKET = "/srv/lendportal/var/redis/redis.sock"


@pytest.mark.parametrize(
    ("base", "db", "expected"),
    [
        (f"redis+socket://{SOCKET}", 3, f"redis+socket://{SOCKET}?virtual_host=3"),
        (f"redis+socket://{SOCKET}?virtual_host=1", 0, f"redis+socket://{SOCKET}?virtual_host=0"),
        ("redis://127.0.0.1:6379/5", 6, "redis://127.0.0.1:6379/6"),
        ("redis://:pw@redis.example.com:6380", 2, "redis://:pw@redis.example.com:6380/2"),
    ],
)
def test_broker_url_moves_to_another_database(base: str, db: int, expected: str) -> None:
    url = harness.broker_url(base, db=db)

    assert url == expected
    assert harness.broker_db(url) == db


def test_a_socket_broker_url_stays_a_redis_url_to_kombu() -> None:
    url = harness.broker_url(f"redis+socket://{SOCKET}", db=4)

    connection = Connection(url)

    assert connection.transport_cls == "redis"  # not kombu's default, AMQP
    assert connection.hostname == f"socket://{SOCKET}?virtual_host=4"


def test_the_cache_of_a_socket_broker_uses_the_same_redis_database() -> None:
    assert cache_url_for_broker(f"redis+socket://{SOCKET}?virtual_host=4") == (
        f"unix://{SOCKET}?db=4"
    )
    assert cache_url_for_broker(f"redis+socket://{SOCKET}") == f"unix://{SOCKET}"
    assert cache_url_for_broker("redis://127.0.0.1:6379/5") == "redis://127.0.0.1:6379/5"
