"""Running a real service without keeping anything it writes: how previews are made."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


def dry_run[T](run: Callable[[], T]) -> T:
    """Return what ``run`` returns, with everything it wrote rolled back.

    ``run`` runs in a savepoint (a transaction when none is open) that is rolled back at its
    end, with the on-commit callbacks it queued; whatever it raises propagates.
    """
    with transaction.atomic():
        result = run()
        transaction.set_rollback(True)
    return result
