import django.contrib.postgres.fields
import django.db.models.deletion
import loans.origination.models.products
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('loans', '0016_models_move_to_apps'),
        ('accounts', '0005_reveal_permission'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Payout',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('bank_card_masked', models.CharField(max_length=19)),
                        ('backend', models.CharField(max_length=100)),
                        ('reference', models.CharField(blank=True, max_length=100)),
                        ('status', models.CharField(choices=[('SENT', 'Sent to the bank'), ('SETTLED', 'Settled'), ('FAILED', 'Failed')], max_length=8)),
                        ('sent_at', models.DateTimeField(auto_now_add=True)),
                        ('settled_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'loans_payout',
                    },
                ),
                migrations.CreateModel(
                    name='CreditApplication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('applied_date', models.DateField()),
                        ('status', models.CharField(choices=[('APPROVED', 'Approved'), ('REFERRED', 'Referred to an officer'), ('DECLINED', 'Declined')], max_length=10)),
                        ('scorecard_version', models.PositiveSmallIntegerField()),
                        ('inputs', models.JSONField()),
                        ('score', models.IntegerField()),
                        ('points', models.JSONField(default=list)),
                        ('grade', models.CharField(blank=True, max_length=1)),
                        ('credit_limit_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('annual_rate', models.DecimalField(blank=True, decimal_places=6, max_digits=8, null=True)),
                        ('reasons', models.JSONField(default=list)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('officer_note', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('borrower', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='accounts.borrower')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='accounts.partner')),
                    ],
                    options={
                        'db_table': 'loans_creditapplication',
                        'ordering': ['-id'],
                        'permissions': [('review_creditapplication', 'Can decide a referred application')],
                    },
                ),
                migrations.CreateModel(
                    name='LoanProduct',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=32, unique=True)),
                        ('name', models.CharField(max_length=100)),
                        ('methods', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('EQUAL_INSTALLMENT', 'EQUAL_INSTALLMENT'), ('EQUAL_PRINCIPAL', 'EQUAL_PRINCIPAL'), ('INTEREST_ONLY', 'INTEREST_ONLY'), ('BULLET', 'BULLET'), ('INSTALLMENT_FEE', 'INSTALLMENT_FEE')], max_length=20), size=None)),
                        ('terms', django.contrib.postgres.fields.ArrayField(base_field=models.PositiveSmallIntegerField(), size=None)),
                        ('annual_rate', models.DecimalField(blank=True, decimal_places=6, max_digits=8, null=True)),
                        ('rates_by_grade', models.JSONField(blank=True, default=loans.origination.models.products.default_rates_by_grade)),
                        ('fee_rate', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=8)),
                        ('grace_days', models.PositiveSmallIntegerField(default=3)),
                        ('penalty_multiplier', models.DecimalField(decimal_places=2, default=Decimal('1.5'), max_digits=4)),
                        ('allocation_rules', models.JSONField(default=loans.origination.models.products.default_allocation_rules)),
                        ('write_off_days', models.PositiveSmallIntegerField(default=180)),
                        ('min_amount', models.DecimalField(decimal_places=2, default=Decimal('100.00'), max_digits=14)),
                        ('max_amount', models.DecimalField(decimal_places=2, default=Decimal('30000.00'), max_digits=14)),
                        ('rate_cap', models.DecimalField(decimal_places=6, default=Decimal('0.240000'), max_digits=8)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'loans_loanproduct',
                        'ordering': ['code'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('min_amount__gte', Decimal('100.00')), ('max_amount__lte', Decimal('30000.00')), ('min_amount__lte', models.F('max_amount'))), name='product_amounts_within_platform_range'), models.CheckConstraint(condition=models.Q(('annual_rate__isnull', True), models.Q(('annual_rate__gte', 0), ('annual_rate__lt', 1)), _connector='OR'), name='product_annual_rate_range'), models.CheckConstraint(condition=models.Q(('fee_rate__gte', 0), ('fee_rate__lt', 1)), name='product_fee_rate_range'), models.CheckConstraint(condition=models.Q(('penalty_multiplier__gte', Decimal('1.3')), ('penalty_multiplier__lte', Decimal('1.5'))), name='product_penalty_multiplier_range'), models.CheckConstraint(condition=models.Q(('rate_cap__gt', 0), ('rate_cap__lt', 1)), name='product_rate_cap_range')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
