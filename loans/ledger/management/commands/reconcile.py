"""`manage.py reconcile`: exit 0 only when the ledger and the loans agree (PRODUCT §3, §8)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from loans.ledger.reconciliation import books_reconcile, books_totals


class Command(BaseCommand):
    help = "Prove that the books balance and every loan's balances equal its ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        results = books_reconcile()
        for result in results:
            mark = self.style.SUCCESS("ok  ") if result.ok else self.style.ERROR("FAIL")
            self.stdout.write(f"{mark} {result.name}: {result.description}")
            for row in result.failures:
                self.stdout.write(f"       {row}")
        self.stdout.write("Account balances (debit +, credit -):")
        for account, total in books_totals().items():
            self.stdout.write(f"  {account:<24} {total:>16}")
        failed = [r.name for r in results if not r.ok]
        if failed:
            raise CommandError(f"The books do not reconcile: {', '.join(failed)}.")
        self.stdout.write(self.style.SUCCESS("The books reconcile."))
