"""Admin pagination that does not count a million rows on every page view (issue #6), and the
read-only model admin that uses it.

``count`` asks PostgreSQL's planner first: the table's ``reltuples`` when the list is
unfiltered, the row estimate of EXPLAIN when it is filtered. Only when the estimate is small
(below ``EXACT_BELOW``) is the exact ``COUNT(*)`` run, so small lists show exact counts and
large ones an estimate ("about"), which PostgreSQL keeps current through autovacuum/ANALYZE.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections, models
from django.db.models import QuerySet
from django.http import HttpRequest

from loans.backoffice.readable import ReadableModelAdmin

EXACT_BELOW = 10_000
DEFERRED_JOIN_FROM = 1_000  # rows skipped before a page fetches its keys first


class EstimatedCountPaginator(Paginator):
    """A Paginator whose count is the planner's estimate once a list is large."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        estimate = queryset_estimate(queryset)
        if estimate is None or estimate < EXACT_BELOW:
            return queryset.count()
        self.is_estimate = True
        return estimate

    is_estimate = False

    def page(self, number: Any) -> Page:
        """Fetch a deep page's keys first, then its rows (a deferred join).

        OFFSET over the full select (joins included) costs per skipped row; over the primary
        key only it stays an index scan, and the joins run for the page's rows alone.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.object_list
        if bottom < DEFERRED_JOIN_FROM or not isinstance(queryset, QuerySet):
            return super().page(number)
        keys = list(queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return Page(list(queryset.filter(pk__in=keys)), number, self)


def queryset_estimate(queryset: QuerySet[Any]) -> int | None:
    """Return PostgreSQL's estimate of the rows of ``queryset``, or None when it has none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    if not queryset.query.where:
        return _table_estimate(connection, queryset.model._meta.db_table)
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _table_estimate(connection: Any, table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    # -1 (never analysed) or 0 (empty or not analysed yet): count for real.
    return int(row[0]) if row and row[0] > 0 else None


class ReadOnlyModelAdmin[M: models.Model](ReadableModelAdmin[M]):
    """Shows rows to whoever may view them; nobody adds, changes or deletes them here.

    Money, rates and codes read as people say them (loans.backoffice.readable, issue #23).

    Lists never count a whole large table (issue #6: 1,000,000 loans): the paginator takes
    PostgreSQL's estimate once a list is large, and the unfiltered total is not shown.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False
