import logging
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, connections, transaction
from django.test import override_settings

from accounts import crypto, services
from accounts.models import Borrower, User
from accounts.selectors import (
    borrower_birth_date_decrypt,
    borrower_find_by_id_number,
    borrower_mobile_decrypt,
)
from accounts.services import borrower_register
from tests.factories.accounts import (
    AS_OF,
    BorrowerFactory,
    PartnerFactory,
    borrower_create,
    make_bank_card,
    make_id_number,
    partner_create,
)

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
CARD = "6222020200112345679"
CONSENT_AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def register(**overrides: Any) -> Borrower:
    arguments: dict[str, Any] = {
        "full_name": "张三",
        "id_number": make_id_number(birth_date=date(1990, 5, 17)),
        "mobile": "+86 138 0013 8000",
        "bank_card": "6222 0202 0011 2345 679",
        "monthly_income_amount": Decimal("15000.00"),
        "employment_months": 48,
        "monthly_debt_payments_amount": Decimal("0"),
        "as_of": AS_OF,
    }
    return borrower_register(**(arguments | overrides))


def field_codes(error: ValidationError) -> dict[str, list[str | None]]:
    return {field: [item.code for item in items] for field, items in error.error_dict.items()}


def test_register_stores_normalised_fields():
    number = make_id_number(birth_date=date(1990, 5, 17), sequence="457")
    borrower = register(id_number=number.lower(), email=" zhang@example.com ")
    borrower.refresh_from_db()
    assert borrower.full_name == "张三"
    assert borrower_birth_date_decrypt(borrower=borrower) == date(1990, 5, 17)
    assert borrower_mobile_decrypt(borrower=borrower) == "13800138000"
    assert borrower.mobile_digest == crypto.lookup_digest("13800138000")
    assert borrower.email == "zhang@example.com"
    assert borrower.monthly_income_amount == Decimal("15000.00")
    assert borrower.monthly_debt_payments_amount == Decimal("0.00")
    assert borrower.language == "zh-hans"
    assert borrower.partner is None
    assert borrower.id_number_digest == crypto.lookup_digest(number)
    assert borrower.bank_card_digest == crypto.lookup_digest(CARD)


def test_masked_forms():
    borrower = register(id_number="11010519491231002x", as_of=date(2000, 1, 1))
    assert borrower.id_number_masked == "110***************"
    assert borrower.bank_card_masked == "622**************79"
    assert borrower.mobile_masked == "1********00"


def test_round_trip_through_the_database():
    borrower = register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    borrower.refresh_from_db()
    assert crypto.decrypt(borrower.id_number_ciphertext) == ID_NUMBER
    assert crypto.decrypt(borrower.bank_card_ciphertext) == CARD


def test_no_clear_text_in_any_column():
    borrower = register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_borrower WHERE id = %s", [borrower.pk])
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)
    for secret in (ID_NUMBER, ID_NUMBER[:17], ID_NUMBER[4:14], CARD, CARD[4:15]):
        assert secret not in stored


def test_find_by_id_number():
    borrower = register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    assert borrower_find_by_id_number(id_number="11010519491231002x") == borrower
    assert borrower_find_by_id_number(id_number=" 110105 19491231 002X") == borrower
    assert borrower_find_by_id_number(id_number=ID_NUMBER, partner=partner_create()) is None
    assert borrower_find_by_id_number(id_number=make_id_number()) is None


def test_find_by_id_number_within_a_partner():
    partner = partner_create()
    borrower = register(id_number=ID_NUMBER, as_of=date(2000, 1, 1), partner=partner)
    assert borrower_find_by_id_number(id_number=ID_NUMBER, partner=partner) == borrower
    assert borrower_find_by_id_number(id_number=ID_NUMBER) is None  # not a portal borrower


def test_every_field_error_at_once_and_nothing_written():
    borrower_create()
    with pytest.raises(ValidationError) as caught:
        register(
            full_name="张3",
            id_number="11010519491231002Y",
            mobile="12800138000",
            bank_card="4111111111111112",
            monthly_income_amount=Decimal("-1"),
            employment_months=-1,
            monthly_debt_payments_amount=Decimal("0.001"),
            email="not-an-email",
            language="fr",
            credit_check_consent_at=datetime(2026, 11, 30, 9, 0),  # noqa: DTZ001 - naive on purpose
            privacy_notice_version="2026-11",
        )
    assert field_codes(caught.value) == {
        "full_name": ["full_name_digits"],
        "id_number": ["id_number_format"],
        "mobile": ["mobile_prefix"],
        "bank_card": ["bank_card_checksum"],
        "monthly_income_amount": ["amount_negative"],
        "employment_months": ["employment_months_invalid"],
        "monthly_debt_payments_amount": ["amount_precision"],
        "email": ["invalid"],
        "language": ["language_invalid"],
        "credit_check_consent_at": ["datetime_naive"],
        "privacy_consent_at": ["privacy_consent_missing"],
    }
    assert Borrower.objects.count() == 1


def test_messages_are_readable():
    with pytest.raises(ValidationError) as caught:
        register(id_number="99010519990230002X", mobile="1380013800")
    assert caught.value.message_dict == {
        "id_number": [
            "Province code 99 is not a province of the PRC.",
            "Birth date 19990230 is not a real date.",
            "The check character does not match the first 17 digits; check for a typo.",
        ],
        "mobile": ["A mobile number has 11 digits; this one has 10."],
    }


@pytest.mark.parametrize(
    ("birth_date", "code"),
    [(date(2008, 12, 2), "age_below_minimum"), (date(1965, 12, 1), "age_above_maximum")],
)
def test_age_refused_on_the_id_number(birth_date, code):
    with pytest.raises(ValidationError) as caught:
        register(id_number=make_id_number(birth_date=birth_date))
    assert field_codes(caught.value) == {"id_number": [code]}
    assert Borrower.objects.count() == 0


@pytest.mark.parametrize("birth_date", [date(2008, 12, 1), date(1965, 12, 2)])  # 18 and 60
def test_age_boundaries_accepted(birth_date):
    borrower = register(id_number=make_id_number(birth_date=birth_date))
    assert borrower_birth_date_decrypt(borrower=borrower) == birth_date


def test_duplicate_identity_on_the_portal_refused():
    register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    with pytest.raises(ValidationError) as caught:
        register(id_number="11010519491231002x", as_of=date(2000, 1, 1), full_name="李四")
    assert caught.value.message_dict == {
        "id_number": ["A borrower with this identity number is already registered here."]
    }
    assert Borrower.objects.count() == 1


def test_duplicate_identity_per_partner():
    first, second = partner_create(), partner_create()
    register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    register(id_number=ID_NUMBER, as_of=date(2000, 1, 1), partner=first)
    register(id_number=ID_NUMBER, as_of=date(2000, 1, 1), partner=second)
    with pytest.raises(ValidationError) as caught:
        register(id_number=ID_NUMBER, as_of=date(2000, 1, 1), partner=first)
    assert field_codes(caught.value) == {"id_number": ["id_number_registered"]}
    assert Borrower.objects.count() == 3


def test_lost_race_becomes_the_same_field_error(monkeypatch):
    register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    # As if the other registration committed between our check and our insert.
    monkeypatch.setattr(services, "_check_identity_free", lambda errors, **kwargs: None)
    with pytest.raises(ValidationError) as caught:
        register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    assert field_codes(caught.value) == {"id_number": ["id_number_registered"]}
    assert Borrower.objects.count() == 1  # and the transaction is still usable


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_identity():
    # Thread A inserts and holds its transaction open; B's check cannot see A's row, so B's insert
    # waits on the unique index until A commits, then fails: B must get the field error.
    inserted = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
                inserted.set()
                threading.Event().wait(0.5)  # let B reach the unique index
            results["first"] = "registered"
        finally:
            inserted.set()
            connections.close_all()

    def second() -> None:
        inserted.wait(5)
        try:
            register(id_number=ID_NUMBER, as_of=date(2000, 1, 1), mobile="13900139000")
            results["second"] = "registered"
        except ValidationError as error:
            results["second"] = field_codes(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == {"first": "registered", "second": {"id_number": ["id_number_registered"]}}
    assert Borrower.objects.count() == 1


def test_channel_rules():
    user = User.objects.create_user(username="zhang")
    borrower_create(user=user)
    inactive = partner_create(is_active=False, code="closed-shop")
    with pytest.raises(ValidationError) as caught:
        register(user=user, partner=inactive, external_id="x" * 65)
    assert caught.value.message_dict == {
        NON_FIELD_ERRORS: ["A borrower comes through the portal (a user) or a partner, not both."],
        "user": ["This user already has a borrower profile."],
        "partner": ["Partner closed-shop is not active."],
        "external_id": ["An external id has at most 64 characters."],
    }


def test_external_id():
    partner = partner_create()
    borrower = register(partner=partner, external_id=" shop-42 ")
    assert borrower.external_id == "shop-42"
    with pytest.raises(ValidationError) as caught:
        register(partner=partner, external_id="shop-42", id_number=make_id_number(sequence="999"))
    assert field_codes(caught.value) == {"external_id": ["external_id_registered"]}
    with pytest.raises(ValidationError) as caught:
        register(external_id="shop-43", id_number=make_id_number(sequence="998"))
    assert field_codes(caught.value) == {"external_id": ["external_id_without_partner"]}


def test_consents_stored():
    borrower = register(
        credit_check_consent_at=CONSENT_AT,
        privacy_notice_version="2026-11",
        privacy_consent_at=CONSENT_AT,
        language="en",
    )
    borrower.refresh_from_db()
    assert borrower.credit_check_consent_at == CONSENT_AT
    assert (borrower.privacy_notice_version, borrower.privacy_consent_at) == ("2026-11", CONSENT_AT)
    assert borrower.language == "en"


def test_privacy_consent_needs_its_version():
    with pytest.raises(ValidationError) as caught:
        register(privacy_consent_at=CONSENT_AT)
    assert field_codes(caught.value) == {
        "privacy_notice_version": ["privacy_notice_version_missing"]
    }


def test_logs_name_the_borrower_only(caplog):
    caplog.set_level(logging.DEBUG)
    borrower = register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    services.borrower_update_profile(borrower=borrower, bank_card=make_bank_card(number=7))
    with pytest.raises(ValidationError):
        register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    assert f"borrower_id={borrower.pk}" in caplog.text
    for secret in (ID_NUMBER, ID_NUMBER[:17], CARD, make_bank_card(number=7)):
        assert secret not in caplog.text
        for record in caplog.records:
            assert secret not in str(record.args)


def test_key_rotation_keeps_stored_rows_readable():
    old_keys = ["Yr6NvJ7o1vQDtVYk2p3L0Ws6M3sWJm0R6l4fQxYtH6A="]
    new_key = "Zm9yIHRlc3RzIG9ubHk6IGEgbmV3IGZlcm5ldCBrZXk="
    with override_settings(LENDPORTAL_FIELD_ENCRYPTION_KEYS=old_keys):
        borrower = register(id_number=ID_NUMBER, as_of=date(2000, 1, 1))
    borrower.refresh_from_db()
    with override_settings(LENDPORTAL_FIELD_ENCRYPTION_KEYS=[new_key, *old_keys]):
        assert crypto.decrypt(borrower.id_number_ciphertext) == ID_NUMBER
        assert crypto.decrypt(borrower.bank_card_ciphertext) == CARD
        rotated = crypto.rotate(borrower.id_number_ciphertext)
        later = register(id_number=make_id_number(), mobile="13900139000")
    with override_settings(LENDPORTAL_FIELD_ENCRYPTION_KEYS=[new_key]):
        assert crypto.decrypt(rotated) == ID_NUMBER
        assert crypto.decrypt(later.id_number_ciphertext) == make_id_number()
        with pytest.raises(crypto.FieldNotDecryptable):
            crypto.decrypt(borrower.id_number_ciphertext)


def test_factory_boy_entry_points():
    partner = PartnerFactory.create(name="Shop")
    assert partner.name == "Shop"
    borrowers = BorrowerFactory.create_batch(2, partner=partner)
    assert [borrower.partner for borrower in borrowers] == [partner, partner]
    assert len({borrower.id_number_digest for borrower in borrowers}) == 2
