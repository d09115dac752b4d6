"""`manage.py collect_due [--date YYYY-MM-DD] [--workers]` (PRODUCT §11, docs/rails.md).

Plans the date's auto-debit run if needed (the business date by default; an earlier date to
catch up; never a later one), then sends every attempt due now: in this process, chunk by
chunk, or, with --workers, one Celery task per chunk on the workers (the command then only
dispatches). Prints the plan, a line per chunk, and a summary of the run by status.
Idempotent: planning again plans nothing new, and an attempt is sent at most once.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.payments.collection.dispatch import collection_run_dispatch
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.queries import attempt_statuses, collection_run_progress
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.models import CollectionRun
from loans.payments.tasks import collection_chunk_send as collection_chunk_send_task

TALLY_KEYS = ("succeeded", "failed", "pending", "cancelled", "waiting")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, got {value!r}.") from None


class Command(BaseCommand):
    help = "Plan the date's auto-debit attempts (if needed) and send those due now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the business date to collect (default: the open one)")
        parser.add_argument(
            "--workers", action="store_true", help="send through the Celery workers"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = business_date_current()
        day = _date(options["date"]) if options["date"] else today
        if day > today:
            raise CommandError(f"{day} is after the business date {today}: nothing is due yet.")
        run = collection_plan(business_date=day)
        self.stdout.write(
            f"Collection run {day}: {run.planned} attempt(s) planned in {run.chunks} chunk(s)"
        )
        due = collection_run_dispatch(business_date=day, now=timezone.now())
        if options["workers"]:
            for chunk in due:
                collection_chunk_send_task.delay(run_id=chunk.run_id, chunk=chunk.chunk)
            self.stdout.write(f"Sent {len(due)} chunk task(s) to the workers.")
        else:
            self._send_here(due)
        self._summary(CollectionRun.objects.get(pk=run.pk))

    def _send_here(self, due: list[Any]) -> None:
        total: Counter[str] = Counter()
        for chunk in due:
            tally = collection_chunk_send(run_id=chunk.run_id, chunk=chunk.chunk)
            total += tally
            sent = sum(tally[k] for k in ("succeeded", "failed", "pending"))
            counts = ", ".join(f"{k} {tally[k]}" for k in TALLY_KEYS)
            self.stdout.write(
                f"  {chunk.business_date} chunk {chunk.chunk}: sent {sent} ({counts})"
            )
        if not due:
            self.stdout.write("Nothing due to send now.")

    def _summary(self, run: CollectionRun) -> None:
        totals: Counter[str] = Counter()
        for counts in collection_run_progress(run=run).values():
            totals += counts
        columns = ", ".join(f"{status} {totals[status]}" for status in attempt_statuses())
        self.stdout.write(f"Summary of {run.business_date} ({run.status}): {columns}")
