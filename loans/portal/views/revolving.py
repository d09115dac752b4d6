"""The borrower's revolving account (PRODUCT §10): the latest bill and what it holds, the
purchases not billed yet, and the earlier bills."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Borrower
from loans.portal.access import borrower_required
from loans.revolving.selectors import revolving_account_of, revolving_board_for


@borrower_required
def bills(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """Show the bills page; 404 for a borrower without a revolving account."""
    account = revolving_account_of(borrower=borrower)
    if account is None:
        raise Http404("No revolving account.")
    board = revolving_board_for(account=account)
    return render(request, "portal/bills.html", {"board": board})
