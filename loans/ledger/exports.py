"""Files of the books: the trial balance and the journal as CSV or XLSX (PRODUCT §13).

A file is written to a temporary file beside its target and renamed over it only when complete:
a failure leaves no half-written file. XLSX is written with openpyxl's write-only workbook
(rows go to disk as they come); amounts are numbers with two decimals.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from loans.ledger.statements import (
    ZERO,
    JournalRow,
    TrialBalanceRow,
    trial_balance_totals,
)

FORMATS = ("csv", "xlsx")

TRIAL_BALANCE_COLUMNS = (
    "account",
    "name",
    "kind",
    "opening_balance",
    "debits",
    "credits",
    "closing_balance",
)
JOURNAL_COLUMNS = (
    "entry_id",
    "line_id",
    "booking_date",
    "value_date",
    "entry_type",
    "account",
    "debit",
    "credit",
    "loan_id",
    "revolving_account_id",
    "installment_number",
    "reverses_entry_id",
    "memo",
    "posted_at",
)
# An XLSX sheet holds 1,048,576 rows: a longer journal goes on to the next sheet.
XLSX_SHEET_ROWS = 1_000_000

Progress = Callable[[int], None]


class TextOut(Protocol):
    """Where CSV text goes: a text file or a command's standard output."""

    def write(self, text: str, /) -> Any: ...


@contextmanager
def _atomic_file(target: Path, *, binary: bool) -> Iterator[IO[Any]]:
    """A temporary file beside ``target``, renamed over it only when the block ends cleanly."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        if binary:
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _tb_values(row: TrialBalanceRow) -> list[Any]:
    return [row.account, row.name, row.kind, row.opening, row.debits, row.credits, row.closing]


def _journal_values(row: JournalRow) -> list[Any]:
    return [
        row.entry_id,
        row.line_id,
        row.booking_date,
        row.value_date,
        row.entry_type,
        row.account,
        row.debit,
        row.credit,
        row.loan_id,
        row.revolving_account_id,
        row.installment_number,
        row.reverses_entry_id,
        row.memo,
        row.posted_at,
    ]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _csv_write(handle: TextOut, header: Sequence[str], rows: Iterable[list[Any]]) -> None:
    writer = csv.writer(handle)
    writer.writerow(header)
    for values in rows:
        writer.writerow([_csv_text(v) for v in values])


def _xlsx_cells(sheet: WriteOnlyWorksheet, values: list[Any]) -> list[Any]:
    cells: list[Any] = []
    for value in values:
        if isinstance(value, Decimal):
            exact: Any = value  # openpyxl writes a Decimal's digits as they are; its stubs omit it
            cell = WriteOnlyCell(sheet, value=exact)
            cell.number_format = "#,##0.00"
            cells.append(cell)
        elif hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
            cells.append(value.isoformat())  # XLSX has no time zones: the instant as text
        else:
            cells.append(value)
    return cells


def _xlsx_write(
    handle: IO[bytes], title: str, header: Sequence[str], rows: Iterable[list[Any]]
) -> None:
    book = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = book.create_sheet(title)
    sheet.append(list(header))
    written = 0
    sheets = 1
    for values in rows:
        if written == XLSX_SHEET_ROWS:
            sheets += 1
            sheet = book.create_sheet(f"{title} {sheets}")
            sheet.append(list(header))
            written = 0
        sheet.append(_xlsx_cells(sheet, values))
        written += 1
    book.save(handle)


def _write(
    target: Path, fmt: str, title: str, header: Sequence[str], rows: Iterable[list[Any]]
) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    with _atomic_file(target, binary=fmt == "xlsx") as handle:
        if fmt == "csv":
            _csv_write(handle, header, rows)
        else:
            _xlsx_write(handle, title, header, rows)


def trial_balance_write(rows: list[TrialBalanceRow], *, target: Path, fmt: str) -> None:
    """The trial balance, one row per account and a last ``TOTAL`` row."""
    lines = [_tb_values(r) for r in [*rows, trial_balance_totals(rows)]]
    _write(target, fmt, "trial balance", TRIAL_BALANCE_COLUMNS, lines)


def trial_balance_text(rows: list[TrialBalanceRow], handle: TextOut) -> None:
    """The trial balance as CSV on an open text stream (standard output)."""
    _csv_write(
        handle, TRIAL_BALANCE_COLUMNS, (_tb_values(r) for r in [*rows, trial_balance_totals(rows)])
    )


class JournalTotals:
    """Counts the lines and sums the debits and credits as they stream past."""

    def __init__(self) -> None:
        self.lines = 0
        self.debits = ZERO
        self.credits = ZERO

    def values(self) -> list[Any]:
        totals: list[Any] = ["TOTAL", self.lines, *([None] * 4), self.debits, self.credits]
        return totals + [None] * (len(JOURNAL_COLUMNS) - len(totals))


def _journal_lines(
    rows: Iterable[JournalRow], totals: JournalTotals, progress: Progress | None, every: int
) -> Iterator[list[Any]]:
    for row in rows:
        totals.lines += 1
        totals.debits += row.debit
        totals.credits += row.credit
        if progress is not None and totals.lines % every == 0:
            progress(totals.lines)
        yield _journal_values(row)
    yield totals.values()


def journal_write(
    rows: Iterable[JournalRow],
    *,
    target: Path,
    fmt: str,
    progress: Progress | None = None,
    every: int = 100_000,
) -> JournalTotals:
    """Stream the journal's lines, then a ``TOTAL`` row: the line count, debits and credits."""
    totals = JournalTotals()
    _write(target, fmt, "journal", JOURNAL_COLUMNS, _journal_lines(rows, totals, progress, every))
    return totals


def journal_text(rows: Iterable[JournalRow], handle: TextOut) -> JournalTotals:
    """The journal as CSV on an open text stream (standard output)."""
    totals = JournalTotals()
    _csv_write(handle, JOURNAL_COLUMNS, _journal_lines(rows, totals, None, 1))
    return totals
