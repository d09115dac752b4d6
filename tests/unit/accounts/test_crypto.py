import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from accounts import crypto

OLD_KEY = "Yr6NvJ7o1vQDtVYk2p3L0Ws6M3sWJm0R6l4fQxYtH6A="
NEW_KEY = Fernet.generate_key().decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11010519491231002X", "1101**********002X"),
        ("4111111111111111", "4111********1111"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),  # 4 + 4 would show it all
        ("", ""),
    ],
)
def test_mask(text, expected):
    # The general helper; what each kind shows is in test_masks.py.
    assert crypto.mask(text, first=4, last=4) == expected


def test_round_trip():
    token = crypto.encrypt("11010519491231002X")
    assert "11010519491231002X" not in token
    assert crypto.decrypt(token) == "11010519491231002X"


def test_each_encryption_differs():
    assert crypto.encrypt("4111111111111111") != crypto.encrypt("4111111111111111")


@override_settings(LENDPORTAL_LOOKUP_HASH_KEY="k")
def test_lookup_digest_is_hmac_sha256_of_the_normalised_value():
    expected = hmac.new(b"k", b"11010519491231002X", hashlib.sha256).hexdigest()
    assert crypto.lookup_digest("11010519491231002X") == expected
    assert crypto.lookup_digest(" 11010519491231002x") == expected
    assert len(expected) == 64


def test_lookup_digest_depends_on_the_key():
    with override_settings(LENDPORTAL_LOOKUP_HASH_KEY="one"):
        first = crypto.lookup_digest("4111111111111111")
    with override_settings(LENDPORTAL_LOOKUP_HASH_KEY="two"):
        second = crypto.lookup_digest("4111111111111111")
    assert first != second


def test_key_rotation():
    with override_settings(LENDPORTAL_FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        old_token = crypto.encrypt("11010519491231002X")
    with override_settings(LENDPORTAL_FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert crypto.decrypt(old_token) == "11010519491231002X"
        new_token = crypto.rotate(old_token)
    with override_settings(LENDPORTAL_FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert crypto.decrypt(new_token) == "11010519491231002X"
        with pytest.raises(crypto.FieldNotDecryptable):
            crypto.decrypt(old_token)


@pytest.mark.parametrize("token", ["not a token", "gAAAAAB-tampered", "密文"])
def test_undecryptable(token):
    with pytest.raises(crypto.FieldNotDecryptable):
        crypto.decrypt(token)
