# A partner's repayment reference is posted once per loan (issue #16, hole 6). A database that
# already holds two posted partner repayments with one reference on one loan stops here: those
# are double postings to reverse by hand (back office) before migrating.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("servicing", "0003_loan_draw_key"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="repayment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("channel", "PARTNER"), ("status", "POSTED"))
                & ~models.Q(("reference", "")),
                fields=("loan", "reference"),
                name="repayment_partner_reference_unique",
            ),
        ),
    ]
