# Cards bound for auto-debit (issue #17, PRODUCT §11): one ACTIVE binding per borrower.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_mfa_secrets_encrypted"),
        ("payments", "0002_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CardBinding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("card_number_ciphertext", models.TextField(editable=False)),
                (
                    "card_number_digest",
                    models.CharField(db_index=True, editable=False, max_length=64),
                ),
                ("card_number_masked", models.CharField(editable=False, max_length=19)),
                ("gateway", models.CharField(max_length=100)),
                ("agreement_reference", models.CharField(max_length=100)),
                (
                    "status",
                    models.CharField(
                        choices=[("ACTIVE", "Active"), ("REVOKED", "Switched off")],
                        default="ACTIVE",
                        max_length=10,
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("PORTAL", "Portal"), ("PARTNER", "Partner API")], max_length=10
                    ),
                ),
                ("consent_at", models.DateTimeField()),
                ("consent_ip", models.GenericIPAddressField(blank=True, null=True)),
                ("consent_user_agent", models.CharField(blank=True, max_length=500)),
                ("agreement_version", models.CharField(max_length=32)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "revoked_channel",
                    models.CharField(
                        blank=True,
                        choices=[("PORTAL", "Portal"), ("PARTNER", "Partner API")],
                        max_length=10,
                    ),
                ),
                (
                    "borrower",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="card_bindings",
                        to="accounts.borrower",
                    ),
                ),
            ],
            options={
                "ordering": ["-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "ACTIVE")),
                        fields=("borrower",),
                        name="card_binding_one_active_per_borrower",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "ACTIVE"), ("revoked_at__isnull", True)),
                            models.Q(("status", "REVOKED"), ("revoked_at__isnull", False)),
                            _connector="OR",
                        ),
                        name="card_binding_revoked_has_time",
                    ),
                    models.UniqueConstraint(
                        fields=("gateway", "agreement_reference"),
                        name="card_binding_agreement_unique",
                    ),
                ],
            },
        ),
    ]
