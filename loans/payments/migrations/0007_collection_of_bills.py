# Auto-debit of revolving bills (issue #18, #17): an attempt collects a loan's installments or a
# revolving account's bills, exactly one of the two; a bill's success is a revolving payment.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_settlement"),
        ("revolving", "0004_close_of_business"),
        ("servicing", "0008_auto_debit_notice"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="collectionattempt",
            name="attempt_unapplied_is_success_without_repayment",
        ),
        migrations.AddField(
            model_name="collectionattempt",
            name="account",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="collection_attempts",
                to="revolving.revolvingaccount",
            ),
        ),
        migrations.AddField(
            model_name="collectionattempt",
            name="revolving_payment",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attempt",
                to="revolving.revolvingpayment",
            ),
        ),
        migrations.AddField(
            model_name="collectionattempt",
            name="statement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="collection_attempts",
                to="revolving.statement",
            ),
        ),
        migrations.AlterField(
            model_name="collectionattempt",
            name="loan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="collection_attempts",
                to="servicing.loan",
            ),
        ),
        migrations.AddConstraint(
            model_name="collectionattempt",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["SENDING", "PENDING"])),
                fields=("account",),
                name="attempt_one_in_flight_per_account",
            ),
        ),
        migrations.AddConstraint(
            model_name="collectionattempt",
            constraint=models.UniqueConstraint(
                fields=("account", "due_date", "sequence"),
                name="attempt_once_per_sequence_of_account",
            ),
        ),
        migrations.AddConstraint(
            model_name="collectionattempt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("account__isnull", True),
                        ("loan__isnull", False),
                        ("statement__isnull", True),
                    ),
                    models.Q(
                        ("account__isnull", False),
                        ("loan__isnull", True),
                        ("statement__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="attempt_collects_loan_or_bill",
            ),
        ),
        migrations.AddConstraint(
            model_name="collectionattempt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("revolving_payment__isnull", True),
                    models.Q(("account__isnull", False), ("status", "SUCCEEDED")),
                    _connector="OR",
                ),
                name="attempt_revolving_payment_only_on_success",
            ),
        ),
        migrations.AddConstraint(
            model_name="collectionattempt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("unapplied", False),
                    models.Q(
                        ("repayment__isnull", True),
                        ("revolving_payment__isnull", True),
                        ("status", "SUCCEEDED"),
                    ),
                    _connector="OR",
                ),
                name="attempt_unapplied_is_success_without_repayment",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="collectionattempt",
            name="attempt_cancel_has_reason",
        ),
        migrations.AlterField(
            model_name="collectionattempt",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("NOTHING_DUE", "Nothing due: paid meanwhile"),
                    ("AUTO_DEBIT_OFF", "Auto-debit switched off"),
                    ("LOAN_NOT_ACTIVE", "Loan not active"),
                    ("WINDOW_CLOSED", "Outside the day's window"),
                    ("ACCOUNT_CLOSED", "Revolving account closed"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="collectionattempt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        (
                            "cancel_reason__in",
                            [
                                "NOTHING_DUE",
                                "AUTO_DEBIT_OFF",
                                "LOAN_NOT_ACTIVE",
                                "WINDOW_CLOSED",
                                "ACCOUNT_CLOSED",
                            ],
                        ),
                        ("status", "CANCELLED"),
                    ),
                    models.Q(
                        models.Q(("status", "CANCELLED"), _negated=True), ("cancel_reason", "")
                    ),
                    _connector="OR",
                ),
                name="attempt_cancel_has_reason",
            ),
        ),
    ]
