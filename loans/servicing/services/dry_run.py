"""Running a real service without keeping anything it writes: how previews are made.

A service that a preview may run logs what it did with ``log_committed``, so that a dry run,
whose writes are rolled back, leaves no log line saying they happened.
"""

from __future__ import annotations

import logging
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


def log_committed(logger: logging.Logger, message: str, *args: object) -> None:
    """Log ``message`` at INFO once the current transaction commits; never if it rolls back."""
    transaction.on_commit(lambda: logger.info(message, *args))
