"""Webhook subscriptions and the sender of the outbox (PRODUCT §7, docs/api.md).

Each POST is signed twice (loans.events.services.signing): the Standard Webhooks headers and
``LendPortal-Signature``. Secrets are stored encrypted (accounts.crypto) and shown to the partner
only in the answer that creates the subscription. URLs are https:// (plain http:// only under
``LENDPORTAL_WEBHOOK_ALLOW_HTTP``, for development).

The sender claims one delivery at a time, just before its POST, with a row lock
(``FOR UPDATE SKIP LOCKED``) that its transaction holds until the attempt is recorded: the claim
lasts exactly as long as the send, however slow the endpoint, and ends with a worker that dies
(its connection closes). So no delivery is ever sent by two senders at once, and several may
run side by side. A delivery is claimed only when no earlier event of the same loan is still
pending for that subscription, being sent included: one in flight per (subscription, loan), in
event order. A failure is retried after base * 2**(attempt - 1) seconds (capped) until its
deadline, 24 hours after the event; every attempt is recorded.
"""

from __future__ import annotations

import ipaddress
import json
import logging
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
from django.utils.translation import gettext, gettext_noop
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress

from accounts.crypto import FieldNotDecryptable, decrypt, encrypt
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
from loans.events.services.signing import signed_headers, webhook_secret_generate
from loans.metrics import webhook_attempt_count

logger = logging.getLogger(__name__)

HTTPS_REQUIRED = gettext_noop("The URL must start with https:// (plain http:// is refused).")
_PRIVATE = "The host {host} is on a private or reserved network."
_UNDECRYPTABLE = "The subscription's secret does not decrypt with the configured keys."


class WebhookSubscriptionRefused(LendingError):
    code = "webhook_subscription_refused"


@dataclass(frozen=True, slots=True)
class PostResult:
    status_code: int | None
    error: str = ""


Poster = Callable[[str, bytes, dict[str, str], float], PostResult]


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


def webhook_url_scheme_allowed(url: str) -> bool:
    """Whether ``url`` may receive webhooks by its scheme: https, or http in development."""
    scheme = urlsplit(url).scheme.lower()
    return scheme == "https" or (scheme == "http" and settings.LENDPORTAL_WEBHOOK_ALLOW_HTTP)


def webhook_secret(*, subscription: WebhookSubscription) -> str:
    """Return the subscription's signing secret in clear. Raises FieldNotDecryptable."""
    return decrypt(subscription.secret_ciphertext)


@transaction.atomic
def webhook_subscription_create(
    *, partner: Partner, url: str, event_types: list[str]
) -> WebhookSubscription:
    """Subscribe ``url`` to the partner's events (all types when ``event_types`` is empty).

    The secret is made here and stored encrypted; ``webhook_secret`` reads it for the one
    answer that shows it. Raises WebhookSubscriptionRefused.
    """
    unknown = sorted(set(event_types) - set(WebhookEventType.values))
    if unknown:
        raise WebhookSubscriptionRefused(f"Unknown event types: {', '.join(unknown)}.")
    if not webhook_url_scheme_allowed(url):
        raise WebhookSubscriptionRefused(gettext(HTTPS_REQUIRED))
    refusal = webhook_destination_refusal(url, resolve_failure_allowed=True)
    if refusal:
        raise WebhookSubscriptionRefused(refusal)
    return WebhookSubscription.objects.create(
        partner=partner,
        url=url,
        secret_ciphertext=encrypt(webhook_secret_generate()),
        event_types=sorted(set(event_types)),
    )


@transaction.atomic
def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Stop sending to a subscription; its pending deliveries are dropped, the log is kept.

    A delivery being sent at that moment is waited for (its row is locked by its sender).
    """
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.is_active = False
    subscription.deleted_at = timezone.now()
    subscription.save(update_fields=["is_active", "deleted_at"])
    subscription.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error="Subscription deleted."
    )


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """Send a delivery again (whatever its status), with a fresh 24-hour retry window.

    Waits for a send of it in flight (the row lock), so it is never sent twice at once.
    """
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if not WebhookSubscription.objects.filter(pk=delivery.subscription_id, is_active=True).exists():
        raise WebhookSubscriptionRefused("The subscription of this delivery was deleted.")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now
    delivery.deadline_at = now + timedelta(hours=settings.LENDPORTAL_WEBHOOK_RETRY_HOURS)
    delivery.save(update_fields=["status", "next_attempt_at", "deadline_at"])
    return delivery


def webhook_deliveries_send(
    *,
    now: datetime | None = None,
    limit: int = 100,
    post: Poster | None = None,
    time_budget_seconds: float | None = None,
) -> int:
    """Send due deliveries one by one (at most ``limit``); return how many were attempted.

    Each is claimed just before its POST (see the module's docstring). ``now`` fixes the
    clock (tests); with ``time_budget_seconds`` no claim starts after that many seconds, so a
    task stops before its time limit rather than in the middle of a POST.
    """
    started = time.monotonic()
    attempted = 0
    while attempted < limit:
        if time_budget_seconds is not None and time.monotonic() - started >= time_budget_seconds:
            break
        if not _claim_and_send(now or timezone.now(), post or _http_post):
            break
        attempted += 1
    return attempted


def backoff_seconds(attempt: int) -> int:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...): exponential, capped."""
    base: int = settings.LENDPORTAL_WEBHOOK_BACKOFF_SECONDS
    cap: int = settings.LENDPORTAL_WEBHOOK_BACKOFF_CAP_SECONDS
    return int(min(base * 2 ** min(attempt - 1, 30), cap))


# One due delivery whose loan has no earlier event pending for its subscription, locked for the
# claiming transaction; a row another sender holds is skipped, and while that sender holds the
# earlier event of a loan (still PENDING), the loan's later events are not candidates.
_CLAIM = """
    SELECT d.id FROM loans_webhookdelivery d
    WHERE d.status = 'PENDING' AND d.next_attempt_at <= %(now)s
      AND NOT EXISTS (
          SELECT 1 FROM loans_webhookdelivery e
          WHERE e.subscription_id = d.subscription_id AND e.loan_id = d.loan_id
            AND e.event_id < d.event_id AND e.status = 'PENDING')
    ORDER BY d.next_attempt_at, d.id
    LIMIT 1
    FOR UPDATE OF d SKIP LOCKED
"""


@transaction.atomic
def _claim_and_send(now: datetime, post: Poster) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM, {"now": now})
        row = cursor.fetchone()
    if row is None:
        return False
    delivery = WebhookDelivery.objects.select_related("event", "subscription").get(pk=row[0])
    started = time.monotonic()
    try:
        secret = webhook_secret(subscription=delivery.subscription)
    except FieldNotDecryptable:
        # Recorded like a failed POST, so the sender does not stop at this delivery.
        result = PostResult(status_code=None, error=_UNDECRYPTABLE)
    else:
        body = event_body(delivery.event)
        headers = signed_headers(
            secret=secret,
            event_id=delivery.event_id,
            event_type=delivery.event.event_type,
            timestamp=int(now.timestamp()),
            body=body,
        )
        if delivery.event.request_id:  # the partner can quote it to us (#21)
            headers["X-Request-Id"] = delivery.event.request_id
        result = post(
            delivery.subscription.url, body, headers, settings.LENDPORTAL_WEBHOOK_TIMEOUT_SECONDS
        )
    _record(delivery, now, result, int((time.monotonic() - started) * 1000))
    return True


def _record(delivery: WebhookDelivery, now: datetime, result: PostResult, duration_ms: int) -> None:
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
    if succeeded:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        webhook_attempt_count(outcome="delivered")
    elif now >= delivery.deadline_at:
        delivery.status = DeliveryStatus.FAILED
        logger.warning("webhook delivery %s failed for good", delivery.pk)
        webhook_attempt_count(outcome="failed")
    else:
        retry_at = now + timedelta(seconds=backoff_seconds(delivery.attempt_count))
        delivery.next_attempt_at = min(retry_at, delivery.deadline_at)
        webhook_attempt_count(outcome="retry")
    delivery.save(
        update_fields=[
            "attempt_count",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )


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
    # A subscription made over plain http before #16 (or while development allowed it).
    if not webhook_url_scheme_allowed(url):
        return PostResult(status_code=None, error=HTTPS_REQUIRED)
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
