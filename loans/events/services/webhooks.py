"""Webhook subscriptions and the sender of the outbox (PRODUCT §7).

Each POST carries ``LendPortal-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`` with the
subscription's secret. A delivery is sent only when no earlier event of the same loan is still
pending for that subscription (in order per loan); a failure is retried after
base * 2**(attempt - 1) seconds (capped) until its deadline, 24 hours after the event; every
attempt is recorded. Senders claim deliveries with a short lease (SKIP LOCKED), so several
workers may run at once and a crashed one's deliveries are taken up after the lease.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress

from accounts.models import Partner
from loans.errors import LendingError
from loans.events.models import (
    DeliveryStatus,
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "LendPortal-Signature"
_PRIVATE = "The host {host} is on a private or reserved network."


class WebhookSubscriptionRefused(LendingError):
    code = "webhook_subscription_refused"


@dataclass(frozen=True, slots=True)
class PostResult:
    status_code: int | None
    error: str = ""


Poster = Callable[[str, bytes, dict[str, str], float], PostResult]


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Return the LendPortal-Signature value: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_body(event: OutboxEvent) -> bytes:
    """The JSON sent for an event and served by the feed: {id, type, created_at, data}."""
    return json.dumps(event_as_dict(event), separators=(",", ":"), sort_keys=True).encode()


def event_as_dict(event: OutboxEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "type": event.event_type,
        "created_at": event.created_at.isoformat(),
        "data": event.data,
    }


@transaction.atomic
def webhook_subscription_create(
    *, partner: Partner, url: str, event_types: list[str]
) -> WebhookSubscription:
    """Subscribe ``url`` to the partner's events (all types when ``event_types`` is empty)."""
    unknown = sorted(set(event_types) - set(WebhookEventType.values))
    if unknown:
        raise WebhookSubscriptionRefused(f"Unknown event types: {', '.join(unknown)}.")
    if not url.startswith(("https://", "http://")):
        raise WebhookSubscriptionRefused("The URL must be http:// or https://.")
    refusal = webhook_destination_refusal(url, resolve_failure_allowed=True)
    if refusal:
        raise WebhookSubscriptionRefused(refusal)
    return WebhookSubscription.objects.create(
        partner=partner,
        url=url,
        secret="whsec_" + secrets.token_hex(24),
        event_types=sorted(set(event_types)),
    )


@transaction.atomic
def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Stop sending to a subscription; its pending deliveries are dropped, the log is kept."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.is_active = False
    subscription.deleted_at = timezone.now()
    subscription.save(update_fields=["is_active", "deleted_at"])
    subscription.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error="Subscription deleted."
    )


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """Send a delivery again (whatever its status), with a fresh 24-hour retry window."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if not WebhookSubscription.objects.filter(pk=delivery.subscription_id, is_active=True).exists():
        raise WebhookSubscriptionRefused("The subscription of this delivery was deleted.")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now
    delivery.deadline_at = now + timedelta(hours=settings.LENDPORTAL_WEBHOOK_RETRY_HOURS)
    delivery.leased_until = None
    delivery.save(update_fields=["status", "next_attempt_at", "deadline_at", "leased_until"])
    return delivery


def webhook_deliveries_send(
    *, now: datetime | None = None, limit: int = 100, post: Poster | None = None
) -> int:
    """Send the due deliveries (at most ``limit``); return how many were attempted."""
    moment = now or timezone.now()
    ids = _claim(moment, limit)
    for delivery_id in ids:
        _send_one(delivery_id, moment if now else timezone.now(), post or _http_post)
    return len(ids)


def backoff_seconds(attempt: int) -> int:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...): exponential, capped."""
    base: int = settings.LENDPORTAL_WEBHOOK_BACKOFF_SECONDS
    cap: int = settings.LENDPORTAL_WEBHOOK_BACKOFF_CAP_SECONDS
    return int(min(base * 2 ** min(attempt - 1, 30), cap))


def _claim(now: datetime, limit: int) -> list[int]:
    lease = now + timedelta(seconds=settings.LENDPORTAL_WEBHOOK_TIMEOUT_SECONDS + 30)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            WITH due AS (
                SELECT d.id FROM loans_webhookdelivery d
                WHERE d.status = 'PENDING' AND d.next_attempt_at <= %(now)s
                  AND (d.leased_until IS NULL OR d.leased_until < %(now)s)
                  AND NOT EXISTS (
                      SELECT 1 FROM loans_webhookdelivery e
                      WHERE e.subscription_id = d.subscription_id AND e.loan_id = d.loan_id
                        AND e.event_id < d.event_id AND e.status = 'PENDING')
                ORDER BY d.next_attempt_at, d.id
                LIMIT %(limit)s
                FOR UPDATE SKIP LOCKED
            )
            UPDATE loans_webhookdelivery d SET leased_until = %(lease)s
            FROM due WHERE d.id = due.id
            RETURNING d.id
            """,
            {"now": now, "limit": limit, "lease": lease},
        )
        return sorted(row[0] for row in cursor.fetchall())


def _send_one(delivery_id: int, now: datetime, post: Poster) -> None:
    delivery = WebhookDelivery.objects.select_related("event", "subscription").get(pk=delivery_id)
    body = event_body(delivery.event)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "LendPortal-Webhooks/1",
        "LendPortal-Event-Id": str(delivery.event_id),
        "LendPortal-Event-Type": delivery.event.event_type,
        SIGNATURE_HEADER: webhook_signature(
            secret=delivery.subscription.secret, timestamp=int(now.timestamp()), body=body
        ),
    }
    started = time.monotonic()
    result = post(
        delivery.subscription.url, body, headers, settings.LENDPORTAL_WEBHOOK_TIMEOUT_SECONDS
    )
    duration_ms = int((time.monotonic() - started) * 1000)
    _record(delivery_id, now, result, duration_ms)


@transaction.atomic
def _record(delivery_id: int, now: datetime, result: PostResult, duration_ms: int) -> None:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    succeeded = result.status_code is not None and 200 <= result.status_code < 300
    delivery.attempt_count += 1
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempt_count,
        attempted_at=now,
        status_code=result.status_code,
        error=result.error[:500],
        duration_ms=duration_ms,
        succeeded=succeeded,
    )
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error[:500]
    delivery.leased_until = None
    if succeeded:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif now >= delivery.deadline_at:
        delivery.status = DeliveryStatus.FAILED
        logger.warning("webhook delivery %s failed for good", delivery.pk)
    else:
        retry_at = now + timedelta(seconds=backoff_seconds(delivery.attempt_count))
        delivery.next_attempt_at = min(retry_at, delivery.deadline_at)
    delivery.save()


def webhook_destination_refusal(url: str, *, resolve_failure_allowed: bool = False) -> str:
    """Why ``url`` may not receive webhooks, or "" when it may.

    Partners name the URL, so it could point the sender at our own network (SSRF): loopback,
    private, link-local (cloud metadata), shared, multicast and reserved addresses are refused,
    whether written literally or resolved from a name, unless the operator allows private
    networks (``LENDPORTAL_WEBHOOK_ALLOW_PRIVATE``, for a partner inside the same network). A name
    that does not resolve yet is accepted at subscription (``resolve_failure_allowed``); the
    sender checks again before every attempt.
    """
    host = urlsplit(url).hostname
    if not host:
        return "The URL has no host."
    if settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE:
        return ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return "" if resolve_failure_allowed else f"The host {host} does not resolve."
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            return _PRIVATE.format(host=host)
    return ""


def _http_post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
    refusal = webhook_destination_refusal(url)
    if refusal:
        return PostResult(status_code=None, error=refusal)
    try:
        with _pinned_session(timeout) as session:
            response = session.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            )
    except InvalidIPAddress:  # the name now resolves to a private address (DNS rebinding)
        host = urlsplit(url).hostname
        return PostResult(status_code=None, error=_PRIVATE.format(host=host))
    except requests.RequestException as error:
        return PostResult(status_code=None, error=f"{type(error).__name__}: {error}")
    message = "" if 200 <= response.status_code < 300 else response.text[:200]
    return PostResult(status_code=response.status_code, error=message)


def _pinned_session(timeout: float) -> requests.Session:
    """A session that connects only to an address it has just checked (requests-hardened).

    It resolves the URL's name once, refuses a private or loopback address, and connects to
    that address, sending the name as Host and as the TLS server name: a name re-pointed
    between ``webhook_destination_refusal`` and the connection is refused, not followed.
    """
    config = Config(
        ip_filter_enable=not settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE,
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=(timeout, timeout),
    )
    session: requests.Session = HTTPSession(config)
    return session
