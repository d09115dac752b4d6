"""The period options of the books' commands: ``--month YYYY-MM`` or ``--from D --to D``."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from loans.ledger.exports import FORMATS
from loans.ledger.periods import month_end, month_parse


def period_arguments_add(parser: ArgumentParser) -> None:
    parser.add_argument("--month", help="the calendar month YYYY-MM")
    parser.add_argument("--from", dest="start", help="the first day YYYY-MM-DD")
    parser.add_argument("--to", dest="end", help="the last day YYYY-MM-DD (inclusive)")
    parser.add_argument("--format", choices=FORMATS, help="csv (default) or xlsx")
    parser.add_argument(
        "--output", help="the file to write (written whole or not at all); CSV to stdout without"
    )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{option} {text!r} is not a date YYYY-MM-DD.") from error


def period_from_options(options: dict[str, Any]) -> tuple[date, date]:
    """The first and last day of the period the options name. Raises CommandError."""
    month, start, end = options.get("month"), options.get("start"), options.get("end")
    if month and (start or end):
        raise CommandError("Give either --month or --from and --to, not both.")
    if month:
        try:
            first = month_parse(month)
        except ValueError as error:
            raise CommandError(f"--month {month!r} is not a month YYYY-MM.") from error
        return first, month_end(first)
    if not (start and end):
        raise CommandError(
            "Give the period: --month YYYY-MM, or --from YYYY-MM-DD --to YYYY-MM-DD."
        )
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise CommandError(f"--to {last} is before --from {first}.")
    return first, last


def output_from_options(options: dict[str, Any]) -> tuple[Path | None, str]:
    """The target file (None: standard output) and the format. Raises CommandError."""
    output = options.get("output")
    fmt = options.get("format")
    if output is None:
        if fmt == "xlsx":
            raise CommandError("XLSX needs a file: give --output PATH.")
        return None, "csv"
    path = Path(output)
    if fmt is None:
        fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    if path.is_dir():
        raise CommandError(f"--output {output} is a directory; name a file.")
    return path, fmt
