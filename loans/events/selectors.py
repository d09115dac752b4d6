"""Reads of the outbox: the partners' event feed (PRODUCT §7)."""

from __future__ import annotations

from accounts.models import Partner
from loans.events.models import OutboxEvent


class UnknownEventCursor(Exception):
    """The ``after`` of an event feed request names no event of this partner."""


def partner_events_after(*, partner: Partner, after: int | None, limit: int) -> list[OutboxEvent]:
    """Return the partner's next numbered events (commit order), after event ``after``.

    Raises UnknownEventCursor when ``after`` is no numbered event of the partner.
    """
    events = OutboxEvent.objects.filter(partner=partner, sequence__isnull=False)
    if after is not None:
        sequence = events.filter(pk=after).values_list("sequence", flat=True).first()
        if sequence is None:
            raise UnknownEventCursor(after)
        events = events.filter(sequence__gt=sequence)
    return list(events.order_by("sequence")[:limit])
