"""Celery tasks of the ledger: thin, one service call (STYLE.md "Celery")."""

from __future__ import annotations

import logging

from celery import shared_task

from loans.ledger.partitions import default_partition_rows, partitions_ensure
from loans.tasks import TRANSIENT

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def journal_partitions_ensure() -> list[str]:
    """The journal's partitions of this month and the next three (beat, daily)."""
    created = [f"{month:%Y-%m}" for month in partitions_ensure()]
    if stray := default_partition_rows():
        logger.error("journal_default_partition_rows", extra={"rows": stray})
    return created
