"""`manage.py close_business_day [--date D | --through D] [--inline]` (PRODUCT §4, §8).

Closes the open business date (or every open date up to D, one at a time, in order) through the
Celery workers, or in this process with --inline. Shows the chunks done (a bar redrawn in place
on a terminal, a line at each tenth otherwise: ``Progress``) and a summary per date, then works
out the dashboard's roll rates through the date (on a worker when a worker closed it).
Idempotent: a date already closed is reported, not closed again.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from loans.cob.models import CobRun, CobRunStatus
from loans.cob.services.dispatch import cob_chunks_resend_claim, cob_run_chunks_dispatch
from loans.cob.services.runs import (
    business_date_open,
    cob_chunk_process,
    cob_run_finish,
    cob_run_open,
    cob_run_pending_chunks,
)
from loans.errors import LendingError
from loans.reporting.services.roll_rates import roll_rates_refresh

BAR_WIDTH = 30


class Progress:
    """How far a date's chunks are: a bar on a terminal, else one line per tenth (issue #21)."""

    def __init__(self, write: Any, total: int, *, terminal: bool) -> None:
        self.write, self.total, self.terminal = write, total, terminal
        self.tenths_shown = 0

    def show(self, done: int) -> None:
        share = done / self.total if self.total else 1.0
        if self.terminal:
            filled = round(share * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if done >= self.total else ""
            self.write(f"\r  [{bar}] {done}/{self.total} chunks {share:4.0%}", ending=end)
            return
        tenths = int(share * 10)
        if tenths > self.tenths_shown:
            self.tenths_shown = tenths
            self.write(f"  {done}/{self.total} chunks done ({tenths * 10}%)")


class Command(BaseCommand):
    help = "Close the open business date (or every open date through --through), in order."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--date", type=date.fromisoformat, help="close exactly this date")
        group.add_argument("--through", type=date.fromisoformat, help="close every date to this")
        parser.add_argument("--inline", action="store_true", help="run the chunks here")
        parser.add_argument(
            "--chunk-size", type=int, help="loans per chunk (default LENDPORTAL_COB_CHUNK_SIZE)"
        )
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait (workers)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] is not None and options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        for day in self._dates(options):
            self._close(day, options)

    def _dates(self, options: dict[str, Any]) -> list[date]:
        open_date = business_date_open()
        if options["date"]:
            if CobRun.objects.filter(
                business_date=options["date"], status=CobRunStatus.DONE
            ).exists():
                self.stdout.write(f"{options['date']} is closed already.")
                return []
            if options["date"] != open_date:
                raise CommandError(f"The open business date is {open_date}; close dates in order.")
            return [open_date]
        last = options["through"] or open_date
        days = [open_date + timedelta(days=n) for n in range((last - open_date).days + 1)]
        if not days:
            self.stdout.write(f"Nothing to close: the open business date is {open_date}.")
        return days

    def _close(self, day: date, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            run = cob_run_open(business_date=day, chunk_size=options["chunk_size"])
        except LendingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Closing {day}: {run.chunk_count} chunk(s)")
        if options["inline"]:
            self._run_inline(run)
        else:
            self._run_on_workers(run, options["timeout"])
        run, closed_now = cob_run_finish(run_id=run.pk)
        self._report(run, time.perf_counter() - started)
        if closed_now:  # else a worker closed it and queued this (loans.tasks)
            started = time.perf_counter()
            roll_rates_refresh(as_of=day)
            self.stdout.write(f"  roll rates through {day}: {time.perf_counter() - started:.1f} s")

    def _progress(self, total: int) -> Progress:
        return Progress(self.stdout.write, total, terminal=self.stdout.isatty())

    def _run_inline(self, run: CobRun) -> None:
        pending = cob_run_pending_chunks(run=run)
        progress = self._progress(len(pending))
        for done, chunk_id in enumerate(pending, start=1):
            cob_chunk_process(chunk_id=chunk_id)
            progress.show(done)

    def _run_on_workers(self, run: CobRun, timeout: int) -> None:
        from loans.cob.tasks import cob_chunk_process as chunk_task

        for chunk_id in cob_run_chunks_dispatch(run=run, now=timezone.now()):
            chunk_task.delay(chunk_id=chunk_id, run_id=run.pk)
        resend_after = timedelta(seconds=settings.LENDPORTAL_COB_RESEND_AFTER_SECONDS)
        deadline = time.monotonic() + timeout
        progress = self._progress(run.chunk_count)
        while left := cob_run_pending_chunks(run=run):
            if time.monotonic() > deadline:
                raise CommandError(f"{len(left)} chunk(s) unfinished after {timeout} s.")
            progress.show(run.chunk_count - len(left))
            # A task lost with a worker killed whole is sent again (dispatch.py, issue #16).
            for chunk in cob_chunks_resend_claim(now=timezone.now(), after=resend_after, run=run):
                self.stdout.write(
                    f"  sent chunk {chunk.number} again: not done after {resend_after}"
                )
                chunk_task.delay(chunk_id=chunk.chunk_id, run_id=chunk.run_id)
            time.sleep(1)
        progress.show(run.chunk_count)

    def _report(self, run: CobRun, seconds: float) -> None:
        s = run.summary
        self.stdout.write(
            f"Closed {run.business_date} in {seconds:.1f} s: {s.get('loans', 0)} loans, "
            f"interest accrued ¥{s.get('accrual', '0')}, fees ¥{s.get('fees', '0')}, "
            f"penalty ¥{s.get('penalty', '0')}, advances applied ¥{s.get('advances', '0')}, "
            f"newly overdue {s.get('newly_overdue', 0)}, bucket changes "
            f"{s.get('bucket_changes', 0)}, write-off candidates "
            f"{s.get('write_off_candidates', 0)}, closed {s.get('close_paid', 0)}, "
            f"reminders queued {s.get('reminders', 0)}"
        )
        steps = ", ".join(f"{name} {ms} ms" for name, ms in s.get("ms", {}).items())
        self.stdout.write(f"  time per step (summed over chunks): {steps}")
