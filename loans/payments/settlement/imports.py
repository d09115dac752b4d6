"""Import a settlement file: every line matched, the undecided decided, differences queued.

``settlement_import`` parses the whole file first (a malformed one is refused whole, nothing
written), then records the file under its SHA-256 (unique), then settles each line in its own
transaction (the line's effect and its difference commit together), then lists our records of
the day that the file lacks, and finally marks the file complete with its summary. The same file
again changes nothing: a complete one is answered from its summary; one whose import stopped
half-way is resumed, and every line effect is idempotent (the outcome services do nothing the
second time; one difference per file, kind and key by a unique constraint). A corrected file of
the same date (another digest) is matched afresh; the open differences of the earlier file of
that date are then marked SUPERSEDED, and a difference finance already resolved for the same
date, kind, key and difference is not raised again.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.payments.models import (
    DifferenceKind,
    DifferenceState,
    SettlementDifference,
    SettlementFile,
)
from loans.payments.settlement.match import MATCHERS, Found
from loans.payments.settlement.missing import MissingRecord, missing_records
from loans.payments.settlement.parse import ParsedFile, SettlementLine, settlement_parse

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (lines done, lines in all)
PROGRESS_EVERY = 1000


@dataclass(slots=True)
class ImportSummary:
    lines: int = 0
    matched: int = 0  # lines that agree with our record (after the file decided it)
    decided: int = 0  # lines whose outcome the file decided
    differences: int = 0  # differences raised: lines that disagree, and records missing
    by_difference: dict[str, int] = field(default_factory=dict)
    already_imported: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "matched": self.matched,
            "decided": self.decided,
            "differences": self.differences,
            "by_difference": dict(self.by_difference),
        }


def settlement_import(
    *,
    name: str,
    content: bytes,
    settlement_date: date | None = None,
    progress: Progress | None = None,
) -> tuple[SettlementFile, ImportSummary]:
    """Import the settlement file ``content``; return it and what was found.

    Raises SettlementFileMalformed (nothing written). ``settlement_date`` is needed only for a
    file without lines. Repayments and payout entries are valued on the open business date.
    """
    parsed = settlement_parse(content, settlement_date=settlement_date)
    file = _file_claim(parsed, hashlib.sha256(content).hexdigest(), name)
    if file.completed_at is not None:
        return file, _summary_stored(file.summary)
    as_of = business_date_current()
    counts: Counter[str] = Counter()
    total = len(parsed.lines)
    for done, line in enumerate(parsed.lines, start=1):
        found = _line_settle(file, line, as_of)
        _count(counts, found)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    _missing_record(file, parsed)
    summary = _summary(file, total, counts)
    _file_complete(file, summary)
    logger.info("settlement file %s (%s) imported: %s", file.pk, file.settlement_date, counts)
    return file, summary


def _file_claim(parsed: ParsedFile, digest: str, name: str) -> SettlementFile:
    file, _created = SettlementFile.objects.get_or_create(
        sha256=digest,
        defaults={
            "settlement_date": parsed.settlement_date,
            "name": name[:255],
            "line_count": len(parsed.lines),
        },
    )
    return file


@transaction.atomic
def _line_settle(file: SettlementFile, line: SettlementLine, as_of: date) -> Found:
    found: Found = MATCHERS[line.kind](line, as_of=as_of)
    if found.difference is not None and found.action is not None:
        _difference_write(
            file,
            SettlementDifference(
                line_number=line.number,
                kind=line.kind,
                our_key=line.our_key,
                difference=found.difference,
                file_amount=line.amount,
                file_status=line.status,
                our_amount=found.our_amount,
                our_status=found.our_status,
                gateway_reference=line.gateway_reference,
                action=found.action,
            ),
        )
    return found


def _difference_write(file: SettlementFile, difference: SettlementDifference) -> None:
    """Save ``difference`` once per file, unless finance resolved the same one already."""
    resolved_before = SettlementDifference.objects.filter(
        settlement_date=file.settlement_date,
        kind=difference.kind,
        our_key=difference.our_key,
        difference=difference.difference,
        state=DifferenceState.RESOLVED,
    ).exists()
    if resolved_before:
        return
    difference.file = file
    difference.settlement_date = file.settlement_date
    SettlementDifference.objects.bulk_create([difference], ignore_conflicts=True)


def _count(counts: Counter[str], found: Found) -> None:
    if found.decided:
        counts["decided"] += 1
    if found.difference is None:
        counts["matched"] += 1


@transaction.atomic
def _missing_record(file: SettlementFile, parsed: ParsedFile) -> None:
    listed: dict[str, set[str]] = {}
    for line in parsed.lines:
        listed.setdefault(line.kind, set()).add(line.our_key)
    for record in missing_records(day=parsed.settlement_date, listed=listed):
        _difference_write(file, _missing_difference(record))


def _missing_difference(record: MissingRecord) -> SettlementDifference:
    return SettlementDifference(
        kind=record.kind,
        our_key=record.our_key,
        difference=DifferenceKind.MISSING,
        our_amount=record.our_amount,
        our_status=record.our_status,
        gateway_reference=record.gateway_reference,
        action=record.action,
    )


def _summary(file: SettlementFile, total: int, counts: Counter[str]) -> ImportSummary:
    rows = file.differences.order_by().values("difference").annotate(n=Count("id"))
    kinds: dict[str, int] = {row["difference"]: row["n"] for row in rows}
    return ImportSummary(
        lines=total,
        matched=counts["matched"],
        decided=counts["decided"],
        differences=sum(kinds.values()),
        by_difference=kinds,
    )


def _summary_stored(stored: dict[str, Any]) -> ImportSummary:
    return ImportSummary(
        lines=int(stored.get("lines", 0)),
        matched=int(stored.get("matched", 0)),
        decided=int(stored.get("decided", 0)),
        differences=int(stored.get("differences", 0)),
        by_difference=dict(stored.get("by_difference", {})),
        already_imported=True,
    )


@transaction.atomic
def _file_complete(file: SettlementFile, summary: ImportSummary) -> None:
    """Mark ``file`` complete; the open differences of earlier files of its date are replaced."""
    now = timezone.now()
    SettlementDifference.objects.filter(
        settlement_date=file.settlement_date, state=DifferenceState.OPEN
    ).exclude(file=file).update(state=DifferenceState.SUPERSEDED, resolved_at=now)
    file.completed_at = now
    file.summary = summary.as_json()
    file.save(update_fields=["completed_at", "summary"])
