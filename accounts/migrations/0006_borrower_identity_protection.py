"""Borrowers' mobiles encrypted, birth dates dropped, masks that leave a million candidates (#16).

Forward, every borrower is kept: the clear mobile becomes a Fernet ciphertext, an HMAC lookup
digest and a mask (first 1 + last 2); the identity mask keeps its first 3 characters (it kept
4 + 4) and the card mask its first 3 and last 2 (it kept 4 + 4), both cut down from the old
masks, which hold the true characters at those places; then the clear ``mobile`` and
``birth_date`` columns are dropped (the birth date is in the encrypted identity number).
Backward, the columns come back, filled from the decrypted values. The masks are written out
here, not imported, so that a later change of accounts.crypto does not change this migration.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations, models

from accounts import crypto

BATCH = 2000


def _mask(text: str, first: int, last: int) -> str:
    if len(text) <= first + last:
        return "*" * len(text)
    return text[:first] + "*" * (len(text) - first - last) + text[len(text) - last :]


def _batches(model: Any, fields: list[str]) -> Any:
    last_id = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last_id).order_by("pk").only(*fields)[:BATCH])
        if not rows:
            return
        yield rows
        last_id = rows[-1].pk


def protect(apps: Any, schema_editor: Any) -> None:
    Borrower = apps.get_model("accounts", "Borrower")
    columns = ["mobile_ciphertext", "mobile_digest", "mobile_masked"]
    masks = ["id_number_masked", "bank_card_masked"]
    for rows in _batches(Borrower, ["mobile", *masks]):
        for row in rows:
            row.mobile_ciphertext = crypto.encrypt(row.mobile)
            row.mobile_digest = crypto.lookup_digest(row.mobile)
            row.mobile_masked = _mask(row.mobile, 1, 2)
            # The old masks show the true first 4 and last 4 characters: cut them down.
            row.id_number_masked = _mask(row.id_number_masked, 3, 0)
            row.bank_card_masked = _mask(row.bank_card_masked, 3, 2)
            # Dropping a column leaves its values in the live rows: blank them first.
            row.mobile, row.birth_date = "", None
        Borrower.objects.bulk_update(rows, [*columns, *masks, "mobile", "birth_date"])


def unprotect(apps: Any, schema_editor: Any) -> None:
    Borrower = apps.get_model("accounts", "Borrower")
    fields = ["mobile_ciphertext", "id_number_ciphertext", "bank_card_ciphertext"]
    for rows in _batches(Borrower, fields):
        for row in rows:
            number = crypto.decrypt(row.id_number_ciphertext)
            row.mobile = crypto.decrypt(row.mobile_ciphertext)
            row.birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            row.id_number_masked = _mask(number, 4, 4)
            row.bank_card_masked = _mask(crypto.decrypt(row.bank_card_ciphertext), 4, 4)
        Borrower.objects.bulk_update(
            rows, ["mobile", "birth_date", "id_number_masked", "bank_card_masked"]
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_reveal_permission")]

    operations = [
        migrations.AddField(
            model_name="borrower",
            name="mobile_ciphertext",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="borrower",
            name="mobile_digest",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="borrower",
            name="mobile_masked",
            field=models.CharField(default="", editable=False, max_length=11),
            preserve_default=False,
        ),
        # Nullable and blank for the copy, so that the way back can add them to a full table.
        migrations.AlterField(
            model_name="borrower", name="birth_date", field=models.DateField(null=True)
        ),
        migrations.AlterField(
            model_name="borrower",
            name="mobile",
            field=models.CharField(blank=True, default="", max_length=11),
        ),
        migrations.RunPython(protect, unprotect, elidable=False),
        migrations.RemoveField(model_name="borrower", name="birth_date"),
        migrations.RemoveField(model_name="borrower", name="mobile"),
    ]
