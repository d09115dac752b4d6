# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.contrib.postgres.fields
import django.db.models.deletion
import loans.origination.models.products
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_field_labels'),
        ('origination', '0007_verbose_names'),
        ('servicing', '0009_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='creditapplication',
            name='annual_rate',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=8, null=True, verbose_name='annual rate'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='applied_date',
            field=models.DateField(verbose_name='applied date'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='borrower',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='accounts.borrower', verbose_name='borrower'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='credit_limit_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='credit limit amount'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='decided at'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='grade',
            field=models.CharField(blank=True, max_length=1, verbose_name='grade'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='inputs',
            field=models.JSONField(verbose_name='inputs'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='officer_note',
            field=models.TextField(blank=True, verbose_name='officer note'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='partner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='accounts.partner', verbose_name='partner'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='points',
            field=models.JSONField(default=list, verbose_name='points'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='reasons',
            field=models.JSONField(default=list, verbose_name='reasons'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='score',
            field=models.IntegerField(verbose_name='score'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='scorecard_version',
            field=models.PositiveSmallIntegerField(verbose_name='scorecard version'),
        ),
        migrations.AlterField(
            model_name='creditapplication',
            name='status',
            field=models.CharField(choices=[('APPROVED', 'Approved'), ('REFERRED', 'Referred to an officer'), ('DECLINED', 'Declined')], max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='allocation_rules',
            field=models.JSONField(default=loans.origination.models.products.default_allocation_rules, verbose_name='allocation rules'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='annual_rate',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=8, null=True, verbose_name='annual rate'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='code',
            field=models.SlugField(max_length=32, unique=True, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='fee_rate',
            field=models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=8, verbose_name='fee rate'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='freeze_days',
            field=models.PositiveSmallIntegerField(default=30, verbose_name='freeze days'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='grace_days',
            field=models.PositiveSmallIntegerField(default=3, verbose_name='grace days'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='is active'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='max_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('30000.00'), max_digits=14, verbose_name='max amount'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='methods',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('EQUAL_INSTALLMENT', 'EQUAL_INSTALLMENT'), ('EQUAL_PRINCIPAL', 'EQUAL_PRINCIPAL'), ('INTEREST_ONLY', 'INTEREST_ONLY'), ('BULLET', 'BULLET'), ('INSTALLMENT_FEE', 'INSTALLMENT_FEE')], max_length=20), size=None, verbose_name='methods'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='min_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('100.00'), max_digits=14, verbose_name='min amount'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='name',
            field=models.CharField(max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='penalty_multiplier',
            field=models.DecimalField(decimal_places=2, default=Decimal('1.5'), max_digits=4, verbose_name='penalty multiplier'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='rate_cap',
            field=models.DecimalField(decimal_places=6, default=Decimal('0.240000'), max_digits=8, verbose_name='rate cap'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='rates_by_grade',
            field=models.JSONField(blank=True, default=loans.origination.models.products.default_rates_by_grade, verbose_name='rates by grade'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='terms',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.PositiveSmallIntegerField(), size=None, verbose_name='terms'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AlterField(
            model_name='loanproduct',
            name='write_off_days',
            field=models.PositiveSmallIntegerField(default=180, verbose_name='write off days'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='backend',
            field=models.CharField(max_length=100, verbose_name='backend'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='bank_card_masked',
            field=models.CharField(max_length=19, verbose_name='bank card (masked)'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='failed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='failed at'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='failure_code',
            field=models.CharField(blank=True, choices=[('ACCOUNT_CLOSED', 'Account closed'), ('NAME_MISMATCH', 'Name does not match the account'), ('CARD_INVALID', 'Card not valid'), ('ACCOUNT_FROZEN', 'Account frozen'), ('REFUSED', 'Refused by the bank')], max_length=16, verbose_name='failure code'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='failure_reason',
            field=models.CharField(blank=True, max_length=200, verbose_name='failure reason'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='loan',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='payout', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='queried_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='queried at'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='query_count',
            field=models.PositiveIntegerField(default=0, verbose_name='query count'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='reference',
            field=models.CharField(blank=True, max_length=100, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='send_started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='send started at'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='sent_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='sent at'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='settled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='settled at'),
        ),
        migrations.AlterField(
            model_name='payout',
            name='status',
            field=models.CharField(choices=[('SENT', 'Sent to the bank'), ('SETTLED', 'Settled'), ('FAILED', 'Failed')], max_length=8, verbose_name='status'),
        ),
    ]
