"""Webhook secrets encrypted at rest; deliveries claimed by row lock (issue #16, holes 5 and 6).

The clear ``secret`` of every subscription is encrypted into ``secret_ciphertext`` with the
personal-data keys (accounts.crypto) and the clear column dropped; the secrets themselves do not
change (``whsec_`` + 48 hex digits still verify both signatures: loans/events/services/signing.py).
Reversible: backwards, the secrets are decrypted into the clear column again.

``leased_until`` goes: the sender's claim is the row lock of the transaction that sends.
"""

from django.db import migrations, models

from accounts.crypto import decrypt, encrypt


def secrets_encrypt(apps, schema_editor):
    # Raw SQL on the schema editor's own connection: the ORM would use the "default" alias,
    # which need not be the connection migrating (the owner's, tests/database.py).
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, secret FROM loans_webhooksubscription WHERE secret_ciphertext = ''"
        )
        rows = [(encrypt(secret), pk) for pk, secret in cursor.fetchall()]
        if rows:
            cursor.executemany(
                "UPDATE loans_webhooksubscription SET secret_ciphertext = %s WHERE id = %s", rows
            )


def secrets_decrypt(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, secret_ciphertext FROM loans_webhooksubscription")
        rows = [(decrypt(ciphertext), pk) for pk, ciphertext in cursor.fetchall()]
        if rows:
            cursor.executemany(
                "UPDATE loans_webhooksubscription SET secret = %s WHERE id = %s", rows
            )


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='webhooksubscription',
            name='secret_ciphertext',
            field=models.TextField(default='', editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(secrets_encrypt, secrets_decrypt, elidable=False),
        # A default for the clear column, so that reversed it is added back to existing rows.
        migrations.AlterField(
            model_name='webhooksubscription',
            name='secret',
            field=models.CharField(default='', max_length=80),
        ),
        migrations.RemoveField(
            model_name='webhooksubscription',
            name='secret',
        ),
        migrations.RemoveField(
            model_name='webhookdelivery',
            name='leased_until',
        ),
    ]
