"""Journal lines' references, checked once per statement (issue #20, ledger migration 0011).

The lines have no foreign keys any more (row-by-row checks took a quarter of close of business
at 5,000,000 loans); their statement trigger checks that every line's entry, loan and revolving
account exist, and a loan or revolving account with lines cannot be deleted. Raw SQL as the
owner, through the parent and on an old and a new partition, as test_partitions does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from loans.ledger.models import JournalLine
from loans.ledger.partitions import month_first_id
from loans.revolving.models import RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.servicing.models import Loan
from tests.integration.ledger.test_partitions import ENTRY_SQL, owner_transaction, refused

pytestmark = pytest.mark.django_db(transaction=True)  # the owner sees the loan

FOREIGN_KEY_VIOLATION = "23503"
LINES_SQL = (
    "INSERT INTO {table} (entry_id, account, amount, {column}) "
    "VALUES (%s, 'PRINCIPAL_RECEIVABLE', 5, %s), (%s, 'CASH', -5, NULL)"
)


def first_id(which: str) -> int:
    month = timezone.localdate().replace(day=1)
    return 1_000 if which == "legacy" else month_first_id(month) + 9_000_000_000


def line_tables(which: str) -> list[str]:
    month = timezone.localdate().replace(day=1)
    suffix = "legacy" if which == "legacy" else f"p{month:%Y%m}"
    return ["loans_journalline", f"loans_journalline_{suffix}"]


@pytest.mark.parametrize("which", ["legacy", "month"])
def test_a_line_must_name_an_entry_a_loan_and_an_account_that_exist(which: str, loan: Loan) -> None:
    day = timezone.localdate()
    entry = first_id(which)
    with owner_transaction() as pg:
        for n, table in enumerate(line_tables(which)):
            # A loan that exists: posted.
            pg.execute(ENTRY_SQL.format(table="loans_journalentry"), [entry + n, day])
            pg.execute(
                LINES_SQL.format(table=table, column="loan_id"),
                [entry + n, loan.pk, entry + n],
            )
            # A loan, a revolving account or an entry that does not.
            for column, named in (("loan_id", -7), ("revolving_account_id", -8)):
                with refused(pg, FOREIGN_KEY_VIOLATION):
                    pg.execute(ENTRY_SQL.format(table="loans_journalentry"), [entry + 10, day])
                    pg.execute(
                        LINES_SQL.format(table=table, column=column),
                        [entry + 10, named, entry + 10],
                    )
            with refused(pg, FOREIGN_KEY_VIOLATION):
                pg.execute(
                    LINES_SQL.format(table=table, column="loan_id"),
                    [entry + 20, loan.pk, entry + 20],
                )
        assert pg.execute(
            "SELECT count(*) FROM loans_journalline WHERE entry_id IN (%s, %s)", [entry, entry + 1]
        ).fetchone() == (4,)


def error_of(pg: psycopg.Connection[Any], *statements: tuple[str, list[Any]]) -> str:
    """The message of the error the statements raise (in a savepoint rolled back)."""
    try:
        with pg.transaction():
            for sql, params in statements:
                pg.execute(sql, params)
    except psycopg.Error as error:
        return str(error)
    raise AssertionError("no error")


def test_the_message_names_what_is_missing(loan: Loan) -> None:
    entry = first_id("month")
    lines = LINES_SQL.format(table="loans_journalline", column="loan_id")
    with owner_transaction() as pg:
        message = error_of(
            pg,
            (ENTRY_SQL.format(table="loans_journalentry"), [entry, timezone.localdate()]),
            (lines, [entry, 424242, entry]),
        )
    assert "journal lines of loan 424242: no such loan" in message


def test_a_loan_with_lines_cannot_be_deleted(loan: Loan) -> None:
    assert JournalLine.objects.filter(loan=loan).exists()
    with owner_transaction() as pg:
        with refused(pg, FOREIGN_KEY_VIOLATION):
            pg.execute("DELETE FROM loans_loan WHERE id = %s", [loan.pk])
        message = error_of(pg, ("DELETE FROM loans_loan WHERE id = %s", [loan.pk]))
    assert f"loan {loan.pk} has journal lines" in message


def test_a_revolving_account_with_lines_cannot_be_deleted(loan: Loan) -> None:
    product, _ = RevolvingProduct.objects.get_or_create(code="huabei", defaults={"name": "花呗"})
    account = revolving_account_open(
        borrower=loan.borrower, product_code=product.code, statement_day=1, as_of=date(2027, 1, 4)
    )
    day = timezone.localdate()
    entry = first_id("month")
    with owner_transaction() as pg:
        pg.execute(ENTRY_SQL.format(table="loans_journalentry"), [entry, day])
        pg.execute(
            LINES_SQL.format(table="loans_journalline", column="revolving_account_id"),
            [entry, account.pk, entry],
        )
        with refused(pg, FOREIGN_KEY_VIOLATION):
            pg.execute("DELETE FROM revolving_revolvingaccount WHERE id = %s", [account.pk])
        message = error_of(
            pg, ("DELETE FROM revolving_revolvingaccount WHERE id = %s", [account.pk])
        )
    assert f"revolving account {account.pk} has journal lines" in message


def test_the_lines_have_no_row_by_row_foreign_keys_left() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN "
            "(SELECT inhrelid FROM pg_inherits WHERE inhparent = 'loans_journalline'::regclass "
            " UNION SELECT 'loans_journalline'::regclass)"
        )
        assert cursor.fetchone()[0] == 0
