"""The gateway's signed callback, recorded through the one outcome service of each record.

The view (``POST /api/v1/gateway/callbacks``) checks the signature on the raw body first; then
this records what the callback says, once: a charge through ``attempt_outcome_record``
(``decided_by="callback"``), a payout through ``payout_settle`` or ``payout_fail`` (a refusal
cancels the loan). A second, identical callback changes nothing; a callback that contradicts
an outcome already known changes nothing either (the settlement file will show the difference
to finance). docs/rails.md "Gateway callbacks" has the body.
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum

from loans.calendar.selectors import business_date_current
from loans.errors import LendingError
from loans.origination.models import Payout
from loans.origination.services.payouts import payout_fail, payout_settle
from loans.payments.collection.outcomes import AttemptUnknown, attempt_outcome_record
from loans.payments.gateway import ChargeOutcome

logger = logging.getLogger(__name__)

_PAYOUT_KEY = re.compile(r"payout-([1-9]\d{0,17})")
CALLBACK_PAYOUT_FAILURE_REASON = "Refused by the bank (gateway callback)"


class CallbackKind(StrEnum):
    CHARGE = "CHARGE"
    PAYOUT = "PAYOUT"


class PayoutCallbackOutcome(StrEnum):
    SETTLED = "SETTLED"
    FAILED = "FAILED"


# What a callback may report: final outcomes only (an unknown outcome is not news).
CHARGE_CALLBACK_OUTCOMES = tuple(o.value for o in ChargeOutcome if o != ChargeOutcome.PENDING)
PAYOUT_CALLBACK_OUTCOMES = tuple(o.value for o in PayoutCallbackOutcome)


class CallbackKeyUnknown(LendingError):
    """The callback names a charge or payout we never made."""

    code = "not_found"


def gateway_callback_record(
    *, kind: str, key: str, outcome: str, gateway_reference: str = "", failure_code: str = ""
) -> None:
    """Record a verified callback's outcome, once; raise CallbackKeyUnknown for a foreign key."""
    if kind == CallbackKind.CHARGE:
        _charge_record(key, ChargeOutcome(outcome), gateway_reference)
    else:
        _payout_record(key, PayoutCallbackOutcome(outcome), gateway_reference, failure_code)


def _charge_record(key: str, outcome: ChargeOutcome, gateway_reference: str) -> None:
    try:
        attempt = attempt_outcome_record(
            key=key, outcome=outcome, gateway_reference=gateway_reference, decided_by="callback"
        )
    except AttemptUnknown as error:
        raise CallbackKeyUnknown(f"No charge has the key {key!r}.") from error
    logger.info("callback: attempt %s is %s", attempt.pk, attempt.status)


def _payout_record(
    key: str, outcome: PayoutCallbackOutcome, gateway_reference: str, failure_code: str
) -> None:
    found = _PAYOUT_KEY.fullmatch(key)
    payout = Payout.objects.filter(pk=int(found.group(1))).first() if found else None
    if payout is None:
        raise CallbackKeyUnknown(f"No payout has the key {key!r}.")
    as_of = business_date_current()
    if outcome == PayoutCallbackOutcome.SETTLED:
        payout = payout_settle(
            payout=payout, reference=gateway_reference or payout.reference, as_of=as_of
        )
    else:
        payout = payout_fail(
            payout=payout,
            code=failure_code,
            reason=CALLBACK_PAYOUT_FAILURE_REASON,
            as_of=as_of,
            reference=gateway_reference,
        )
    logger.info("callback: payout %s is %s", payout.pk, payout.status)
