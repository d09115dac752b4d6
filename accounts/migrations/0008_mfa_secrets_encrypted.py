"""TOTP secrets and recovery-code seeds encrypted at rest (issue #16, item 6).

From now on the MFA adapter (accounts/mfa.py) encrypts what allauth stores in
``mfa_authenticator.data``; this encrypts the authenticators written before it: a TOTP's
``secret``, the recovery codes' ``seed`` and any ``migrated_codes``. Run twice, it changes nothing
(a value that decrypts with a configured key is encrypted already); reversed, it decrypts them.
"""

from collections.abc import Callable
from typing import Any

from django.apps.registry import Apps
from django.db import migrations

from accounts import crypto

SECRETS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def _is_encrypted(value: str) -> bool:
    try:
        crypto.decrypt(value)
    except crypto.FieldNotDecryptable:
        return False
    return True


def _each_secret(apps: Apps, change: Callable[[str], str]) -> None:
    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.filter(type__in=SECRETS).order_by("pk").iterator():
        data: dict[str, Any] = dict(row.data)
        for key in SECRETS[row.type]:
            if isinstance(data.get(key), str):
                data[key] = change(data[key])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
        if data != row.data:
            row.data = data
            row.save(update_fields=["data"])


def secrets_encrypt(apps: Apps, schema_editor: Any) -> None:
    _each_secret(apps, lambda value: value if _is_encrypted(value) else crypto.encrypt(value))


def secrets_decrypt(apps: Apps, schema_editor: Any) -> None:
    _each_secret(apps, lambda value: crypto.decrypt(value) if _is_encrypted(value) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_audit_append_only"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(secrets_encrypt, secrets_decrypt, elidable=False)]
