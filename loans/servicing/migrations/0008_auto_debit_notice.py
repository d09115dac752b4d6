# The notice that auto-debit stopped on the bank's answer (issue #17): a reminder kind, longer
# than the column was.

from django.db import migrations, models

KINDS = [
    "DUE_SOON",
    "DUE_TODAY",
    "OVERDUE_1",
    "OVERDUE_7",
    "OVERDUE_30",
    "PAYOUT_FAILED",
    "AUTO_DEBIT_STOPPED",
]


class Migration(migrations.Migration):
    dependencies = [("servicing", "0007_auto_debit_channel")]

    operations = [
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
                    ("AUTO_DEBIT_STOPPED", "Auto-debit stopped"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", KINDS)), name="reminder_kind_valid"
            ),
        ),
    ]
