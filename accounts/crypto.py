"""Personal data at rest (PRODUCT §6): encryption, keyed lookup digests and masking.

Identity and bank card numbers are stored three ways: a Fernet ciphertext (to show or use the
number), an HMAC-SHA256 digest (to find it without decrypting), and a masked form (to display).
Keys come from settings: ``LENDPORTAL_FIELD_ENCRYPTION_KEYS`` (the first encrypts, all decrypt)
and ``LENDPORTAL_LOOKUP_HASH_KEY``. See docs/identity.md for rotation.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

MASK_VISIBLE = 4  # characters shown at each end


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


def mask(text: str) -> str:
    """Return text with all but the first 4 and last 4 characters as "*".

    "11010519491231002X" → "1101**********002X". Text of 8 characters or fewer is masked whole,
    since showing 4 + 4 of it would show all of it.
    """
    if len(text) <= 2 * MASK_VISIBLE:
        return "*" * len(text)
    hidden = len(text) - 2 * MASK_VISIBLE
    return f"{text[:MASK_VISIBLE]}{'*' * hidden}{text[-MASK_VISIBLE:]}"
