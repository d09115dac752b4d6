"""Read a settlement file (对账文件, PRODUCT §11) into lines, or refuse it whole.

The format (docs/rails.md "Settlement files"): UTF-8 CSV, the header
``date,our_key,gateway_reference,kind,amount,status``, then one line per transaction:

- ``date``: ``YYYY-MM-DD``, the same on every line (the file's date);
- ``our_key``: our key of the transaction, non-empty, at most 100 characters;
- ``gateway_reference``: the gateway's own id of it, at most 100 characters (may be empty);
- ``kind``: ``CHARGE``, ``PAYMENT``, ``PAYOUT`` or ``REFUND``;
- ``amount``: yuan, positive, at most 2 decimals (``916.80``), no sign or separators;
- ``status``: ``SUCCEEDED`` or ``FAILED``.

A (kind, our_key) appears once. Any fault refuses the file: ``SettlementFileMalformed`` lists
every ``line N: reason`` found, and nothing is written. No database, no clock here.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loans.errors import LendingError

HEADER = ("date", "our_key", "gateway_reference", "kind", "amount", "status")
KINDS = frozenset({"CHARGE", "PAYMENT", "PAYOUT", "REFUND"})
STATUSES = frozenset({"SUCCEEDED", "FAILED"})
MAX_KEY = 100
MAX_AMOUNT = Decimal("999999999999.99")  # money_field: 14 digits, 2 decimals
MAX_ERRORS = 50

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,2})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class SettlementLine:
    number: int  # the line of the file, the header being line 1
    our_key: str
    gateway_reference: str
    kind: str
    amount: Decimal
    status: str

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"


@dataclass(frozen=True, slots=True)
class ParsedFile:
    settlement_date: date
    lines: tuple[SettlementLine, ...]


class SettlementFileMalformed(LendingError):
    """The file breaks the format; ``errors`` holds ``(line number, reason)``, first first."""

    code = "settlement_file_malformed"

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        super().__init__("\n".join(f"line {number}: {reason}" for number, reason in errors))


def settlement_parse(content: bytes, *, settlement_date: date | None = None) -> ParsedFile:
    """Parse a settlement file; raise SettlementFileMalformed with every fault found.

    ``settlement_date`` is the date of a file without lines (a day without transactions); when
    given for a file with lines, every line must carry it.
    """
    text = _decode(content)
    rows = _rows(text)
    while rows and not rows[-1]:  # blank lines at the end carry nothing
        rows.pop()
    errors: list[tuple[int, str]] = []
    if not rows or tuple(cell.strip() for cell in rows[0]) != HEADER:
        raise SettlementFileMalformed([(1, f"the header must be {','.join(HEADER)}")])
    lines: list[SettlementLine] = []
    dates: dict[date, int] = {settlement_date: 0} if settlement_date else {}
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        line, day = _line(number, row, errors)
        if line is None or day is None:
            continue
        _check_date(number, day, dates, errors)
        _check_unique(line, seen, errors)
        lines.append(line)
        if len(errors) >= MAX_ERRORS:
            break
    if not errors and not dates:
        errors.append((2, "the file has no lines: give its date (--date) for a day without any"))
    if errors:
        raise SettlementFileMalformed(errors[:MAX_ERRORS])
    return ParsedFile(settlement_date=next(iter(dates)), lines=tuple(lines))


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise SettlementFileMalformed([(line, "not UTF-8 text")]) from error


def _rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as error:  # a NUL byte, a quote left open
        raise SettlementFileMalformed([(reader.line_num, f"not CSV ({error})")]) from error


def _line(
    number: int, row: list[str], errors: list[tuple[int, str]]
) -> tuple[SettlementLine | None, date | None]:
    if not row:
        errors.append((number, "empty line"))
        return None, None
    if len(row) != len(HEADER):
        errors.append((number, f"{len(HEADER)} fields expected, found {len(row)}"))
        return None, None
    day_text, key, reference, kind, amount_text, status = (cell.strip() for cell in row)
    reasons = [
        reason
        for reason in (
            _date_fault(day_text),
            _key_fault("our_key", key, required=True),
            _key_fault("gateway_reference", reference, required=False),
            None if kind in KINDS else f"unknown kind {kind!r} ({', '.join(sorted(KINDS))})",
            _amount_fault(amount_text),
            None if status in STATUSES else f"unknown status {status!r} (SUCCEEDED, FAILED)",
        )
        if reason
    ]
    if reasons:
        errors.extend((number, reason) for reason in reasons)
        return None, None
    line = SettlementLine(number, key, reference, kind, Decimal(amount_text), status)
    return line, date.fromisoformat(day_text)


def _date_fault(text: str) -> str | None:
    if _DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
            return None
        except ValueError:
            pass
    return f"date {text!r} is not a date YYYY-MM-DD"


def _key_fault(name: str, text: str, *, required: bool) -> str | None:
    if required and not text:
        return f"{name} is empty"
    if len(text) > MAX_KEY:
        return f"{name} is longer than {MAX_KEY} characters"
    if _CONTROL.search(text):
        return f"{name} holds control characters"
    return None


def _amount_fault(text: str) -> str | None:
    if not _AMOUNT.fullmatch(text) or Decimal(text) <= 0 or Decimal(text) > MAX_AMOUNT:
        return f"amount {text!r} is not a positive amount of yuan with at most 2 decimals"
    return None


def _check_date(
    number: int, day: date, dates: dict[date, int], errors: list[tuple[int, str]]
) -> None:
    if not dates:
        dates[day] = number
        return
    first, first_line = next(iter(dates.items()))
    if day != first:
        where = f"line {first_line}" if first_line else "--date"
        errors.append((number, f"date {day} differs from the file's date {first} ({where})"))


def _check_unique(
    line: SettlementLine, seen: dict[tuple[str, str], int], errors: list[tuple[int, str]]
) -> None:
    first = seen.setdefault((line.kind, line.our_key), line.number)
    if first != line.number:
        errors.append((line.number, f"{line.kind} {line.our_key!r} already on line {first}"))
