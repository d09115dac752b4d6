"""Migration accounts/0006 on borrowers written before it (issue #16 hole 3).

A scratch database is migrated to accounts 0005 by ``manage.py``, borrowers are written as the
code of that time wrote them (clear mobile and birth date, masks of 4 + 4), then 0006 runs: every
borrower is kept, with the mobile encrypted, its digest and mask, the identity and card masks cut
down, and no clear column left. Migrating back restores the clear columns from the ciphertexts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime

import psycopg
import pytest
from django.conf import settings

from accounts import crypto
from tests.database import scratch_database as owner_scratch_database
from tests.factories.accounts import make_bank_card, make_id_number

ROOT = settings.BASE_DIR
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PEOPLE = [
    # (name, identity number, birth date, mobile, card)
    ("张三", make_id_number(birth_date=date(1990, 5, 17), sequence="123"), "13800138000", 11),
    (
        "李四",
        make_id_number(region="810000", birth_date=date(1970, 1, 2), sequence="246"),
        "19912345678",
        12,
    ),
]
INSERT = """
INSERT INTO accounts_borrower (external_id, full_name, id_number_ciphertext, id_number_digest,
    id_number_masked, birth_date, mobile, email, bank_card_ciphertext, bank_card_digest,
    bank_card_masked, monthly_income_amount, employment_months, monthly_debt_payments_amount,
    language, privacy_notice_version, created_at, updated_at)
VALUES ('', %s, %s, %s, %s, %s, %s, '', %s, %s, %s, 15000, 48, 0, 'zh-hans', '', %s, %s)
RETURNING id
"""
COLUMNS_SQL = """
SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts_borrower'
"""


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A database of its own on the test server, dropped afterwards."""
    with owner_scratch_database("lendportal_identity") as url:
        yield url


def _migrate(url: str, target: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DATABASE_OWNER_URL", None)  # the scratch database has one role: its creator
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "accounts", target, "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]


def _write_old_borrowers(url: str) -> list[int]:
    ids = []
    with psycopg.connect(url) as conn:
        for name, number, mobile, card_serial in PEOPLE:
            card = make_bank_card(number=card_serial)
            row = conn.execute(
                INSERT,
                (
                    name,
                    crypto.encrypt(number),
                    crypto.lookup_digest(number),
                    crypto.mask(number, first=4, last=4),
                    date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                    mobile,
                    crypto.encrypt(card),
                    crypto.lookup_digest(card),
                    crypto.mask(card, first=4, last=4),
                    NOW,
                    NOW,
                ),
            ).fetchone()
            assert row is not None
            ids.append(row[0])
    return ids


def _rows(url: str) -> dict[int, dict[str, object]]:
    with psycopg.connect(url) as conn:
        cursor = conn.execute("SELECT * FROM accounts_borrower ORDER BY id")
        names = [column.name for column in cursor.description or ()]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_borrowers_written_before_0006_are_kept_encrypted_and_masked(scratch_database):
    _migrate(scratch_database, "0005_reveal_permission")
    ids = _write_old_borrowers(scratch_database)
    before = _rows(scratch_database)

    _migrate(scratch_database, "0006_borrower_identity_protection")
    after = _rows(scratch_database)

    assert sorted(after) == sorted(before) == sorted(ids)
    for (_name, number, mobile, card_serial), borrower_id in zip(PEOPLE, ids, strict=True):
        row = after[borrower_id]
        assert "mobile" not in row
        assert "birth_date" not in row
        assert crypto.decrypt(str(row["mobile_ciphertext"])) == mobile
        assert row["mobile_digest"] == crypto.lookup_digest(mobile)
        assert row["mobile_masked"] == crypto.mask_mobile(mobile)
        assert row["id_number_masked"] == crypto.mask_id_number(number)
        assert row["bank_card_masked"] == crypto.mask_bank_card(make_bank_card(number=card_serial))
        # Untouched: the identity and card ciphertexts and digests, the rest of the profile.
        for column in ("id_number_ciphertext", "id_number_digest", "bank_card_digest", "full_name"):
            assert row[column] == before[borrower_id][column]
        assert mobile not in " ".join(str(value) for value in row.values())


def test_migrating_back_restores_the_clear_columns(scratch_database):
    _migrate(scratch_database, "0005_reveal_permission")
    _write_old_borrowers(scratch_database)
    before = _rows(scratch_database)
    _migrate(scratch_database, "0006_borrower_identity_protection")

    _migrate(scratch_database, "0005_reveal_permission")

    assert _rows(scratch_database) == before
