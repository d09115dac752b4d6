"""Every admin registration of LendPortal (issue #8: the back office in one home).

Django's autodiscovery imports ``loans.backoffice.admin``; each module registers its models:
``accounts`` (users, partners, borrowers, the audit trail), ``lending`` (products editable, the
rest read-only), ``books`` (payouts, the journal, the nights, events and reminders, read-only),
``credit_lines`` (read-only, unfreezing), ``queues`` (the officers' queues), ``approvals``
(maker-checker), ``desk`` (the officers' loan page), ``collection`` (the auto-debit runs,
read-only), ``settlement`` (the finance queue), ``merchant_settlement`` (partner settlement,
read-only) and ``revolving`` (revolving accounts, orders,
bills).
"""

from loans.backoffice.admin import (
    accounts,
    approvals,
    books,
    collection,
    credit_lines,
    desk,
    lending,
    merchant_settlement,
    queues,
    revolving,
    settlement,
)

__all__ = [
    "accounts",
    "approvals",
    "books",
    "collection",
    "credit_lines",
    "desk",
    "lending",
    "merchant_settlement",
    "queues",
    "revolving",
    "settlement",
]
