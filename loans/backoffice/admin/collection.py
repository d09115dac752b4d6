"""The auto-debit collection run in the back office (issue #17, PRODUCT §11): read-only.

A run's page shows its progress by chunk and status (planned, sent, decided) and what it took;
the attempts list finds one attempt by its key, its loan or its outcome. Nothing is changed here:
the run is planned and sent by the workers (``loans.payments.collection``), and a difference with
the gateway's file is resolved in the finance queue (``settlement``).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.contrib import admin
from django.db.models import Sum
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.payments.collection.queries import collection_run_progress
from loans.payments.models import AttemptStatus, CollectionAttempt, CollectionRun
from loans.servicing.services.reminders import amount_format

STATUSES = [str(status) for status in AttemptStatus.values]


@admin.register(CollectionRun)
class CollectionRunAdmin(ReadOnlyModelAdmin[CollectionRun]):
    list_display = ["business_date", "status", "planned", "chunks", "collected", "finished_at"]
    list_filter = ["status"]
    date_hierarchy = "business_date"
    fields = [
        "business_date",
        "status",
        "planned",
        "chunks",
        "collected",
        "planned_at",
        "finished_at",
        "progress",
    ]

    @admin.display(description=_("collected"))
    def collected(self, run: CollectionRun) -> str:
        total = run.attempts.filter(status=AttemptStatus.SUCCEEDED).aggregate(s=Sum("amount"))
        return amount_format(total["s"] or Decimal("0.00"))

    @admin.display(description=_("progress by chunk"))
    def progress(self, run: CollectionRun) -> SafeString:
        chunks = collection_run_progress(run=run)
        if not chunks:
            return format_html("<p>{}</p>", _("No attempt was planned for this date."))
        totals: Counter[str] = Counter()
        for counts in chunks.values():
            totals.update(counts)
        head = format_html_join("", "<th>{}</th>", ((AttemptStatus(s).label,) for s in STATUSES))
        rows = format_html_join(
            "",
            "<tr><td>{}</td>{}</tr>",
            ((chunk, _cells(counts)) for chunk, counts in sorted(chunks.items())),
        )
        return format_html(
            '<table class="collection-progress"><thead><tr><th>{}</th>{}</tr></thead>'
            "<tbody>{}</tbody><tfoot><tr><th>{}</th>{}</tr></tfoot></table>",
            _("chunk"),
            head,
            rows,
            _("all"),
            _cells(totals),
        )


def _cells(counts: Counter[str]) -> SafeString:
    return format_html_join("", "<td>{}</td>", ((counts.get(s.lower(), 0),) for s in STATUSES))


@admin.register(CollectionAttempt)
class CollectionAttemptAdmin(ReadOnlyModelAdmin[CollectionAttempt]):
    list_display = [
        "key",
        "loan",
        "due_date",
        "sequence",
        "scheduled_at",
        "amount_yuan",
        "status",
        "outcome",
        "cancel_reason",
        "decided_by",
    ]
    list_select_related = ["loan"]
    list_filter = ["status", "outcome", "cancel_reason", "decided_by", "run__business_date"]
    search_fields = ["=key", "=loan__id", "=gateway_reference"]
    raw_id_fields = ["run", "loan", "binding", "parent", "repayment"]
    fields = [
        "key",
        "run",
        "loan",
        "binding",
        "due_date",
        "sequence",
        "parent",
        "chunk",
        "scheduled_at",
        "amount_yuan",
        "status",
        "outcome",
        "cancel_reason",
        "decided_by",
        "gateway_reference",
        "repayment",
        "sent_at",
        "decided_at",
        "queried_at",
        "query_count",
    ]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_yuan(self, attempt: CollectionAttempt) -> str:
        return amount_format(attempt.amount)
