# A night restated by a back-dated repayment or a reversal records its bucket change beside the
# night's own (issue #17): close of business's events stay once per (loan, type, date,
# installment); restated ones are not bound by it.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("servicing", "0004_repayment_partner_reference_unique")]

    operations = [
        migrations.AddField(
            model_name="loanevent",
            name="restated",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.RemoveConstraint(model_name="loanevent", name="loan_event_once_per_day"),
        migrations.AddConstraint(
            model_name="loanevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("restated", False)),
                fields=("loan", "event_type", "business_date", "installment_number"),
                name="loan_event_once_per_day",
            ),
        ),
    ]
