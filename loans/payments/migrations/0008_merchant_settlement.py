# Merchant settlement payouts (issue #18).

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("ledger", "0001_initial"),
        ("payments", "0007_collection_of_bills"),
    ]

    operations = [
        migrations.CreateModel(
            name="MerchantSettlement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("business_date", models.DateField()),
                (
                    "purchases_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14),
                ),
                (
                    "refunds_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14),
                ),
                (
                    "merchant_fees_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14),
                ),
                (
                    "subsidies_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14),
                ),
                (
                    "net_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14),
                ),
                (
                    "brought_forward_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14),
                ),
                (
                    "payout_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14),
                ),
                ("pay_date", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("NOTHING_TO_PAY", "Nothing to pay"),
                            ("DUE", "To be paid"),
                            ("SENT", "Sent to the bank"),
                            ("SETTLED", "Paid out"),
                            ("FAILED", "Refused by the bank"),
                        ],
                        max_length=16,
                    ),
                ),
                ("key", models.CharField(max_length=40, unique=True)),
                ("backend", models.CharField(blank=True, max_length=100)),
                ("reference", models.CharField(blank=True, max_length=100)),
                ("send_started_at", models.DateTimeField(blank=True, null=True)),
                ("settled_at", models.DateTimeField(blank=True, null=True)),
                (
                    "failure_code",
                    models.CharField(
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
                ("failure_reason", models.CharField(blank=True, max_length=200)),
                ("failed_at", models.DateTimeField(blank=True, null=True)),
                ("queried_at", models.DateTimeField(blank=True, null=True)),
                ("query_count", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField()),
                (
                    "entry",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journalentry",
                    ),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.partner",
                    ),
                ),
            ],
            options={
                "verbose_name": "merchant settlement",
                "verbose_name_plural": "merchant settlements",
                "ordering": ["-business_date", "partner"],
                "indexes": [
                    models.Index(fields=["business_date"], name="merchant_settlement_by_date"),
                    models.Index(
                        condition=models.Q(("status__in", ["DUE", "SENT"])),
                        fields=["pay_date", "id"],
                        name="merchant_settlement_open",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("partner", "business_date"), name="merchant_settlement_once_per_day"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["NOTHING_TO_PAY", "DUE", "SENT", "SETTLED", "FAILED"])
                        ),
                        name="merchant_settlement_status_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("purchases_amount__gte", 0),
                            ("refunds_amount__gte", 0),
                            ("merchant_fees_amount__gte", 0),
                            ("subsidies_amount__gte", 0),
                        ),
                        name="merchant_settlement_parts_positive",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "net_amount",
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            models.F("purchases_amount"),
                                            "-",
                                            models.F("refunds_amount"),
                                        ),
                                        "-",
                                        models.F("merchant_fees_amount"),
                                    ),
                                    "-",
                                    models.F("subsidies_amount"),
                                ),
                            )
                        ),
                        name="merchant_settlement_net_sum",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "payout_amount",
                                django.db.models.functions.comparison.Greatest(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("net_amount"),
                                        "+",
                                        models.F("brought_forward_amount"),
                                    ),
                                    Decimal("0.00"),
                                ),
                            )
                        ),
                        name="merchant_settlement_payout_owed",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "NOTHING_TO_PAY"), ("payout_amount", 0)),
                            models.Q(
                                models.Q(("status", "NOTHING_TO_PAY"), _negated=True),
                                ("payout_amount__gt", 0),
                            ),
                            _connector="OR",
                        ),
                        name="merchant_settlement_nothing_iff_zero",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("send_started_at__isnull", True),
                                ("status__in", ["NOTHING_TO_PAY", "DUE"]),
                            ),
                            models.Q(
                                ("status__in", ["SENT", "SETTLED", "FAILED"]),
                                ("send_started_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="merchant_settlement_sent_once",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("status", "SETTLED"),
                                ("entry__isnull", False),
                                ("settled_at__isnull", False),
                            ),
                            models.Q(
                                models.Q(("status", "SETTLED"), _negated=True),
                                ("entry__isnull", True),
                                ("settled_at__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="merchant_settlement_settled_has_entry",
                    ),
                    models.CheckConstraint(
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
                        name="merchant_settlement_failure_recorded",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("pay_date__gt", models.F("business_date"))),
                        name="merchant_settlement_paid_after_the_day",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="MerchantSettlementDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("business_date", models.DateField(unique=True)),
                ("partners", models.PositiveIntegerField()),
                (
                    "payout_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14),
                ),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "ordering": ["-business_date"],
                "verbose_name": "settled date",
                "verbose_name_plural": "settled dates",
            },
        ),
    ]
