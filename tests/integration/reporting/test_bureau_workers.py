"""`bureau_export --workers N` (issue #19): worker processes write the same file and rows as
one process. Transactional: the workers read the committed books in the run's snapshot. No
night is closed: January's records come from the schedules (the export's date is given)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from accounts.models import Borrower
from loans.domain.bureau import Month
from loans.reporting.bureau.writers import JsonLinesWriter
from loans.reporting.models import BureauRecord
from loans.reporting.services import bureau
from loans.reporting.services.bureau_records import record_chunks, written_rows
from tests.factories.api import business_date_set
from tests.factories.loans import DRAW_DATE, draw

pytestmark = pytest.mark.django_db(transaction=True)

JANUARY = Month(2027, 1)


@pytest.fixture(autouse=True)
def bureau_dir(settings, tmp_path) -> Path:
    settings.LENDPORTAL_BUREAU_DIR = str(tmp_path)
    return tmp_path


def test_workers_write_the_file_one_process_writes(monkeypatch, bureau_dir):
    business_date_set(DRAW_DATE)
    loans = [draw(principal="3000.00", term=6) for _ in range(5)]
    Borrower.objects.filter(pk=loans[2].borrower_id).update(id_number_ciphertext="not-a-token")
    # What one process writes, worked out here without a run.
    expected = io.BytesIO()
    writer = JsonLinesWriter(expected)
    expected_rows = [
        row for chunk in record_chunks(JANUARY, 2) for row in written_rows(writer, chunk, "BASE")
    ]
    # Ranges of 2 loan ids: several parts, appended in id order.
    monkeypatch.setattr(bureau, "PART_SIZE", 2)

    result = bureau.bureau_export(month=JANUARY, today=date(2027, 2, 1), workers=2, chunk_size=1)

    assert result.path.read_bytes() == expected.getvalue()
    assert expected.getvalue().count(b"\n") == 4
    rows = BureauRecord.objects.filter(run=result.run).order_by("loan_id")
    assert [(r.loan_id, r.digest, r.reject_reason) for r in rows] == [
        (loan_id, digest, reason) for loan_id, _m, _k, digest, reason, _d in expected_rows
    ]
    assert (result.run.records_count, result.run.rejects_count) == (4, 1)
    assert not list(bureau_dir.glob(".bureau-*"))  # the parts are gone
