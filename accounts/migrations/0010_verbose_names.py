# Model names in the reader's language (issue #23): state only, no SQL.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_user_phone_sign_in"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["-at", "-id"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
        migrations.AlterModelOptions(
            name="borrower",
            options={
                "ordering": ["-id"],
                "permissions": [
                    (
                        "reveal_borrower_identity",
                        "Can reveal a borrower's identity and card numbers",
                    )
                ],
                "verbose_name": "borrower",
                "verbose_name_plural": "borrowers",
            },
        ),
        migrations.AlterModelOptions(
            name="partner",
            options={
                "ordering": ["name"],
                "verbose_name": "partner",
                "verbose_name_plural": "partners",
            },
        ),
    ]
