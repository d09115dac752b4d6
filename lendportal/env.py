"""Reading configuration from the environment (twelve-factor): one place, typed."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return default if value is None else int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


def env_decimal(name: str, default: str) -> Decimal:
    value = os.environ.get(name, default)
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise ImproperlyConfigured(f"{name} must be a decimal number, not {value!r}.") from error


def cache_url_for_broker(broker_url: str) -> str:
    """Return a redis-py URL for the broker's Redis.

    kombu spells a socket ``redis+socket:///path?virtual_host=N``, redis-py
    ``unix:///path?db=N`` (it refuses an unknown ``virtual_host`` argument).
    """
    if not broker_url.startswith("redis+socket://"):
        return broker_url
    parts = urlsplit(broker_url)
    query = urlencode([("db" if k == "virtual_host" else k, v) for k, v in parse_qsl(parts.query)])
    # Spelt out: urlunsplit would drop the "//" of the empty host ("unix:/path").
    return f"unix://{parts.netloc}{parts.path}" + (f"?{query}" if query else "")
