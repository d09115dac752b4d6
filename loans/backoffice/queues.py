"""Reads of the back office's queues (issue #6): the counts above each queue.

The loan page, the worklist and the dashboard read theirs from ``selectors``.

Each is one grouped query over an indexed column, never a COUNT per list page per status.
"""

from __future__ import annotations

from django.db.models import Count

from loans.backoffice.models import PendingApproval, PendingDisbursement, ReferredApplication


def approval_queue_counts() -> dict[str, int]:
    """Pending requests by kind (index approval_status_kind_idx)."""
    rows = PendingApproval.objects.order_by().values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def referred_queue_counts() -> dict[str, int]:
    """Undecided referred applications by the grade the scorecard suggested."""
    rows = ReferredApplication.objects.order_by().values("grade").annotate(n=Count("id"))
    return {row["grade"] or "-": row["n"] for row in rows}


def disbursement_queue_counts() -> dict[str, int]:
    """Loans pending disbursement by product."""
    rows = PendingDisbursement.objects.order_by().values("product__code").annotate(n=Count("id"))
    return {row["product__code"]: row["n"] for row in rows}
