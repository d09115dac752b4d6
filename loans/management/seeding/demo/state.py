"""What the demo's steps share: the Demo state, the staff, the password and the time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Borrower, Partner, User
from accounts.roles import COLLECTIONS_AGENT, FINANCE, LOAN_OFFICER, RISK_MANAGER
from loans.origination.models import LoanProduct

DEMO_ADMIN = "admin"
# Development data only: these passwords are published in the README.
STAFF_PASSWORD = "lendportal-demo"  # noqa: S105
BEIJING = ZoneInfo("Asia/Shanghai")
STAFF = (
    ("officer", LOAN_OFFICER),
    ("officer2", LOAN_OFFICER),  # the second pair of eyes of maker-checker
    ("risk", RISK_MANAGER),
    ("collections", COLLECTIONS_AGENT),
    ("finance", FINANCE),
)


@dataclass
class Demo:
    """What the seeding shares between steps."""

    say: Callable[[str], None]
    today: date  # the open business date
    staff: dict[str, User] = field(default_factory=dict)
    products: dict[str, LoanProduct] = field(default_factory=dict)
    partner: Partner | None = None
    borrowers: dict[str, Borrower] = field(default_factory=dict)

    @property
    def last_closed(self) -> date:
        # Close of business for D runs after D ends and opens D + 1 (PRODUCT §4): on the open
        # date, interest is accrued through the day before, and DPD is as of that day.
        return self.today - timedelta(days=1)
