# Settlement files and the finance queue (issue #17, PRODUCT §11).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

KINDS = [
    ("CHARGE", "Auto-debit charge"),
    ("PAYMENT", "Portal payment"),
    ("PAYOUT", "Payout"),
    ("REFUND", "Refund"),
]
DIFFERENCES = [
    ("NOT_OURS", "In the file, unknown to us"),
    ("MISSING", "Ours, missing from the file"),
    ("AMOUNT", "Other amount"),
    ("STATUS", "Other status"),
    ("UNAPPLIED", "Money taken that no loan took"),
]
ACTIONS = [
    (
        "ASK_GATEWAY",
        "Ask the gateway for this transaction: we have no record of it. Have money taken "
        "without our order returned.",
    ),
    (
        "POST_OR_REFUND",
        "Money was taken that we did not post: post the repayment, or refund the borrower.",
    ),
    ("REVERSE_REPAYMENT", "The gateway says no money came: reverse the repayment we posted."),
    (
        "REFUND_BORROWER",
        "The money came but no loan could take it (the loan was closed): refund it to the "
        "borrower.",
    ),
    (
        "CORRECT_AMOUNT",
        "The amounts differ: ask the gateway which is right, then refund the excess or collect "
        "the rest.",
    ),
    (
        "QUERY_CHARGE",
        "The gateway does not list this charge: query it by its key; if the gateway never saw "
        "it, no money moved.",
    ),
    (
        "CONFIRM_RECEIVED",
        "We posted a repayment the gateway does not list: confirm the money arrived, else "
        "reverse the repayment.",
    ),
    (
        "FAIL_OR_PAY_PAYOUT",
        "The gateway does not list this payout: fail it (REFUSED, the loan is cancelled) or pay "
        "it by hand.",
    ),
    (
        "CONFIRM_PAYOUT",
        "We recorded this payout settled but the gateway does not list it: confirm the borrower "
        "was paid.",
    ),
    (
        "RECOVER_PAYOUT",
        "The bank paid a payout we recorded as refused (the loan is cancelled): recover the "
        "money from the borrower or put the loan back by hand.",
    ),
    (
        "REPEAT_REFUND",
        "The refund did not reach the borrower: pay it again or reverse the refund entry.",
    ),
    (
        "NO_MONEY_MOVED",
        "A failure for something we never sent: no money moved; note it and close.",
    ),
]
STATES = [
    ("OPEN", "Open"),
    ("RESOLVED", "Resolved"),
    ("SUPERSEDED", "Replaced by a corrected file"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_collection_followups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SettlementFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("settlement_date", models.DateField(db_index=True)),
                ("sha256", models.CharField(max_length=64, unique=True)),
                ("name", models.CharField(max_length=255)),
                ("line_count", models.PositiveIntegerField()),
                ("imported_at", models.DateTimeField(auto_now_add=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                ("summary", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "ordering": ["-settlement_date", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")),
                        name="settlement_file_sha256_hex",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SettlementDifference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("settlement_date", models.DateField()),
                ("line_number", models.PositiveIntegerField(blank=True, null=True)),
                ("kind", models.CharField(choices=KINDS, max_length=8)),
                ("our_key", models.CharField(max_length=100)),
                ("difference", models.CharField(choices=DIFFERENCES, max_length=10)),
                (
                    "file_amount",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
                ),
                ("file_status", models.CharField(blank=True, max_length=10)),
                (
                    "our_amount",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
                ),
                ("our_status", models.CharField(blank=True, max_length=10)),
                ("gateway_reference", models.CharField(blank=True, max_length=100)),
                ("action", models.CharField(choices=ACTIONS, max_length=20)),
                ("state", models.CharField(choices=STATES, default="OPEN", max_length=10)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("note", models.TextField(blank=True)),
                (
                    "file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="differences",
                        to="payments.settlementfile",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "settlement difference",
                "verbose_name_plural": "settlement differences (finance queue)",
                "ordering": ["state", "-settlement_date", "id"],
                "indexes": [
                    models.Index(
                        fields=["state", "-settlement_date", "id"], name="settlement_diff_queue"
                    ),
                    models.Index(
                        fields=["settlement_date", "kind", "our_key"], name="settlement_diff_key"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("file", "kind", "our_key"), name="settlement_diff_once_per_file"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["CHARGE", "PAYMENT", "PAYOUT", "REFUND"])),
                        name="settlement_diff_kind_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("difference__in", [d for d, _ in DIFFERENCES])),
                        name="settlement_diff_difference_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("action__in", [a for a, _ in ACTIONS])),
                        name="settlement_diff_action_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("our_key", ""), _negated=True),
                        name="settlement_diff_has_key",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("difference", "MISSING"),
                                ("file_amount__isnull", True),
                                ("file_status", ""),
                                ("line_number__isnull", True),
                            ),
                            models.Q(
                                models.Q(("difference", "MISSING"), _negated=True),
                                ("file_amount__gt", 0),
                                ("file_status__in", ["SUCCEEDED", "FAILED"]),
                                ("line_number__gt", 0),
                            ),
                            _connector="OR",
                        ),
                        name="settlement_diff_line_shape",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("our_amount__isnull", True), ("our_amount__gt", 0), _connector="OR"
                        ),
                        name="settlement_diff_our_amount_positive",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("state", "OPEN"),
                                ("resolved_at__isnull", True),
                                ("resolved_by__isnull", True),
                            ),
                            models.Q(
                                ("state", "RESOLVED"),
                                ("resolved_at__isnull", False),
                                ("resolved_by__isnull", False),
                                models.Q(("note", ""), _negated=True),
                            ),
                            models.Q(
                                ("state", "SUPERSEDED"),
                                ("resolved_at__isnull", False),
                                ("resolved_by__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="settlement_diff_resolution_recorded",
                    ),
                ],
            },
        ),
    ]
