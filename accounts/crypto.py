"""Personal data at rest (PRODUCT §6): encryption, keyed lookup digests and masking.

Identity numbers, bank card numbers and mobiles are stored three ways: a Fernet ciphertext (to
show or use the number), an HMAC-SHA256 digest (to find it without decrypting), and a masked form
(to display). Each kind has its own mask, chosen so that what is shown leaves at least a million
candidates (docs/identity.md counts them).
Keys come from settings: ``LENDPORTAL_FIELD_ENCRYPTION_KEYS`` (the first encrypts, all decrypt)
and ``LENDPORTAL_LOOKUP_HASH_KEY``. See docs/identity.md for rotation.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# Characters left visible (first, last) per kind; docs/identity.md counts the candidates left.
ID_NUMBER_VISIBLE = (3, 0)  # "110***************": the last character would cut them by 11
BANK_CARD_VISIBLE = (3, 2)  # "622***********79": a known BIN still leaves 10**7 (16 digits)
MOBILE_VISIBLE = (1, 2)  # "1********00": every mainland mobile starts with 1


class FieldNotDecryptable(Exception):
    """A ciphertext was not made by any of the configured keys, or was altered."""


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    # Keyed by the key list itself, so override_settings in tests (and a rotation) take effect.
    if not keys:
        raise ValueError("LENDPORTAL_FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(key) for key in keys])


def _fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.LENDPORTAL_FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    """Encrypt text with the first configured key; return the Fernet token as ASCII."""
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made with any configured key. Raises FieldNotDecryptable."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise FieldNotDecryptable("the token does not decrypt with any configured key") from error


def rotate(token: str) -> str:
    """Re-encrypt a token under the first configured key. Raises FieldNotDecryptable."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise FieldNotDecryptable("the token does not decrypt with any configured key") from error


def normalise_for_lookup(text: str) -> str:
    """Return the form that is hashed: spaces dropped, letters upper-cased ("x" → "X")."""
    return "".join(text.split()).upper()


def lookup_digest(text: str) -> str:
    """Return the hex HMAC-SHA256 of the normalised text under LENDPORTAL_LOOKUP_HASH_KEY."""
    key = settings.LENDPORTAL_LOOKUP_HASH_KEY.encode()
    message = normalise_for_lookup(text).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mask(text: str, *, first: int, last: int) -> str:
    """Return text with all but its first ``first`` and last ``last`` characters as "*".

    Text no longer than first + last is masked whole, since showing those would show all of it.
    """
    if len(text) <= first + last:
        return "*" * len(text)
    hidden = len(text) - first - last
    return f"{text[:first]}{'*' * hidden}{text[len(text) - last :]}"


def mask_id_number(number: str) -> str:
    """Return an identity number as shown: "11010519491231002X" → "110***************"."""
    first, last = ID_NUMBER_VISIBLE
    return mask(number, first=first, last=last)


def mask_bank_card(number: str) -> str:
    """Return a bank card number as shown: "6222020200112345679" → "622**************79"."""
    first, last = BANK_CARD_VISIBLE
    return mask(number, first=first, last=last)


def mask_mobile(number: str) -> str:
    """Return a mobile number as shown: "13800138000" → "1********00"."""
    first, last = MOBILE_VISIBLE
    return mask(number, first=first, last=last)
