# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0008_verbose_names'),
        ('revolving', '0007_verbose_names'),
        ('servicing', '0009_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='accountingperiod',
            name='closed',
            field=models.BooleanField(default=True, verbose_name='closed'),
        ),
        migrations.AlterField(
            model_name='accountingperiod',
            name='closed_at',
            field=models.DateTimeField(verbose_name='closed at'),
        ),
        migrations.AlterField(
            model_name='accountingperiod',
            name='closed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by'),
        ),
        migrations.AlterField(
            model_name='accountingperiod',
            name='month',
            field=models.DateField(help_text='The first day of the month.', unique=True, verbose_name='month'),
        ),
        migrations.AlterField(
            model_name='accountingperiod',
            name='reopen_reason',
            field=models.TextField(blank=True, verbose_name='reopen reason'),
        ),
        migrations.AlterField(
            model_name='accountingperiod',
            name='reopened_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reopened at'),
        ),
        migrations.AlterField(
            model_name='accountingperiod',
            name='reopened_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reopened by'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='booking_date',
            field=models.DateField(blank=True, null=True, verbose_name='booking date'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='entry_type',
            field=models.CharField(choices=[('DISBURSEMENT', 'Disbursement'), ('PAYOUT_SETTLED', 'Payout settled'), ('INTEREST_ACCRUAL', 'Interest accrual'), ('FEE_DUE', 'Installment fee due'), ('PENALTY', 'Penalty'), ('REPAYMENT', 'Repayment'), ('ADVANCE_APPLIED', 'Advance applied'), ('WAIVER', 'Waiver'), ('WRITE_OFF', 'Write-off'), ('RECOVERY', 'Recovery'), ('REFUND', 'Overpayment refund'), ('REVERSAL', 'Reversal'), ('MANUAL_ADJUSTMENT', 'Manual adjustment'), ('PURCHASE', 'Purchase captured'), ('PURCHASE_REFUND', 'Purchase refunded'), ('PROVISION', 'Loan-loss provision')], max_length=20, verbose_name='entry type'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='key',
            field=models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name='idempotency key'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='loan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='memo',
            field=models.CharField(blank=True, max_length=200, verbose_name='memo'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='posted_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='posted at'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='reverses',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='ledger.journalentry', verbose_name='reverses'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='value_date',
            field=models.DateField(verbose_name='value date'),
        ),
        migrations.AlterField(
            model_name='journalentryclaim',
            name='entry_id',
            field=models.BigIntegerField(primary_key=True, serialize=False, verbose_name='entry ID'),
        ),
        migrations.AlterField(
            model_name='journalentryclaim',
            name='key',
            field=models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name='idempotency key'),
        ),
        migrations.AlterField(
            model_name='journalentryclaim',
            name='reverses_id',
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name='reversed entry ID'),
        ),
        migrations.AlterField(
            model_name='journalline',
            name='account',
            field=models.CharField(choices=[('CASH', 'Cash'), ('DISBURSEMENT_CLEARING', 'Disbursement clearing'), ('PRINCIPAL_RECEIVABLE', 'Principal receivable'), ('INTEREST_RECEIVABLE', 'Interest receivable'), ('FEE_RECEIVABLE', 'Fee receivable'), ('PENALTY_RECEIVABLE', 'Penalty receivable'), ('ADVANCE_LIABILITY', 'Advance payments (liability)'), ('OVERPAYMENT_LIABILITY', 'Overpayments (liability)'), ('INTEREST_INCOME', 'Interest income'), ('FEE_INCOME', 'Fee income'), ('PENALTY_INCOME', 'Penalty income'), ('WAIVERS', 'Waivers (contra-income)'), ('CREDIT_LOSSES', 'Credit losses'), ('RECOVERIES', 'Recoveries'), ('REVOLVING_RECEIVABLE', 'Revolving principal receivable'), ('MERCHANT_PAYABLE', 'Merchant settlement payable'), ('LOAN_LOSS_PROVISION', 'Loan-loss provision (contra-asset)'), ('PROVISION_EXPENSE', 'Impairment expense')], max_length=24, verbose_name='ledger account'),
        ),
        migrations.AlterField(
            model_name='journalline',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=16, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='journalline',
            name='entry',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='ledger.journalentry', verbose_name='entry'),
        ),
        migrations.AlterField(
            model_name='journalline',
            name='installment_number',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='installment number'),
        ),
        migrations.AlterField(
            model_name='journalline',
            name='loan',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='journalline',
            name='revolving_account',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='revolving.revolvingaccount', verbose_name='revolving account'),
        ),
    ]
