"""allauth's MFA adapter (settings.MFA_ADAPTER): two-factor secrets encrypted at rest (#16).

allauth keeps a TOTP authenticator's secret and the seed of the recovery codes in
``mfa_authenticator.data``, passing each through the adapter's ``encrypt`` before it is stored
and its ``decrypt`` when it is read. Here they are Fernet tokens under the personal-data keys
(accounts/crypto.py), so a backup or a SELECT on the table gives no one the codes of a user.
Migration 0008 encrypted the authenticators made before; docs/identity.md.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter

from accounts import crypto


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """Encrypt a TOTP secret or a recovery-code seed with the first configured key."""
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        """Decrypt with any configured key. Raises crypto.FieldNotDecryptable."""
        return crypto.decrypt(encrypted_text)
