# A loan cancelled because its payout failed, its event and the borrower's notice (issue #17).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("servicing", "0005_money_defects")]

    operations = [
        migrations.AddField(
            model_name="loan",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[("PAYOUT_FAILED", "Payout failed")],
                db_default="",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="loan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cancel_reason", ""),
                    models.Q(
                        ("cancel_reason__in", ["PAYOUT_FAILED"]),
                        ("disbursed_date__isnull", False),
                        ("status", "CANCELLED"),
                    ),
                    _connector="OR",
                ),
                name="loan_cancel_reason_when_cancelled",
            ),
        ),
        migrations.AlterField(
            model_name="loanevent",
            name="event_type",
            field=models.CharField(
                choices=[
                    ("installment.overdue", "Installment overdue"),
                    ("loan.bucket_changed", "Bucket changed"),
                    ("loan.write_off_candidate", "Write-off candidate"),
                    ("loan.paid_off", "Paid off"),
                    ("loan.payout_failed", "Payout failed, loan cancelled"),
                ],
                max_length=32,
            ),
        ),
        migrations.RemoveConstraint(model_name="reminder", name="reminder_kind_valid"),
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=models.CharField(
                choices=[
                    ("DUE_SOON", "Due in 3 days"),
                    ("DUE_TODAY", "Due today"),
                    ("OVERDUE_1", "1 day overdue"),
                    ("OVERDUE_7", "7 days overdue"),
                    ("OVERDUE_30", "30 days overdue"),
                    ("PAYOUT_FAILED", "Payout failed"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "DUE_SOON",
                            "DUE_TODAY",
                            "OVERDUE_1",
                            "OVERDUE_7",
                            "OVERDUE_30",
                            "PAYOUT_FAILED",
                        ],
                    )
                ),
                name="reminder_kind_valid",
            ),
        ),
    ]
