# A payout's refusal and the queries of an unknown outcome (issue #17, PRODUCT §11).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("origination", "0004_payout_card_mask")]

    operations = [
        migrations.AddField(
            model_name="payout",
            name="failed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="payout",
            name="failure_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ACCOUNT_CLOSED", "Account closed"),
                    ("NAME_MISMATCH", "Name does not match the account"),
                    ("CARD_INVALID", "Card not valid"),
                    ("ACCOUNT_FROZEN", "Account frozen"),
                    ("REFUSED", "Refused by the bank"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="payout",
            name="failure_reason",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="payout",
            name="send_started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="payout",
            name="queried_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="payout",
            name="query_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="payout",
            index=models.Index(
                condition=models.Q(("status", "SENT")), fields=["sent_at"], name="payout_sent_open"
            ),
        ),
        migrations.AddConstraint(
            model_name="payout",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["SENT", "SETTLED", "FAILED"])),
                name="payout_status_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="payout",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("status", "FAILED"),
                        (
                            "failure_code__in",
                            [
                                "ACCOUNT_CLOSED",
                                "NAME_MISMATCH",
                                "CARD_INVALID",
                                "ACCOUNT_FROZEN",
                                "REFUSED",
                            ],
                        ),
                        ("failed_at__isnull", False),
                    ),
                    models.Q(
                        models.Q(("status", "FAILED"), _negated=True),
                        ("failure_code", ""),
                        ("failure_reason", ""),
                        ("failed_at__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="payout_failure_recorded",
            ),
        ),
    ]
