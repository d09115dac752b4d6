"""Revolving accounts join the month-end classification and the bureau export (issue #19,
PRODUCT §13): a classification row or a bureau record is a loan's or a revolving account's.

Written by hand from ``makemigrations``' operations: its autodetector would also have written
other apps' pending changes as dependencies. Every step is a catalogue change except the two
CHECK constraints and the partial indexes, which read each table once (no row is rewritten;
the bureau records' row trigger fires on UPDATE and DELETE only).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_verbose_names"),
        ("revolving", "0007_verbose_names"),
        ("servicing", "0009_verbose_names"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="loanclassification",
            options={
                "ordering": ["-month_end", "loan", "revolving_account"],
                "verbose_name": "loan classification",
                "verbose_name_plural": "loan classifications",
            },
        ),
        migrations.AddField(
            model_name="bureaurecord",
            name="revolving_account",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="revolving.revolvingaccount",
                verbose_name="revolving account",
            ),
        ),
        migrations.AddField(
            model_name="loanclassification",
            name="credit_limit_amount",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=14, null=True, verbose_name="credit limit"
            ),
        ),
        migrations.AddField(
            model_name="loanclassification",
            name="overdue_31_60_principal_amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="overdue principal, 31-60 days",
            ),
        ),
        migrations.AddField(
            model_name="loanclassification",
            name="overdue_61_90_principal_amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="overdue principal, 61-90 days",
            ),
        ),
        migrations.AddField(
            model_name="loanclassification",
            name="overdue_91_180_principal_amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="overdue principal, 91-180 days",
            ),
        ),
        migrations.AddField(
            model_name="loanclassification",
            name="overdue_amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="overdue minimum",
            ),
        ),
        migrations.AddField(
            model_name="loanclassification",
            name="overdue_over_180_principal_amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="overdue principal, over 180 days",
            ),
        ),
        migrations.AddField(
            model_name="loanclassification",
            name="overdue_terms",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="overdue bills"
            ),
        ),
        migrations.AddField(
            model_name="loanclassification",
            name="revolving_account",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="revolving.revolvingaccount",
                verbose_name="revolving account",
            ),
        ),
        migrations.AlterField(
            model_name="bureaurecord",
            name="loan",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="servicing.loan",
                verbose_name="loan",
            ),
        ),
        migrations.AlterField(
            model_name="loanclassification",
            name="loan",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="servicing.loan",
                verbose_name="loan",
            ),
        ),
        migrations.AddIndex(
            model_name="bureaurecord",
            index=models.Index(
                condition=models.Q(("revolving_account__isnull", False)),
                fields=["revolving_account", "month", "run"],
                name="bureau_record_account_month",
            ),
        ),
        migrations.AddConstraint(
            model_name="bureaurecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revolving_account__isnull", False)),
                fields=("run", "revolving_account", "month"),
                name="bureau_record_account_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="bureaurecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("loan__isnull", False), ("revolving_account__isnull", True)),
                    models.Q(("loan__isnull", True), ("revolving_account__isnull", False)),
                    _connector="OR",
                ),
                name="bureau_record_loan_or_account",
            ),
        ),
        migrations.AddConstraint(
            model_name="loanclassification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revolving_account__isnull", False)),
                fields=("revolving_account", "month_end"),
                name="revolving_classification_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="loanclassification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("credit_limit_amount__isnull", True),
                        ("loan__isnull", False),
                        ("overdue_31_60_principal_amount__isnull", True),
                        ("overdue_61_90_principal_amount__isnull", True),
                        ("overdue_91_180_principal_amount__isnull", True),
                        ("overdue_amount__isnull", True),
                        ("overdue_over_180_principal_amount__isnull", True),
                        ("overdue_terms__isnull", True),
                        ("revolving_account__isnull", True),
                    ),
                    models.Q(
                        ("credit_limit_amount__isnull", False),
                        ("loan__isnull", True),
                        ("overdue_31_60_principal_amount__isnull", False),
                        ("overdue_61_90_principal_amount__isnull", False),
                        ("overdue_91_180_principal_amount__isnull", False),
                        ("overdue_amount__isnull", False),
                        ("overdue_over_180_principal_amount__isnull", False),
                        ("overdue_terms__isnull", False),
                        ("revolving_account__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="classification_loan_or_account",
            ),
        ),
    ]
