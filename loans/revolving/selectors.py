"""Reads of revolving credit for the doors: accounts as a borrower or a partner sees them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Borrower
from loans.revolving.models import Order, OrderStatus, RevolvingAccount, Statement


def revolving_account_of(*, borrower: Borrower) -> RevolvingAccount | None:
    """The borrower's revolving account, with its credit line and product, or None."""
    return (
        RevolvingAccount.objects.select_related("credit_line", "product")
        .filter(credit_line__borrower=borrower)
        .first()
    )


@dataclass(frozen=True)
class RevolvingBoard:
    """What the borrower's bills page shows: the account, the latest bill and its purchases,
    the purchases not billed yet, and the earlier bills (newest first)."""

    account: RevolvingAccount
    available: Decimal
    latest: Statement | None
    latest_purchases: list[Order]
    unbilled: list[Order]
    earlier: list[Statement]


def revolving_board_for(*, account: RevolvingAccount, bills: int = 12) -> RevolvingBoard:
    """The bills page of ``account``: the last ``bills`` bills at most."""
    statements = list(Statement.objects.filter(account=account).order_by("-statement_date")[:bills])
    latest = statements[0] if statements else None
    captured = Order.objects.filter(account=account, status=OrderStatus.CAPTURED).select_related(
        "partner"
    )
    return RevolvingBoard(
        account=account,
        available=account.credit_line.available_amount,
        latest=latest,
        latest_purchases=list(captured.filter(statement=latest).order_by("captured_at"))
        if latest is not None
        else [],
        unbilled=list(captured.filter(statement__isnull=True).order_by("-captured_at")),
        earlier=statements[1:],
    )
