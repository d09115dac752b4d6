"""The back office's read-only pages of money movements and the nights (issue #8): payouts, the
journal with its lines, the business date, close-of-business runs, loan events and reminders."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from loans.backoffice.admin.columns import loan_column
from loans.backoffice.admin.lending import ReadOnlyTabularInline
from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.backoffice.readable import money
from loans.calendar.models import BusinessDate
from loans.cob.models import CobRun
from loans.ledger.models import JournalEntry, JournalLine
from loans.origination.models import Payout
from loans.servicing.models import LoanEvent, Reminder


@admin.register(Payout)
class PayoutAdmin(ReadOnlyModelAdmin[Payout]):
    list_display = [
        "id",
        loan_column,
        "amount",
        "reference",
        "status",
        "failure_code",
        "failure_reason",
        "sent_at",
        "settled_at",
    ]
    list_select_related = ["loan"]
    list_filter = ["status", "failure_code", "backend"]
    search_fields = ["=id", "=loan__id", "reference"]
    date_hierarchy = "sent_at"


# --- ledger and calendar -----------------------------------------------------------------------


class JournalLineInline(ReadOnlyTabularInline[JournalLine, JournalEntry]):
    model = JournalLine
    # Readable (issue #23): "¥10,000.00" on its side, "Loan 42", not "10000.00" and a raw status.
    fields = ["account", "installment_number", "debit", "credit", "line_loan"]

    @admin.display(description=gettext_lazy("debit"))
    def debit(self, line: JournalLine) -> str:
        return money(line.amount) if line.amount > 0 else ""

    @admin.display(description=gettext_lazy("credit"))
    def credit(self, line: JournalLine) -> str:
        return money(-line.amount) if line.amount < 0 else ""

    @admin.display(description=gettext_lazy("loan"))
    def line_loan(self, line: JournalLine) -> str:
        return loan_column(line)


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyModelAdmin[JournalEntry]):
    """Append-only (PRODUCT §3): even a superuser cannot add, change or delete an entry here.

    The database refuses edits too; a correction is a reversing entry posted by a service.
    """

    list_display = [
        "id",
        "entry_type",
        "value_date",
        loan_column,
        "reverses",
        "memo",
        "created_by",
        "posted_at",
    ]
    list_select_related = ["loan", "reverses", "created_by"]
    list_filter = ["entry_type", ("value_date", admin.DateFieldListFilter)]
    search_fields = ["=id", "=loan__id", "key", "memo"]
    inlines = [JournalLineInline]
    fields = [
        "entry_type",
        "value_date",
        "loan",
        "reverses",
        "key",
        "memo",
        "created_by",
        "posted_at",
    ]


@admin.register(BusinessDate)
class BusinessDateAdmin(ReadOnlyModelAdmin[BusinessDate]):
    """The open business date; close of business (issue #4) moves it, nobody edits it here."""

    list_display = ["current_date", "updated_at"]
    fields = ["current_date", "updated_at"]


@admin.register(CobRun)
class CobRunAdmin(ReadOnlyModelAdmin[CobRun]):
    list_display = ["business_date", "status", "chunk_count", "started_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["business_date", "status", "chunk_size", "chunk_count", "summary"]


@admin.register(LoanEvent)
class LoanEventAdmin(ReadOnlyModelAdmin[LoanEvent]):
    list_display = ["id", "event_type", "business_date", loan_column, "installment_number"]
    list_filter = ["event_type"]
    list_select_related = ["loan"]
    date_hierarchy = "business_date"
    search_fields = ["=loan__id"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyModelAdmin[Reminder]):
    list_display = ["id", "kind", "channel", "status", "send_after", "sent_at", loan_column]
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["loan"]
    search_fields = ["=loan__id"]
