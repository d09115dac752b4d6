from datetime import date

import pytest

from accounts.selectors import borrower_identity_conflicts
from tests.factories.accounts import borrower_create, make_bank_card, make_id_number, partner_create

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(birth_date=date(1985, 3, 9), sequence="314")


def test_no_conflicts():
    borrower = borrower_create()
    borrower_create()
    assert borrower_identity_conflicts(borrower=borrower) == []


def test_same_person_in_two_channels_is_no_conflict():
    borrower = borrower_create(id_number=ID_NUMBER, mobile="13800000001")
    borrower_create(
        id_number=ID_NUMBER,
        partner=partner_create(),
        mobile="13800000001",
        bank_card=make_bank_card(number=1),
    )
    assert borrower_identity_conflicts(borrower=borrower) == []


def test_latin_names_compared_without_case():
    borrower = borrower_create(id_number=ID_NUMBER, full_name="John Smith")
    borrower_create(id_number=ID_NUMBER, full_name="JOHN SMITH", partner=partner_create())
    assert borrower_identity_conflicts(borrower=borrower) == []


def test_id_name_mismatch_in_any_channel():
    borrower = borrower_create(id_number=ID_NUMBER, full_name="张三")
    borrower_create(id_number=ID_NUMBER, full_name="李四", partner=partner_create())
    assert borrower_identity_conflicts(borrower=borrower) == ["ID_NAME_MISMATCH"]


def test_mobile_shared_with_another_identity():
    borrower = borrower_create(mobile="13800000001")
    borrower_create(mobile="+86 138 0000 0001")
    assert borrower_identity_conflicts(borrower=borrower) == ["MOBILE_SHARED"]


def test_bank_card_shared_with_another_identity():
    card = make_bank_card(number=424242)
    borrower = borrower_create(bank_card=card)
    other = borrower_create(bank_card=card, partner=partner_create())
    assert borrower_identity_conflicts(borrower=borrower) == ["BANK_CARD_SHARED"]
    assert borrower_identity_conflicts(borrower=other) == ["BANK_CARD_SHARED"]


def test_all_conflicts_in_order():
    card = make_bank_card(number=5)
    borrower = borrower_create(id_number=ID_NUMBER, mobile="13800000009", bank_card=card)
    borrower_create(id_number=ID_NUMBER, full_name="李四", partner=partner_create())
    borrower_create(mobile="13800000009", bank_card=card)
    assert borrower_identity_conflicts(borrower=borrower) == [
        "ID_NAME_MISMATCH",
        "MOBILE_SHARED",
        "BANK_CARD_SHARED",
    ]
