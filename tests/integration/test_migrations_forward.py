"""A database of the release before the apps (#15) migrates forward without losing a row.

The last commit with every model in the one ``loans`` app is checked out (``git archive``) into a
temporary directory; its own migrations and ``seed_demo`` build a database of its own; then this
checkout's migrations run on that database and ``reconcile`` must exit 0. Every table keeps its
rows, every content type and permission its id (so groups and users keep what they were granted),
and no model is left under the old label.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.database import scratch_database as owner_scratch_database

# The last commit before the models moved into the apps.
BEFORE_THE_APPS = "636dc09"
ROOT = Path(settings.BASE_DIR)
# Row counts of these tables are compared before and after.
TABLES_SQL = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND (table_name LIKE 'loans\\_%' OR table_name LIKE 'accounts\\_%'
           OR table_name LIKE 'auth\\_%' OR table_name LIKE 'oauth2\\_%')
      AND NOT (quote_ident(table_name)::regclass IN (SELECT inhrelid FROM pg_inherits))
    ORDER BY table_name
"""


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, check=False)


def _old_tree(target: Path) -> Path:
    if _git("cat-file", "-e", f"{BEFORE_THE_APPS}^{{commit}}").returncode != 0:
        pytest.fail(
            f"Commit {BEFORE_THE_APPS} (the schema before the apps) is not in this clone; the "
            "forward-migration test needs the history: clone without --depth, or "
            "`git fetch --unshallow`."
        )
    archive = target / "old.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE_THE_APPS], stdout=out, check=True)
    tree = target / "old"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A database of its own on the test server, dropped afterwards."""
    with owner_scratch_database("lendportal_forward") as url:
        yield url


def _manage(tree: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "lendportal.settings.local",
        "PYTHONPATH": str(tree),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _checked(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


class _Snapshot(NamedTuple):
    counts: dict[str, int]
    types: dict[int, str]  # content type id -> "label.model"
    permissions: dict[int, str]  # permission id -> "model.codename"


def _snapshot(url: str) -> _Snapshot:
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute(TABLES_SQL).fetchall()]
        counts = {}
        for table in tables:
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()
            counts[table] = row[0] if row else 0
        types = conn.execute("SELECT id, app_label || '.' || model FROM django_content_type")
        permissions = conn.execute(
            "SELECT p.id, ct.model || '.' || p.codename FROM auth_permission p "
            "JOIN django_content_type ct ON ct.id = p.content_type_id"
        )
        return _Snapshot(counts, dict(types.fetchall()), dict(permissions.fetchall()))


def _buckets_active(url: str) -> int:
    """How many buckets hold active loans; each must hold its loans' sums in the stock."""
    with psycopg.connect(url) as conn:
        grouped = conn.execute(
            "SELECT bucket, count(*), sum(principal_outstanding_amount) FROM loans_loan"
            " WHERE status = 'ACTIVE' GROUP BY bucket ORDER BY bucket"
        ).fetchall()
        kept = conn.execute(
            "SELECT bucket, loans, principal_amount FROM loans_loanstock ORDER BY bucket"
        ).fetchall()
        assert kept == grouped
        return len(grouped)


def test_a_database_of_the_release_before_the_apps_migrates_forward_with_every_row(
    tmp_path: Path, scratch_database: str
) -> None:
    old = _old_tree(tmp_path)
    _checked(_manage(old, scratch_database, "migrate", "--no-input"))
    _checked(_manage(old, scratch_database, "seed_demo"))
    before = _snapshot(scratch_database)
    assert len(before.counts) > 40
    assert before.counts["loans_journalline"] > 0

    _checked(_manage(ROOT, scratch_database, "migrate", "--no-input"))
    after = _snapshot(scratch_database)
    _checked(_manage(ROOT, scratch_database, "reconcile"))  # exits 1 on any difference

    # Permissions of models and actions added after the move (e.g. unfreeze_creditline, #16) are
    # new rows; every other table keeps its count, and every old permission its id (below).
    added = {i: p for i, p in after.permissions.items() if i not in before.permissions}
    expected = before.counts | {"auth_permission": before.counts["auth_permission"] + len(added)}
    # The dashboard's stock (#20) is filled from the loans: one row per bucket of active loans.
    expected["loans_loanstock"] = _buckets_active(scratch_database)
    assert expected["loans_loanstock"] > 0
    assert after.counts == expected, "a table gained or lost rows"
    # #17, #18 and #19: each new model brings its four permissions
    new_models = [
        "cardbinding",
        "calendaryear",
        "calendarday",
        "collectionrun",
        "collectionattempt",
        "settlementfile",
        "settlementdifference",
        # #18: revolving credit
        "revolvingproduct",
        "revolvingaccount",
        "order",
        "refund",
        "statement",
        "revolvingpayment",
        "installmentplan",
        "planinstallment",
        "creditrefund",
        "billreminder",
        "merchantsettlement",
        "merchantsettlementday",
        # #19: the month-end five-level classification, documents, periods, bureau runs
        "loanclassification",
        "contractdocument",
        "settlementcertificate",
        "accountingperiod",
        "bureaurun",
        "bureaurecord",
        "journalentryclaim",  # #20: keys and reversals unique across the journal's partitions
    ]
    assert sorted(added.values()) == sorted(
        ["creditline.unfreeze_creditline"]
        + ["approvalrequest.request_period_reopen", "approvalrequest.approve_period_reopen"]
        + [f"{m}.{a}_{m}" for m in new_models for a in ("add", "change", "delete", "view")]
    )
    # Same ids, same model names: moved models changed only their label.
    kept = {i: t.split(".")[1] for i, t in after.types.items() if i in before.types}
    assert kept == {i: t.split(".")[1] for i, t in before.types.items()}
    assert sorted(t for t in after.types.values() if t.startswith("loans.")) == []
    moved = {t for i, t in after.types.items() if before.types.get(i, t) != t}
    assert {"servicing.loan", "ledger.journalentry", "origination.loanproduct"} <= moved
    assert {i: after.permissions.get(i) for i in before.permissions} == before.permissions
