# Reminders of bills (issue #18).

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("revolving", "0005_installments"),
    ]

    operations = [
        migrations.CreateModel(
            name="BillReminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("BILL_READY", "Bill ready"),
                            ("DUE_SOON", "Due in 3 days"),
                            ("DUE_TODAY", "Due today"),
                            ("OVERDUE", "Overdue"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "channel",
                    models.CharField(choices=[("EMAIL", "Email"), ("SMS", "SMS")], max_length=8),
                ),
                ("business_date", models.DateField()),
                ("language", models.CharField(max_length=8)),
                ("send_after", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("QUEUED", "Queued"),
                            ("SENT", "Sent"),
                            ("CANCELLED", "Cancelled"),
                            ("FAILED", "Failed"),
                        ],
                        default="QUEUED",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("provider_message_id", models.CharField(blank=True, max_length=100)),
                ("last_error", models.CharField(blank=True, max_length=200)),
                (
                    "created_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bill_reminders",
                        to="revolving.revolvingaccount",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reminders",
                        to="revolving.statement",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "QUEUED")),
                        fields=["send_after", "id"],
                        name="bill_reminder_queued",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("statement", "kind", "channel"),
                        name="bill_reminder_once_per_channel",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["BILL_READY", "DUE_SOON", "DUE_TODAY", "OVERDUE"])
                        ),
                        name="bill_reminder_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("channel__in", ["EMAIL", "SMS"])),
                        name="bill_reminder_channel_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "SENT"), ("sent_at__isnull", False)),
                            models.Q(
                                models.Q(("status", "SENT"), _negated=True),
                                ("sent_at__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="bill_reminder_sent_at_iff_sent",
                    ),
                ],
            },
        ),
    ]
