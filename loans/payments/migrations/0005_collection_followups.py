# The collection run's follow-ups (issue #17): parts split under a bank's limit, successes the
# loan could not take (refunded by finance), the system's switch-off of a card binding, and a
# run created for retries before its date is planned. Written by hand, as makemigrations would.

import django.utils.timezone
from django.db import migrations, models

CHANNELS = [
    ("PORTAL", "Portal"),
    ("PARTNER", "Partner API"),
    ("SYSTEM", "By the bank's answer"),
]


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_collection_run")]

    operations = [
        migrations.AlterField(
            model_name="cardbinding",
            name="channel",
            field=models.CharField(choices=CHANNELS, max_length=10),
        ),
        migrations.AlterField(
            model_name="cardbinding",
            name="revoked_channel",
            field=models.CharField(blank=True, choices=CHANNELS, max_length=10),
        ),
        migrations.AlterField(
            model_name="collectionrun",
            name="planned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="collectionrun",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="collectionattempt",
            name="part",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="collectionattempt",
            name="unapplied",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="collectionattempt",
            index=models.Index(
                condition=models.Q(("unapplied", True)),
                fields=["decided_at"],
                name="attempt_unapplied",
            ),
        ),
        migrations.AddConstraint(
            model_name="collectionattempt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("unapplied", False),
                    models.Q(("repayment__isnull", True), ("status", "SUCCEEDED")),
                    _connector="OR",
                ),
                name="attempt_unapplied_is_success_without_repayment",
            ),
        ),
    ]
