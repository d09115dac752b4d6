"""Every admin registration of LendPortal (issue #8: the back office in one home).

Django's autodiscovery imports ``loans.backoffice.admin``; each module registers its models:
``accounts`` (users, partners, borrowers, the audit trail), ``lending`` (products editable, the
rest read-only), ``credit_lines`` (read-only, unfreezing), ``queues`` (the officers' queues),
and ``desk`` (the officers' loan page).
"""

from loans.backoffice.admin import accounts, credit_lines, desk, lending, queues

__all__ = ["accounts", "credit_lines", "desk", "lending", "queues"]
