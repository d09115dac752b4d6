"""How a webhook is signed: the Standard Webhooks scheme and LendPortal-Signature (PRODUCT §7).

Every delivery carries both (docs/api.md, "Events and webhooks"):

- ``webhook-id`` (the event's id, the same on every retry), ``webhook-timestamp`` (unix
  seconds) and ``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``
  keyed with the base64 after ``whsec_`` (https://www.standardwebhooks.com), so a partner
  verifies with any Standard Webhooks library;
- ``LendPortal-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">`` keyed with the whole
  secret string as the partner was given it (its UTF-8 bytes), as before #16.

Secrets are ``whsec_`` and the base64 of 24 random bytes. The ones given before #16 are
``whsec_`` and 48 hex digits: hex digits are base64 characters and 48 is a multiple of 4, so
they decode as base64 too (to 36 bytes), exactly as the standard libraries decode them, and
both signatures verify with the secret each partner already holds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not one
SECRET_BYTES = 24
LEGACY_SIGNATURE_HEADER = "LendPortal-Signature"


def webhook_secret_generate() -> str:
    """Return a new secret: "whsec_" and the base64 of 24 random bytes (32 characters)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def standard_signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Return the webhook-signature value: "v1," and the base64 HMAC-SHA256 of id.t.body."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def legacy_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Return the LendPortal-Signature value: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signed_headers(
    *, secret: str, event_id: int, event_type: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Return the headers of one POST of an event: content, both signatures, the event's id."""
    message_id = str(event_id)
    return {
        "Content-Type": "application/json",
        "User-Agent": "LendPortal-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
        "LendPortal-Event-Id": message_id,
        "LendPortal-Event-Type": event_type,
        LEGACY_SIGNATURE_HEADER: legacy_signature(secret=secret, timestamp=timestamp, body=body),
    }


def _standard_key(secret: str) -> bytes:
    # The padding a standard library adds before decoding (secrets of 24 bytes need none).
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
