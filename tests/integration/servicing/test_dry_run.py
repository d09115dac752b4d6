"""dry_run: the previews' way to run a real service and keep nothing (nor log it)."""

from __future__ import annotations

import logging

import pytest
from django.db import connection, transaction

from accounts.models import Partner
from loans.servicing.services.dry_run import dry_run, log_committed

pytestmark = pytest.mark.django_db(transaction=True)


def _partner_named(name: str) -> Partner:
    return Partner.objects.create(name=name, code=name.lower())


def test_returns_the_result_and_keeps_nothing() -> None:
    result = dry_run(lambda: _partner_named("Preview").name)

    assert result == "Preview"
    assert not Partner.objects.exists()
    assert not connection.in_atomic_block


def test_a_refusal_propagates_and_keeps_nothing() -> None:
    def refuse() -> None:
        _partner_named("Refused")
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        dry_run(refuse)
    assert not Partner.objects.exists()


def test_inside_a_transaction_only_the_run_is_rolled_back() -> None:
    called: list[str] = []
    with transaction.atomic():
        _partner_named("Kept")

        def run() -> None:
            _partner_named("Dropped")
            transaction.on_commit(lambda: called.append("dropped"))

        dry_run(run)
        transaction.on_commit(lambda: called.append("kept"))
        assert list(Partner.objects.values_list("name", flat=True)) == ["Kept"]

    assert list(Partner.objects.values_list("name", flat=True)) == ["Kept"]
    assert called == ["kept"]  # the commit ran only the callback queued outside the dry run


def test_a_committed_write_is_logged_and_a_dry_run_is_not(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.dry_run")

    def write(name: str) -> None:
        _partner_named(name)
        log_committed(logger, "partner %s created", name)

    with caplog.at_level(logging.INFO, logger="tests.dry_run"):
        dry_run(lambda: write("Previewed"))
        with transaction.atomic():
            write("Kept")
            assert caplog.messages == []  # not before the commit

    assert caplog.messages == ["partner Kept created"]
