"""The platform rate cap on the annual rate and the APR (PRODUCT §2.2, PBOC 2021 No. 3)."""

from decimal import ROUND_HALF_UP, Decimal

from loans.domain.errors import DomainError
from loans.domain.money import decimal_context

DEFAULT_RATE_CAP = Decimal("0.24")


class RateCapExceeded(DomainError):
    """The annual rate or the APR of a quote or loan is above the rate cap."""

    def __init__(self, *, label: str, rate: Decimal, cap: Decimal) -> None:
        self.label = label
        self.rate = rate
        self.cap = cap
        shown_rate, shown_cap = format_percent(rate), format_percent(cap)
        if shown_rate == shown_cap:
            # 0.240001 must not read "24.00% exceeds the 24.00% cap".
            shown_rate = format_percent(rate, places=4)
        super().__init__(f"{label} {shown_rate} exceeds the {shown_cap} cap (PBOC 2021 No. 3)")


def format_percent(rate: Decimal, *, places: int = 2) -> str:
    """Format a rate fraction as a percentage with ``places`` decimals, HALF_UP ("25.34%")."""
    with decimal_context():
        shown = (rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown:f}%"


def check_rate_cap(*, annual_rate: Decimal, apr: Decimal, cap: Decimal = DEFAULT_RATE_CAP) -> None:
    """Refuse a loan whose annual rate or APR (fractions) is above ``cap``; equal is allowed.

    Raises RateCapExceeded naming the first figure above the cap (annual rate, then APR).
    """
    if annual_rate > cap:
        raise RateCapExceeded(label="Annual rate", rate=annual_rate, cap=cap)
    if apr > cap:
        raise RateCapExceeded(label="APR", rate=apr, cap=cap)
