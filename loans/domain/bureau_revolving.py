"""Credit-bureau status of a revolving account (征信, PRODUCT §13 and §10), pure.

A revolving account's terms are its bills: each bill's minimum payment falls due on its due
date, and a bill is **overdue at a month end E** when its pay-by date (the due date, or the
next working day, §12) is before E and its own share of the minimum is still unpaid at E.
The month's status code, as of its last day E:

- ``C`` the account closed in or before the month;
- ``1``-``7`` the bills overdue at E (7 meaning 7 or more): overdue terms counted in unpaid
  minimums;
- ``N`` a bill's minimum fell due in the month (its due date in it, a minimum above zero) and
  nothing is overdue at E: paid by its due date, or late but within the month (cured);
- ``*`` nothing fell due in the month and nothing is overdue;
- ``#`` unknown: no month-end row was kept for that month (the month ended before revolving
  accounts were classified, or its month-end step did not run).

What was overdue at a past month end cannot be read from the bills afterwards (a payment
lowers a bill's unpaid minimum in place), so the caller passes the overdue bills of each month
end as they were recorded then (``overdue_terms``, month index -> count). The string is the
codes from the later of the open month and 23 months before the reported month, oldest first,
the reported month last, as the loans' (``loans.domain.bureau.history_of``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from loans.domain.bureau import HISTORY_MONTHS, MAX_OVERDUE_TERMS_CODE, StatusCode


def revolving_code(*, overdue_terms: int | None, due_in_month: bool, closed: bool) -> str:
    """The status code of one month (module rules); ``overdue_terms`` None when unknown."""
    if closed:
        return StatusCode.CLOSED
    if overdue_terms is None:
        return StatusCode.UNKNOWN
    if overdue_terms:
        return str(min(overdue_terms, MAX_OVERDUE_TERMS_CODE))
    return StatusCode.PAID_AS_AGREED if due_in_month else StatusCode.NOTHING_DUE


def revolving_history(
    *,
    opened_index: int,
    month_index: int,
    due_indexes: Iterable[int],
    overdue_terms: Mapping[int, int],
    closed_index: int | None = None,
) -> str:
    """The 24-month string ending with ``month_index`` (``Month.index``), oldest first.

    ``due_indexes``: the months in which a bill's minimum fell due; ``overdue_terms``: per
    month with a recorded month end, the bills overdue at it; ``closed_index``: the month the
    account closed in, if it did.
    """
    first = max(opened_index, month_index - HISTORY_MONTHS + 1)
    due = set(due_indexes)
    return "".join(
        revolving_code(
            overdue_terms=overdue_terms.get(index),
            due_in_month=index in due,
            closed=closed_index is not None and index >= closed_index,
        )
        for index in range(first, month_index + 1)
    )
