"""What a portfolio seed reports: the summary of what it wrote, and its progress events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class PortfolioSummary:
    """What a seed wrote: counts, money and the time each step took (seconds)."""

    loans: int = 0
    borrowers: int = 0
    installments: int = 0
    journal_lines: int = 0
    rows: int = 0
    principal_outstanding: Decimal = Decimal("0.00")
    by_bucket: Counter[str] = field(default_factory=Counter)
    by_method: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    steps: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0

    def time(self, step: str, seconds: float) -> None:
        self.steps[step] = self.steps.get(step, 0.0) + seconds

    def merge(self, part: PortfolioSummary) -> None:
        """Add a chunk's counts, money and step times to this summary."""
        self.loans += part.loans
        self.borrowers += part.borrowers
        self.installments += part.installments
        self.journal_lines += part.journal_lines
        self.rows += part.rows
        self.principal_outstanding += part.principal_outstanding
        self.by_bucket.update(part.by_bucket)
        self.by_method.update(part.by_method)
        self.by_status.update(part.by_status)
        for step, seconds in part.steps.items():
            self.time(step, seconds)


@dataclass(frozen=True)
class Progress:
    """One progress report: a step finished, or a chunk of loans was committed."""

    step: str
    done: int
    total: int
    rows: int
    elapsed: float


type ProgressCallback = Callable[[Progress], None]
