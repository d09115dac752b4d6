# Model names in the reader's language (issue #23): state only, no SQL.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("servicing", "0008_auto_debit_notice"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="collectionassignment",
            options={
                "verbose_name": "collection assignment",
                "verbose_name_plural": "collection assignments",
            },
        ),
        migrations.AlterModelOptions(
            name="contactnote",
            options={
                "ordering": ["-id"],
                "verbose_name": "contact note",
                "verbose_name_plural": "contact notes",
            },
        ),
        migrations.AlterModelOptions(
            name="creditline",
            options={
                "permissions": [("unfreeze_creditline", "Can unfreeze a credit line")],
                "verbose_name": "credit line",
                "verbose_name_plural": "credit lines",
            },
        ),
        migrations.AlterModelOptions(
            name="installment",
            options={
                "ordering": ["loan", "number"],
                "verbose_name": "installment",
                "verbose_name_plural": "installments",
            },
        ),
        migrations.AlterModelOptions(
            name="loan",
            options={"ordering": ["-id"], "verbose_name": "loan", "verbose_name_plural": "loans"},
        ),
        migrations.AlterModelOptions(
            name="loanevent",
            options={
                "ordering": ["id"],
                "verbose_name": "loan event",
                "verbose_name_plural": "loan events",
            },
        ),
        migrations.AlterModelOptions(
            name="reminder",
            options={
                "ordering": ["id"],
                "verbose_name": "reminder",
                "verbose_name_plural": "reminders",
            },
        ),
        migrations.AlterModelOptions(
            name="repayment",
            options={
                "ordering": ["value_date", "id"],
                "permissions": [("reverse_repayment", "Can reverse a posted repayment")],
                "verbose_name": "repayment",
                "verbose_name_plural": "repayments",
            },
        ),
    ]
