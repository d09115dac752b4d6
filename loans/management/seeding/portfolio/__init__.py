"""A large synthetic portfolio, seeded set-based (PRODUCT §8, §9; issue #4): ``seed_portfolio``.

N ACTIVE loans as they stand at the START of business date D (close of business has run through
D - 1), with borrowers, credit applications and lines, schedules and a ledger that reconciles.

Nothing is computed loan by loan. A few thousand schedule templates (amount x method x term x
grade rate) are built by the domain (``make_quote``: the amounts of a schedule do not depend on
its start date) and loaded into temporary tables; each chunk of loans is drawn in SQL
(``random()`` after ``setseed``), dated with ``start + k * interval '1 month'`` (PostgreSQL clamps
to the month's end exactly like ``loans.domain.dates.add_months``) and written with INSERT ...
SELECT. Only the borrowers come from Python (their identity and card numbers are encrypted), by
COPY, prepared in a background thread while PostgreSQL writes the previous chunk.
See docs/ledger.md, "Seeding a large portfolio", for every decision.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from loans.calendar.models import BusinessDate
from loans.management.seeding.portfolio.references import ReferencesError
from loans.management.seeding.portfolio.run import Run
from loans.management.seeding.portfolio.summary import (
    PortfolioSummary,
    Progress,
    ProgressCallback,
)

__all__ = [
    "PortfolioSeedRefused",
    "PortfolioSummary",
    "Progress",
    "ProgressCallback",
    "ReferencesError",
    "portfolio_seed",
]


class PortfolioSeedRefused(ValueError):
    """The arguments of a portfolio seed are not usable (N <= 0, a date before the open one)."""


def portfolio_seed(
    *,
    loans: int,
    as_of: date,
    seed: int = 1,
    chunk_size: int = 50_000,
    writers: int = 1,
    progress: ProgressCallback | None = None,
) -> PortfolioSummary:
    """Seed ``loans`` ACTIVE loans as they stand at the start of business date ``as_of``.

    Close of business is taken to have run through as_of - 1: interest accrued through that day
    (PRODUCT §2.3), fees charged and days past due computed on it (§2.4). Each chunk of about
    ``chunk_size`` loans is committed in its own transaction. With ``writers`` > 1, that many
    threads write chunks at once, each on its own database connection (so the seed must not
    run inside a transaction); the data is the same, only the ids interleave differently.
    Sets the business date to as_of. Raises PortfolioSeedRefused for loans <= 0, writers <= 0,
    an as_of before the open business date, or writers > 1 inside a transaction.
    """
    _check_arguments(loans=loans, as_of=as_of, chunk_size=chunk_size, writers=writers)
    run = Run(
        loans=loans,
        as_of=as_of,
        seed=seed,
        chunk_size=chunk_size,
        writers=writers,
        report=progress,
    )
    run.execute()
    return run.summary


def _check_arguments(*, loans: int, as_of: date, chunk_size: int, writers: int) -> None:
    if loans <= 0:
        raise PortfolioSeedRefused(f"--loans must be a positive number of loans, got {loans}.")
    if chunk_size <= 0:
        raise PortfolioSeedRefused(f"The chunk size must be positive, got {chunk_size}.")
    if writers <= 0:
        raise PortfolioSeedRefused(f"--writers must be a positive number, got {writers}.")
    if writers > 1 and connection.in_atomic_block:
        raise PortfolioSeedRefused(
            "Parallel writers commit on their own connections; seed outside a transaction."
        )
    current = BusinessDate.objects.filter(pk=1).values_list("current_date", flat=True).first()
    if current is not None and as_of < current:
        raise PortfolioSeedRefused(
            f"The business date is already {current.isoformat()}; closed dates cannot be "
            f"reopened, so seed as of {current.isoformat()} or later."
        )
