"""SQL fragments of the business calendar for set-based steps (close of business, bills)."""

from __future__ import annotations


def pay_by_sql(due_date: str) -> str:
    """SQL for the pay-by date of the SQL expression ``due_date``: the due date, or the next
    working day when it falls on a non-working day (PRODUCT §12); a year not loaded has no
    rows, and every day of it works.

    A lookup by primary key per row, not a join: joined, the planner misjudged a chunk's rows
    and compared each with the whole calendar (EXPLAIN in docs/cob.md).
    """
    lookup = "SELECT c.following_working_date FROM calendar_day c WHERE c.day = "
    return f"coalesce(({lookup}{due_date}), {due_date})"
