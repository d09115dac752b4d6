# The partner event of a cancelled loan whose payout failed (issue #17, PRODUCT §11).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0003_webhook_secrets_encrypted")]

    operations = [
        migrations.AlterField(
            model_name="outboxevent",
            name="event_type",
            field=models.CharField(
                choices=[
                    ("credit_application.decided", "Credit application decided"),
                    ("loan.disbursed", "Loan disbursed"),
                    ("repayment.posted", "Repayment posted"),
                    ("repayment.reversed", "Repayment reversed"),
                    ("installment.overdue", "Installment overdue"),
                    ("loan.bucket_changed", "Loan bucket changed"),
                    ("loan.paid_off", "Loan paid off"),
                    ("loan.written_off", "Loan written off"),
                    ("loan.payout_failed", "Loan payout failed, loan cancelled"),
                ],
                max_length=40,
            ),
        ),
    ]
