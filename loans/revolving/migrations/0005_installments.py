# Bill and purchase installments, credit balance, refunds after billing (issue #18).
# Written from the makemigrations --dry-run output.

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('revolving', '0004_close_of_business'),
        ('ledger', '0004_revolving_subledger'),
    ]

    operations = [
        migrations.CreateModel(
            name='InstallmentPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('PURCHASE', 'Purchase installment'), ('BILL', 'Bill installment')], max_length=8)),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                ('term', models.PositiveSmallIntegerField()),
                ('fee_rate', models.DecimalField(decimal_places=6, max_digits=8)),
                ('fee_payer', models.CharField(choices=[('BORROWER', 'Borrower'), ('MERCHANT', 'Merchant (subsidised)')], max_length=8)),
                ('fee_per_installment_amount', models.DecimalField(decimal_places=2, max_digits=14)),
                ('borrower_apr', models.DecimalField(decimal_places=6, max_digits=8)),
                ('value_date', models.DateField()),
                ('reference', models.CharField(max_length=100)),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='PlanInstallment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('statement_date', models.DateField()),
                ('principal_amount', models.DecimalField(decimal_places=2, max_digits=14)),
                ('fee_amount', models.DecimalField(decimal_places=2, max_digits=14)),
            ],
            options={
                'ordering': ['plan', 'number'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='statement',
            name='statement_unpaid_within_billed',
        ),
        migrations.AddField(
            model_name='revolvingaccount',
            name='credit_balance_amount',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), max_digits=14),
        ),
        migrations.AddField(
            model_name='statement',
            name='converted_amount',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), max_digits=14),
        ),
        migrations.AddField(
            model_name='statement',
            name='merchant_fees_amount',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), max_digits=14),
        ),
        migrations.AddConstraint(
            model_name='revolvingaccount',
            constraint=models.CheckConstraint(condition=models.Q(('credit_balance_amount__gte', 0)), name='revolving_account_credit_positive'),
        ),
        migrations.AddConstraint(
            model_name='statement',
            constraint=models.CheckConstraint(condition=models.Q(('revolving_principal_unpaid_amount__gte', 0), ('revolving_principal_unpaid_amount__lte', models.F('new_revolving_principal_amount')), ('installment_principal_unpaid_amount__gte', 0), ('fees_unpaid_amount__gte', 0), ('interest_unpaid_amount__gte', 0), ('penalty_unpaid_amount__gte', 0), ('minimum_unpaid_amount__gte', 0), ('converted_amount__gte', 0), ('merchant_fees_amount__gte', 0)), name='statement_unpaid_within_billed'),
        ),
        migrations.AddField(
            model_name='installmentplan',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='revolving.revolvingaccount'),
        ),
        migrations.AddField(
            model_name='installmentplan',
            name='order',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plan', to='revolving.order'),
        ),
        migrations.AddField(
            model_name='installmentplan',
            name='statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='revolving.statement'),
        ),
        migrations.AddField(
            model_name='planinstallment',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='revolving.revolvingaccount'),
        ),
        migrations.AddField(
            model_name='planinstallment',
            name='plan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='installments', to='revolving.installmentplan'),
        ),
        migrations.AddField(
            model_name='planinstallment',
            name='statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='revolving.statement'),
        ),
        migrations.AddConstraint(
            model_name='installmentplan',
            constraint=models.UniqueConstraint(fields=('account', 'reference'), name='installment_plan_reference_unique'),
        ),
        migrations.AddConstraint(
            model_name='installmentplan',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='installment_plan_amount'),
        ),
        migrations.AddConstraint(
            model_name='installmentplan',
            constraint=models.CheckConstraint(condition=models.Q(('term__in', (3, 6, 9, 12))), name='installment_plan_term_known'),
        ),
        migrations.AddConstraint(
            model_name='installmentplan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'BILL'), ('order__isnull', True), ('statement__isnull', False)), models.Q(('kind', 'PURCHASE'), ('order__isnull', False), ('statement__isnull', True)), _connector='OR'), name='installment_plan_kind_source'),
        ),
        migrations.AddConstraint(
            model_name='installmentplan',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'PURCHASE'), ('fee_payer', 'BORROWER'), _connector='OR'), name='installment_plan_bill_fees_borrower'),
        ),
        migrations.AddConstraint(
            model_name='installmentplan',
            constraint=models.CheckConstraint(condition=models.Q(('fee_payer', 'BORROWER'), ('borrower_apr', 0), _connector='OR'), name='installment_plan_subsidised_apr_zero'),
        ),
        migrations.AddIndex(
            model_name='planinstallment',
            index=models.Index(condition=models.Q(('statement__isnull', True)), fields=['statement_date', 'account'], name='plan_installment_unbilled'),
        ),
        migrations.AddConstraint(
            model_name='planinstallment',
            constraint=models.UniqueConstraint(fields=('plan', 'number'), name='plan_installment_unique'),
        ),
        migrations.AddConstraint(
            model_name='planinstallment',
            constraint=models.CheckConstraint(condition=models.Q(('principal_amount__gte', 0), ('fee_amount__gte', 0)), name='plan_installment_amounts_positive'),
        ),
        migrations.CreateModel(
            name='CreditRefund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                ('value_date', models.DateField()),
                ('reference', models.CharField(max_length=100)),
                ('created_at', models.DateTimeField()),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_refunds', to='revolving.revolvingaccount')),
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.journalentry')),
            ],
            options={
                'ordering': ['-id'],
                'constraints': [models.UniqueConstraint(fields=('account', 'reference'), name='credit_refund_reference_unique'), models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='credit_refund_amount_positive')],
            },
        ),
    ]
