"""One-time SMS codes that confirm a checkout order without a portal account (PRODUCT §10,
issue #18), as an H5 checkout (花呗, 白条) does: the signed link names the order, and a code
sent to the mobile on file for the order's borrower shows that whoever confirms holds that phone.

Everything lives in the shared cache, keyed by order, so that a new session or browser starts no
count anew: the code only as an HMAC under the site's secret with a random nonce (six digits
under a plain hash would be found by trying a million), the time it was sent, the codes sent and
the codes tried. Times are compared with ``now`` as well as left to the cache's expiry, which
the tests' clock cannot move. The code itself is never stored, logged or shown.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.selectors import borrower_mobile_decrypt
from loans.portal.templatetags.portal import yuan
from loans.revolving.models import Order
from loans.servicing.notifications import sms_send

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_SECONDS = 5 * 60  # a code is good for 5 minutes
SENDS_PER_ORDER = 5
TRIES_PER_ORDER = 5  # wrong codes; then the shop must make the order again
# Counters outlive the 15 minutes of the order they guard, so they cannot run out first.
_KEEP_SECONDS = 3600
_HMAC_SALT = "lendportal.portal.order-code"


class OrderCodeRefused(Exception):
    """A code could not be sent or was not accepted; ``message`` says why, to the borrower."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OrderCodeTooSoon(OrderCodeRefused):
    """Asked for a new code before LENDPORTAL_SMS_RESEND_SECONDS passed since the last."""


class OrderCodeUsedUp(OrderCodeRefused):
    """All the codes of the order are sent, or all its tries are spent: no more for it."""


class OrderCodeWrong(OrderCodeRefused):
    """The code typed is not the one sent, or it is no longer good."""


@dataclass(frozen=True, slots=True)
class CodeStatus:
    """What the confirmation page offers: a code to type, a new one to ask for, or neither."""

    sent: bool  # a code is out and still good
    wait_seconds: int  # before another may be asked for
    sends_left: int
    tries_left: int  # wrong codes still allowed

    @property
    def locked(self) -> bool:
        """Too many wrong codes: the order can no longer be confirmed by code."""
        return self.tries_left == 0

    @property
    def can_send(self) -> bool:
        return not self.locked and self.sends_left > 0


def order_code_status(*, order: Order, now: datetime) -> CodeStatus:
    """The state of ``order``'s codes at ``now``."""
    held = _held(order)
    sent_at = float(held["sent_at"]) if held else None
    age = now.timestamp() - sent_at if sent_at is not None else None
    wait = 0 if age is None else max(0, int(settings.LENDPORTAL_SMS_RESEND_SECONDS - age + 0.999))
    return CodeStatus(
        sent=age is not None and age < CODE_SECONDS,
        wait_seconds=wait,
        sends_left=max(0, SENDS_PER_ORDER - int(cache.get(_sends_key(order), 0))),
        tries_left=max(0, TRIES_PER_ORDER - int(cache.get(_tries_key(order), 0))),
    )


def order_code_send(*, order: Order, now: datetime) -> None:
    """Send a new 6-digit code by SMS to the mobile on file for ``order``'s borrower.

    The new code replaces any earlier one. Raises OrderCodeTooSoon within a minute of the last
    code, OrderCodeUsedUp after SENDS_PER_ORDER codes or TRIES_PER_ORDER wrong ones.
    """
    status = order_code_status(order=order, now=now)
    if status.locked:
        raise OrderCodeUsedUp(_("Too many wrong codes. Ask the shop to make the order again."))
    if status.wait_seconds:
        raise OrderCodeTooSoon(
            _("A code was sent a moment ago: wait %(seconds)d s to ask for a new one.")
            % {"seconds": status.wait_seconds}
        )
    if _count_up(_sends_key(order)) > SENDS_PER_ORDER:
        raise OrderCodeUsedUp(
            _("No more codes can be sent for this order. Ask the shop to make the order again.")
        )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    nonce = secrets.token_hex(16)
    held = {"nonce": nonce, "digest": _digest(order, nonce, code), "sent_at": now.timestamp()}
    cache.set(_code_key(order), held, timeout=_KEEP_SECONDS)
    text = _(
        "Your LendPortal code to pay %(amount)s to %(shop)s is %(code)s, valid for %(minutes)d "
        "minutes. Do not give it to anyone."
    ) % {
        "amount": yuan(order.amount),
        "shop": order.partner.name,
        "code": code,
        "minutes": CODE_SECONDS // 60,
    }
    borrower = order.account.credit_line.borrower
    try:
        # Decrypted only to hand to the SMS backend (issue #16): never logged, never shown.
        sms_send(
            to=borrower_mobile_decrypt(borrower=borrower),
            text=f"{settings.LENDPORTAL_SMS_SIGNATURE}{text}",
        )
    except Exception as error:  # noqa: BLE001 - any provider error: said to the borrower, retried
        # The provider's error may quote the number or the text: only its class is logged.
        logger.warning("order %s: confirmation code not sent (%s)", order.pk, type(error).__name__)
        cache.delete(_code_key(order))
        raise OrderCodeRefused(_("The code could not be sent. Try again in a minute.")) from None
    logger.info("order %s: confirmation code sent", order.pk)


def order_code_check(*, order: Order, code: str, now: datetime) -> None:
    """Accept ``code`` for ``order`` once: the code is spent, whatever the capture does next.

    Raises OrderCodeUsedUp once TRIES_PER_ORDER wrong codes were typed (the one that reaches
    the limit too), OrderCodeWrong for a wrong code or none still good.
    """
    locked = _("Too many wrong codes. Ask the shop to make the order again.")
    if int(cache.get(_tries_key(order), 0)) >= TRIES_PER_ORDER:
        raise OrderCodeUsedUp(locked)
    held = _held(order)
    if held is None or now.timestamp() - float(held["sent_at"]) >= CODE_SECONDS:
        raise OrderCodeWrong(_("This code is no longer good: ask for a new one."))
    # Counted before comparing, atomically: two tries at once cannot both be the fifth.
    tries = _count_up(_tries_key(order))
    if tries > TRIES_PER_ORDER:
        raise OrderCodeUsedUp(locked)
    if not constant_time_compare(_digest(order, str(held["nonce"]), code), str(held["digest"])):
        if tries >= TRIES_PER_ORDER:
            logger.info("order %s: confirmation codes locked after %s wrong", order.pk, tries)
            raise OrderCodeUsedUp(locked)
        raise OrderCodeWrong(_("That code is not right. Check the SMS and type it again."))
    cache.delete(_code_key(order))
    with suppress(ValueError):  # only wrong codes count against the order
        cache.decr(_tries_key(order))


def _digest(order: Order, nonce: str, code: str) -> str:
    return salted_hmac(_HMAC_SALT, f"{order.pk}:{nonce}:{code}", algorithm="sha256").hexdigest()


def _held(order: Order) -> dict[str, Any] | None:
    held = cache.get(_code_key(order))
    return held if isinstance(held, dict) else None


def _count_up(key: str) -> int:
    cache.add(key, 0, timeout=_KEEP_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # gone between add and incr (evicted): start again at one
        cache.set(key, 1, timeout=_KEEP_SECONDS)
        return 1


def _code_key(order: Order) -> str:
    return f"portal:order-code:{order.pk}"


def _sends_key(order: Order) -> str:
    return f"portal:order-code-sends:{order.pk}"


def _tries_key(order: Order) -> str:
    return f"portal:order-code-tries:{order.pk}"
