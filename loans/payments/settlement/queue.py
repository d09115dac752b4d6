"""Reads of the finance queue: the counts above it."""

from __future__ import annotations

from django.db.models import Count

from loans.payments.models import DifferenceState, SettlementDifference


def settlement_open_counts() -> dict[str, int]:
    """Open differences by difference kind (index settlement_diff_queue)."""
    rows = (
        SettlementDifference.objects.filter(state=DifferenceState.OPEN)
        .order_by()
        .values("difference")
        .annotate(n=Count("id"))
    )
    return {row["difference"]: row["n"] for row in rows}
