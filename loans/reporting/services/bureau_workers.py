"""Worker processes of ``bureau_export --workers N``: each writes the records of a loan-id range.

Spawned (never forked: the parent holds an open transaction and its connection), each worker
sets Django up once, connects to the parent's database and reads in the snapshot the parent
exported (``pg_export_snapshot``), so every part sees the books as the run does, whatever is
posted meanwhile. A part is the lines of its range in a file of its own, written by the run's
writer (which alone decrypts identity numbers, here as in the parent), and the rows of
``reporting_bureaurecord`` returned to the parent, which appends the files in id order to the
run's file and inserts the rows in its own transaction: a failed run still leaves nothing.
A transaction-mode PgBouncer is fine: a snapshot is imported inside the worker's transaction.

Only the standard library is imported at module level: a spawned process imports this module
before ``django.setup()`` runs in ``part_worker_start``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loans.reporting.services.bureau_records import RecordRow

_SNAPSHOT = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


@dataclass(frozen=True)
class PartTask:
    snapshot: str
    month: str  # YYYY-MM
    after: int  # loan ids in (after, through]
    through: int
    chunk_size: int
    path: str  # the part's file, created here
    writer_factory: Any  # a picklable class or function taking the binary stream


@dataclass(frozen=True)
class PartResult:
    path: str
    rows: list[RecordRow]


def part_worker_start(database_name: str) -> None:
    """A worker's initializer: Django, on the parent's database (a test database too)."""
    import django

    django.setup()
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database_name


def month_part(task: PartTask) -> PartResult:
    """Write the BASE records of the task's loan-id range; their rows for the parent."""
    from django.db import connection, transaction

    from loans.domain.bureau import Month
    from loans.reporting.models import BureauRecordKind
    from loans.reporting.services.bureau_records import record_chunks, written_rows

    if not _SNAPSHOT.match(task.snapshot):
        raise ValueError("not a snapshot id")
    month = Month.parse(task.month)
    rows: list[RecordRow] = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{task.snapshot}'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        with open(task.path, "xb") as stream:
            writer = task.writer_factory(stream)
            for chunk in record_chunks(
                month, task.chunk_size, after=task.after, through=task.through
            ):
                rows.extend(written_rows(writer, chunk, BureauRecordKind.BASE))
            writer.close()
    return PartResult(task.path, rows)
