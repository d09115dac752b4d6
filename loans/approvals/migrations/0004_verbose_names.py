# Model names in the reader's language (issue #23): state only, no SQL.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0003_period_reopen"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="approvalrequest",
            options={
                "ordering": ["-id"],
                "permissions": (
                    ("request_disbursement", "Can request a disbursement above the threshold"),
                    ("approve_disbursement", "Can approve a disbursement"),
                    ("request_write_off", "Can request a write-off"),
                    ("approve_write_off", "Can approve a write-off"),
                    ("request_waiver", "Can request a waiver"),
                    ("approve_waiver", "Can approve a waiver"),
                    ("request_manual_adjustment", "Can request a manual ledger adjustment"),
                    ("approve_manual_adjustment", "Can approve a manual ledger adjustment"),
                    ("request_product_change", "Can request a product change"),
                    ("approve_product_change", "Can approve a product change"),
                    ("request_period_reopen", "Can request reopening a closed accounting period"),
                    ("approve_period_reopen", "Can approve reopening a closed accounting period"),
                ),
                "verbose_name": "approval request",
                "verbose_name_plural": "approval requests",
            },
        ),
    ]
