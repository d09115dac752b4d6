"""Model instances from the rows of a written-out SELECT, built as the ORM builds them.

The hot reads of the partner API and of repayments are written out (issue #7: the ORM spent
longer compiling them than PostgreSQL spends running them). Their rows become instances here:
``Model.from_db`` with the named fields, each value passed through its field's converters (a
JSON column comes from PostgreSQL as text). The names are attribute names in the model's field
order, which ``from_db`` needs when only some fields are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model


@cache
def select_list[M: Model](model: type[M]) -> tuple[tuple[str, ...], str]:
    """Every concrete field's attribute name, in field order, and the matching SELECT list."""
    fields = model._meta.concrete_fields
    return tuple(f.attname for f in fields), ", ".join(f'"{f.column}"' for f in fields)


def instances_from_rows[M: Model](
    model: type[M], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> list[M]:
    """``model`` instances of ``rows``, whose values are the fields ``names`` in that order."""
    converters = _converters(model, tuple(names))
    built = []
    for row in rows:
        values = list(row)
        for index, field_converters in converters:
            for convert in field_converters:
                values[index] = convert(values[index], None, connection)
        built.append(model.from_db(connection.alias, list(names), values))
    return built


@cache
def _converters(
    model: type[Model], names: tuple[str, ...]
) -> list[tuple[int, list[Callable[..., Any]]]]:
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    found = [(i, by_name[name].get_db_converters(connection)) for i, name in enumerate(names)]  # type: ignore[attr-defined]  # not in django-stubs
    return [(i, converters) for i, converters in found if converters]


def keyset_batches[T](
    sql: str, params: dict[str, Any], build: Callable[[Sequence[Any]], T], *, chunk_size: int
) -> Iterator[list[T]]:
    """Run ``sql`` a page at a time, keyed by its first column; yield each page's rows built.

    ``sql`` reads the rows after ``%(after)s`` (the last key of the page before; ``params`` may
    set the first) ordered by that key, at most ``%(limit)s`` of them: a long export holds no
    cursor open between pages, and each page starts at an index probe.
    """
    params = {"after": 0, **params, "limit": chunk_size}
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        yield [build(row) for row in rows]
        if len(rows) < chunk_size:
            return
        params["after"] = rows[-1][0]
