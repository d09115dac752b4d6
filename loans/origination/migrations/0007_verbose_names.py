# Model names in the reader's language (issue #23): state only, no SQL.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("origination", "0006_product_name_zh"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="creditapplication",
            options={
                "ordering": ["-id"],
                "permissions": [("review_creditapplication", "Can decide a referred application")],
                "verbose_name": "credit application",
                "verbose_name_plural": "credit applications",
            },
        ),
        migrations.AlterModelOptions(
            name="loanproduct",
            options={
                "ordering": ["code"],
                "verbose_name": "loan product",
                "verbose_name_plural": "loan products",
            },
        ),
        migrations.AlterModelOptions(
            name="payout",
            options={"verbose_name": "payout", "verbose_name_plural": "payouts"},
        ),
    ]
