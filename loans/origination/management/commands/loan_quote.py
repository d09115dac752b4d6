"""`python manage.py loan_quote ...`: print a loan quote as JSON (PRODUCT §8).

Bad input gives one line on stderr and a non-zero exit, never a traceback: scripts rely on it.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from loans.domain.errors import DomainError
from loans.domain.quote import Quote, make_quote, quote_as_dict
from loans.domain.schedule import RepaymentMethod

METHODS = ", ".join(RepaymentMethod)


class Command(BaseCommand):
    help = (
        "Print the schedule, totals and APR of a loan as JSON. Example: loan_quote --principal "
        "10000 --annual-rate 0.18 --term 12 --method EQUAL_INSTALLMENT --start 2026-12-01"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # argparse prints a usage block before its error; operators' scripts expect one line.
        return super().create_parser(prog_name, subcommand, usage=argparse.SUPPRESS, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--principal", help="amount in yuan, e.g. 10000 or 10000.50")
        parser.add_argument("--annual-rate", help="nominal annual rate as a fraction, e.g. 0.18")
        parser.add_argument("--term", help="number of monthly installments, e.g. 12")
        parser.add_argument("--method", help=f"one of {METHODS}")
        parser.add_argument("--start", help="disbursement date YYYY-MM-DD (default: today)")
        parser.add_argument("--fee-rate", default="0", help="fee per installment, e.g. 0.006")

    def handle(self, *args: Any, **options: Any) -> None:
        quote = _quote_from(options)
        self.stdout.write(json.dumps(quote_as_dict(quote), ensure_ascii=False, indent=2))


def _quote_from(options: dict[str, Any]) -> Quote:
    try:
        return make_quote(
            principal=_decimal(options, "principal"),
            annual_rate=_decimal(options, "annual_rate"),
            term=_term(options),
            method=_method(options),
            start_date=_start(options),
            fee_rate=_decimal(options, "fee_rate"),
            rate_cap=settings.LENDPORTAL_RATE_CAP,
        )
    except DomainError as error:
        raise CommandError(str(error)) from error


def _required(options: dict[str, Any], name: str) -> str:
    value = options.get(name)
    if value is None or str(value).strip() == "":
        raise CommandError(f"--{name.replace('_', '-')} is required.")
    return str(value).strip()


def _decimal(options: dict[str, Any], name: str) -> Decimal:
    raw = _required(options, name)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise CommandError(f"--{name.replace('_', '-')} must be a decimal number, not {raw!r}.")
    return value


def _term(options: dict[str, Any]) -> int:
    raw = _required(options, "term")
    if not raw.isdigit():
        raise CommandError(f"--term must be a whole number of months, not {raw!r}.")
    return int(raw)


def _method(options: dict[str, Any]) -> RepaymentMethod:
    raw = _required(options, "method").upper()
    if raw not in RepaymentMethod.__members__:
        raise CommandError(f"Unknown --method {raw!r}; choose one of {METHODS}.")
    return RepaymentMethod(raw)


def _start(options: dict[str, Any]) -> date:
    raw = options.get("start")
    if raw is None:
        # The edge may read the clock; the domain below takes the date as an argument.
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--start must be a date YYYY-MM-DD, not {raw!r}.") from None
