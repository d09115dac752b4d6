"""No birth date and no mobile in clear in the database or the logs (issue #16 hole 3)."""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from accounts import crypto
from accounts.models import Borrower
from accounts.selectors import (
    borrower_birth_date_decrypt,
    borrower_identity_conflicts,
    borrower_mobile_decrypt,
    mobile_lookup_digest,
)
from accounts.services import borrower_update_profile
from loans.origination.services.credit import credit_application_submit
from tests.factories.accounts import AS_OF, borrower_create, make_id_number

pytestmark = pytest.mark.django_db

BORN = date(1990, 5, 17)
ID_NUMBER = make_id_number(birth_date=BORN, sequence="468")
MOBILE = "13912345678"
# Every way a birth date or a mobile could sit in a column.
BIRTH_DATE_FORMS = ("1990-05-17", "19900517", "1990/05/17", "1990年5月17日")
MOBILE_FORMS = (MOBILE, "139 1234 5678", "139-1234-5678", MOBILE[3:])


def stored_row(borrower: Borrower) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_borrower WHERE id = %s", [borrower.pk])
        row = cursor.fetchone()
    assert row is not None
    return " | ".join(str(value) for value in row)


def borrower_columns() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            ["accounts_borrower"],
        )
        return {name for (name,) in cursor.fetchall()}


def test_no_birth_date_and_no_mobile_in_any_column():
    borrower = borrower_create(id_number=ID_NUMBER, mobile=f"+86 {MOBILE}")

    stored = stored_row(borrower)

    for clear in (*BIRTH_DATE_FORMS, *MOBILE_FORMS):
        assert clear not in stored
    assert not {"birth_date", "mobile"} & borrower_columns()
    assert not [name for name in borrower_columns() if re.search(r"birth|(^|_)age(_|$)", name)]


def test_the_mobile_is_stored_encrypted_with_a_digest_and_a_mask():
    borrower = borrower_create(mobile="+86 139-1234-5678")
    borrower.refresh_from_db()

    assert crypto.decrypt(borrower.mobile_ciphertext) == MOBILE
    assert borrower_mobile_decrypt(borrower=borrower) == MOBILE
    assert borrower.mobile_digest == crypto.lookup_digest(MOBILE)
    assert borrower.mobile_masked == "1********78"


def test_a_typed_mobile_finds_its_digest_and_anything_else_none():
    assert mobile_lookup_digest(text="+86 139 1234 5678") == crypto.lookup_digest(MOBILE)
    assert mobile_lookup_digest(text="1391234") is None
    assert mobile_lookup_digest(text="张三") is None


def test_the_birth_date_comes_from_the_decrypted_identity_number():
    borrower = borrower_create(id_number=ID_NUMBER)

    assert borrower_birth_date_decrypt(borrower=borrower) == BORN


def test_the_credit_decision_keeps_the_age_worked_out_from_the_identity_number():
    borrower = borrower_create(id_number=ID_NUMBER, monthly_income_amount=Decimal("15000.00"))

    application = credit_application_submit(borrower=borrower, as_of=date(2026, 5, 16))

    assert application.inputs["age"] == 35  # the day before the 36th birthday


def test_a_mobile_shared_with_another_person_is_found_through_the_digest():
    first = borrower_create(mobile=MOBILE)
    second = borrower_create(mobile="+86 139-1234-5678")
    other = borrower_create(mobile="13912345679")

    assert borrower_identity_conflicts(borrower=second) == ["MOBILE_SHARED"]
    assert borrower_identity_conflicts(borrower=first) == ["MOBILE_SHARED"]
    assert borrower_identity_conflicts(borrower=other) == []


def test_a_changed_mobile_is_re_encrypted_and_found_by_its_new_digest():
    borrower = borrower_create(mobile=MOBILE)
    someone = borrower_create(mobile="13700000001")

    updated = borrower_update_profile(borrower=borrower, mobile="137-0000-0001")

    assert crypto.decrypt(updated.mobile_ciphertext) == "13700000001"
    assert updated.mobile_masked == "1********01"
    assert borrower_identity_conflicts(borrower=someone) == ["MOBILE_SHARED"]
    assert MOBILE not in stored_row(updated)


def test_no_log_record_carries_the_mobile_or_the_birth_date(caplog):
    caplog.set_level(logging.DEBUG)
    borrower = borrower_create(id_number=ID_NUMBER, mobile=MOBILE, as_of=AS_OF)
    borrower_update_profile(borrower=borrower, mobile="13700000002")
    credit_application_submit(borrower=borrower, as_of=AS_OF)

    assert caplog.records  # the services did log
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args}"
        for clear in (*MOBILE_FORMS, "13700000002", *BIRTH_DATE_FORMS, ID_NUMBER):
            assert clear not in text
