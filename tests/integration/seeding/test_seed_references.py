"""A parallel seed by the tables' owner sets their foreign keys aside and puts them back, checked.

Issue #20: the row-by-row deferred checks took 401 of the 412 s of a 1,000,000-loan seed summed
over both writers. Real transactions; the test database's owner is not a superuser in CI (the
application role and the owner of docs/database.md), which is the path these tests need.
"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection

from accounts.database_roles import connection_as_owner
from loans.management.seeding.portfolio.borrowers import Chunk
from loans.management.seeding.portfolio.references import (
    SEEDED_TABLES,
    ForeignKeysBroken,
    foreign_keys_set_aside,
)
from loans.management.seeding.portfolio.run import Run, _privileges
from loans.management.seeding.portfolio.session import Session
from loans.management.seeding.portfolio.summary import PortfolioSummary
from tests.database import owner_cursor

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2027, 3, 1)
ARGS = ("--loans", "600", "--as-of", AS_OF.isoformat(), "--chunk-size", "200", "--writers", "2")

KEYS = """
SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.convalidated
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
WHERE k.contype = 'f' AND k.conparentid = 0 AND c.relname = ANY(%s)
ORDER BY 1, 2
"""


def keys() -> list[tuple[str, str, str, bool]]:
    with owner_cursor() as cursor:
        cursor.execute(KEYS, [list(SEEDED_TABLES)])
        return cursor.fetchall()


@pytest.fixture(autouse=True)
def _owner_not_superuser() -> None:
    with owner_cursor() as cursor:
        superuser, owner = _privileges(cursor)
    if superuser or not owner:
        pytest.skip("the owner is a superuser here: its seed skips the checks per chunk")


def test_a_parallel_seed_puts_every_key_back_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    before = keys()
    seen_during: list[list[tuple[str, str, str, bool]]] = []
    original = Run._write

    def write(self: Run, session: Session, chunk: Chunk) -> PortfolioSummary:
        seen_during.append(keys())
        return original(self, session, chunk)

    monkeypatch.setattr(Run, "_write", write)
    out = StringIO()
    call_command("seed_portfolio", *ARGS, stdout=out)

    assert len(before) >= 15
    assert all(valid for *_, valid in before)
    assert seen_during
    assert all(during == [] for during in seen_during)
    assert keys() == before
    assert "foreign keys: set aside" in out.getvalue()
    assert "foreign keys: added back and checked" in out.getvalue()
    call_command("reconcile", stdout=StringIO())


def test_a_seed_that_fails_half_way_still_puts_the_keys_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = keys()
    original = Run._write

    def write(self: Run, session: Session, chunk: Chunk) -> PortfolioSummary:
        if chunk.number == 2:
            raise RuntimeError("writer died")
        return original(self, session, chunk)

    monkeypatch.setattr(Run, "_write", write)
    with pytest.raises(RuntimeError, match="writer died"):
        call_command("seed_portfolio", *ARGS, stdout=StringIO())

    assert keys() == before


def test_a_row_that_points_nowhere_is_named_and_its_key_stays_enforced() -> None:
    call_command("seed_portfolio", *ARGS[:4], "--writers", "1", stdout=StringIO())
    steps: list[str] = []
    with (
        owner_cursor() as owner,
        pytest.raises(ForeignKeysBroken) as raised,
        connection_as_owner(DEFAULT_DB_ALIAS),
        foreign_keys_set_aside(lambda name, _seconds: steps.append(name)),
    ):
        owner.execute(
            "UPDATE loans_installment SET loan_id = -7"
            " WHERE id = (SELECT min(id) FROM loans_installment)"
        )

    assert raised.value.broken[0].startswith(
        "loans_installment.loans_installment_loan_id_275b9d1c_fk_loans_loan_id"
    )
    assert len(raised.value.broken) == 1
    states = {name: valid for _table, name, _definition, valid in keys()}
    assert states["loans_installment_loan_id_275b9d1c_fk_loans_loan_id"] is False
    assert sum(1 for valid in states.values() if not valid) == 1
    # NOT VALID is still enforced on new writes.
    with owner_cursor() as owner, pytest.raises(Exception, match="foreign key"):
        owner.execute(
            "UPDATE loans_installment SET loan_id = -8"
            " WHERE id = (SELECT max(id) FROM loans_installment)"
        )
    with owner_cursor() as owner:
        owner.execute("DELETE FROM loans_installment WHERE loan_id = -7")
        owner.execute(
            "ALTER TABLE loans_installment"
            " VALIDATE CONSTRAINT loans_installment_loan_id_275b9d1c_fk_loans_loan_id"
        )
    assert steps == ["foreign keys: set aside"]


def test_a_seed_refuses_a_database_missing_a_key() -> None:
    key = next(k for k in keys() if k[0] == "loans_installment")
    with owner_cursor() as owner:
        owner.execute(f'ALTER TABLE loans_installment DROP CONSTRAINT "{key[1]}"')
    try:
        with pytest.raises(CommandError, match=r"missing .*loans_installment\.loan_id"):
            call_command("seed_portfolio", *ARGS, stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM loans_loan")
            assert cursor.fetchone()[0] == 0
    finally:
        with owner_cursor() as owner:
            owner.execute(f'ALTER TABLE loans_installment ADD CONSTRAINT "{key[1]}" {key[2]}')
