# Portal payments of a revolving account's bills (issue #18): a payment pays a loan or an account,
# exactly one; a paid bill payment points at its RevolvingPayment as a loan's at its Repayment.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0010_field_labels"),
        ("revolving", "0008_field_labels"),
        ("servicing", "0010_field_labels"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="portalpayment",
            name="portal_payment_paid_has_repayment",
        ),
        migrations.AddField(
            model_name="portalpayment",
            name="account",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="portal_payments",
                to="revolving.revolvingaccount",
                verbose_name="revolving account",
            ),
        ),
        migrations.AddField(
            model_name="portalpayment",
            name="revolving_payment",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="portal_payment",
                to="revolving.revolvingpayment",
                verbose_name="revolving payment",
            ),
        ),
        migrations.AlterField(
            model_name="portalpayment",
            name="loan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="portal_payments",
                to="servicing.loan",
                verbose_name="loan",
            ),
        ),
        migrations.AlterField(
            model_name="portalpayment",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("NEXT_INSTALLMENT", "Next installment"),
                    ("AMOUNT", "Any amount"),
                    ("PAYOFF", "Pay off"),
                    ("BILL_IN_FULL", "Bills in full"),
                    ("BILL_MINIMUM", "Minimum of the bills"),
                ],
                max_length=20,
                verbose_name="purpose",
            ),
        ),
        migrations.AddConstraint(
            model_name="portalpayment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("account__isnull", True), ("loan__isnull", False)),
                    models.Q(("account__isnull", False), ("loan__isnull", True)),
                    _connector="OR",
                ),
                name="portal_payment_loan_or_account",
            ),
        ),
        migrations.AddConstraint(
            model_name="portalpayment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("loan__isnull", False),
                        ("purpose__in", ("NEXT_INSTALLMENT", "AMOUNT", "PAYOFF")),
                    ),
                    models.Q(
                        ("account__isnull", False),
                        ("prepayment_mode", ""),
                        ("purpose__in", ("BILL_IN_FULL", "BILL_MINIMUM", "AMOUNT")),
                    ),
                    _connector="OR",
                ),
                name="portal_payment_purpose_fits",
            ),
        ),
        migrations.AddConstraint(
            model_name="portalpayment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "PAID"), _negated=True),
                    models.Q(
                        ("paid_at__isnull", False),
                        ("repayment__isnull", False),
                        ("revolving_payment__isnull", True),
                    ),
                    models.Q(
                        ("paid_at__isnull", False),
                        ("repayment__isnull", True),
                        ("revolving_payment__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="portal_payment_paid_has_repayment",
            ),
        ),
        migrations.AddConstraint(
            model_name="portalpayment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("repayment__isnull", True), ("loan__isnull", False), _connector="OR"
                ),
                name="portal_payment_repayment_of_a_loan",
            ),
        ),
        migrations.AddConstraint(
            model_name="portalpayment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("revolving_payment__isnull", True), ("account__isnull", False), _connector="OR"
                ),
                name="portal_payment_revolving_payment_of_an_account",
            ),
        ),
    ]
