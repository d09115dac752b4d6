# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
import django.db.models.functions.datetime
import loans.revolving.models.products
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_field_labels'),
        ('ledger', '0009_field_labels'),
        ('revolving', '0007_verbose_names'),
        ('servicing', '0010_field_labels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='billreminder',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bill_reminders', to='revolving.revolvingaccount', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='business_date',
            field=models.DateField(verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='channel',
            field=models.CharField(choices=[('EMAIL', 'Email'), ('SMS', 'SMS')], max_length=8, verbose_name='channel'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='created_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='kind',
            field=models.CharField(choices=[('BILL_READY', 'Bill ready'), ('DUE_SOON', 'Due in 3 days'), ('DUE_TODAY', 'Due today'), ('OVERDUE', 'Overdue')], max_length=12, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='language',
            field=models.CharField(max_length=8, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='last_error',
            field=models.CharField(blank=True, max_length=200, verbose_name='last error'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='provider_message_id',
            field=models.CharField(blank=True, max_length=100, verbose_name='provider message id'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='send_after',
            field=models.DateTimeField(verbose_name='send after'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='sent at'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='statement',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='revolving.statement', verbose_name='statement'),
        ),
        migrations.AlterField(
            model_name='billreminder',
            name='status',
            field=models.CharField(choices=[('QUEUED', 'Queued'), ('SENT', 'Sent'), ('CANCELLED', 'Cancelled'), ('FAILED', 'Failed')], default='QUEUED', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='creditrefund',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_refunds', to='revolving.revolvingaccount', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='creditrefund',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='creditrefund',
            name='created_at',
            field=models.DateTimeField(verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='creditrefund',
            name='entry',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.journalentry', verbose_name='entry'),
        ),
        migrations.AlterField(
            model_name='creditrefund',
            name='reference',
            field=models.CharField(max_length=100, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='creditrefund',
            name='value_date',
            field=models.DateField(verbose_name='value date'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='revolving.revolvingaccount', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='borrower_apr',
            field=models.DecimalField(decimal_places=6, max_digits=8, verbose_name='borrower APR'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='created_at',
            field=models.DateTimeField(verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='fee_payer',
            field=models.CharField(choices=[('BORROWER', 'Borrower'), ('MERCHANT', 'Merchant (subsidised)')], max_length=8, verbose_name='fee payer'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='fee_per_installment_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='fee per installment amount'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='fee_rate',
            field=models.DecimalField(decimal_places=6, max_digits=8, verbose_name='fee rate'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='kind',
            field=models.CharField(choices=[('PURCHASE', 'Purchase installment'), ('BILL', 'Bill installment')], max_length=8, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='order',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plan', to='revolving.order', verbose_name='order'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='reference',
            field=models.CharField(max_length=100, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='revolving.statement', verbose_name='statement'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='term',
            field=models.PositiveSmallIntegerField(verbose_name='term'),
        ),
        migrations.AlterField(
            model_name='installmentplan',
            name='value_date',
            field=models.DateField(verbose_name='value date'),
        ),
        migrations.AlterField(
            model_name='order',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='revolving.revolvingaccount', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='order',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='order',
            name='captured_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='captured at'),
        ),
        migrations.AlterField(
            model_name='order',
            name='captured_date',
            field=models.DateField(blank=True, null=True, verbose_name='captured date'),
        ),
        migrations.AlterField(
            model_name='order',
            name='created_at',
            field=models.DateTimeField(verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='order',
            name='description',
            field=models.CharField(max_length=200, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='order',
            name='entry',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.journalentry', verbose_name='entry'),
        ),
        migrations.AlterField(
            model_name='order',
            name='expires_at',
            field=models.DateTimeField(verbose_name='expires at'),
        ),
        migrations.AlterField(
            model_name='order',
            name='merchant_order_id',
            field=models.CharField(max_length=64, verbose_name='merchant order ID'),
        ),
        migrations.AlterField(
            model_name='order',
            name='merchant_subsidised',
            field=models.BooleanField(default=False, verbose_name='merchant subsidised'),
        ),
        migrations.AlterField(
            model_name='order',
            name='paid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='paid amount'),
        ),
        migrations.AlterField(
            model_name='order',
            name='partner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.partner', verbose_name='partner'),
        ),
        migrations.AlterField(
            model_name='order',
            name='plan_term',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='plan term'),
        ),
        migrations.AlterField(
            model_name='order',
            name='refunded_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='refunded amount'),
        ),
        migrations.AlterField(
            model_name='order',
            name='statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='revolving.statement', verbose_name='statement'),
        ),
        migrations.AlterField(
            model_name='order',
            name='status',
            field=models.CharField(choices=[('CREATED', 'Waiting for the borrower'), ('CAPTURED', 'Captured'), ('EXPIRED', 'Expired')], default='CREATED', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='planinstallment',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='revolving.revolvingaccount', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='planinstallment',
            name='fee_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='fee amount'),
        ),
        migrations.AlterField(
            model_name='planinstallment',
            name='number',
            field=models.PositiveSmallIntegerField(verbose_name='installment number'),
        ),
        migrations.AlterField(
            model_name='planinstallment',
            name='plan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='installments', to='revolving.installmentplan', verbose_name='plan'),
        ),
        migrations.AlterField(
            model_name='planinstallment',
            name='principal_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='principal amount'),
        ),
        migrations.AlterField(
            model_name='planinstallment',
            name='statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='revolving.statement', verbose_name='statement'),
        ),
        migrations.AlterField(
            model_name='planinstallment',
            name='statement_date',
            field=models.DateField(verbose_name='statement date'),
        ),
        migrations.AlterField(
            model_name='refund',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='refund',
            name='created_at',
            field=models.DateTimeField(verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='refund',
            name='entry',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.journalentry', verbose_name='entry'),
        ),
        migrations.AlterField(
            model_name='refund',
            name='merchant_refund_id',
            field=models.CharField(max_length=64, verbose_name='merchant refund ID'),
        ),
        migrations.AlterField(
            model_name='refund',
            name='order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='revolving.order', verbose_name='order'),
        ),
        migrations.AlterField(
            model_name='refund',
            name='value_date',
            field=models.DateField(verbose_name='value date'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='bucket',
            field=models.CharField(choices=[('CURRENT', 'Current'), ('M1', 'M1 (1-30 days)'), ('M2', 'M2 (31-60 days)'), ('M3', 'M3 (61-90 days)'), ('M4_PLUS', 'M4+ (over 90 days)')], db_default='CURRENT', default='CURRENT', max_length=8, verbose_name='bucket'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='credit_balance_amount',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='credit balance amount'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='credit_line',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='revolving_account', to='servicing.creditline', verbose_name='credit line'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='days_past_due',
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name='days past due'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='last_closed_date',
            field=models.DateField(blank=True, null=True, verbose_name='last closed date'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='last_statement_date',
            field=models.DateField(blank=True, null=True, verbose_name='last statement date'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='opened_date',
            field=models.DateField(verbose_name='opened date'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='principal_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='principal amount'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='product',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accounts', to='revolving.revolvingproduct', verbose_name='product'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='statement_day',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='statement day'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='status',
            field=models.CharField(choices=[('ACTIVE', 'Active'), ('CLOSED', 'Closed')], default='ACTIVE', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='unbilled_interest_amount',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='unbilled interest amount'),
        ),
        migrations.AlterField(
            model_name='revolvingaccount',
            name='unbilled_penalty_amount',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='unbilled penalty amount'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='revolving.revolvingaccount', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='allocation',
            field=models.JSONField(default=list, verbose_name='allocation'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='channel',
            field=models.CharField(choices=[('PARTNER', 'Partner'), ('PORTAL', 'Portal'), ('AUTO_DEBIT', 'Auto-debit')], max_length=12, verbose_name='channel'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='created_at',
            field=models.DateTimeField(verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='entry',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.journalentry', verbose_name='entry'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='minimum_paid_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='minimum paid amount'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='reference',
            field=models.CharField(max_length=100, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='revolvingpayment',
            name='value_date',
            field=models.DateField(verbose_name='value date'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='code',
            field=models.SlugField(max_length=32, unique=True, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='daily_rate',
            field=models.DecimalField(decimal_places=6, default=Decimal('0.000500'), max_digits=8, verbose_name='daily rate'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='due_days',
            field=models.PositiveSmallIntegerField(default=9, verbose_name='due days'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='grace_days',
            field=models.PositiveSmallIntegerField(default=3, verbose_name='grace days'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='installment_fee_rates',
            field=models.JSONField(default=loans.revolving.models.products.default_installment_fee_rates, verbose_name='installment fee rates'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='is active'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='minimum_payment_rate',
            field=models.DecimalField(decimal_places=6, default=Decimal('0.100000'), max_digits=8, verbose_name='minimum payment rate'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='name',
            field=models.CharField(max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='order_expiry_minutes',
            field=models.PositiveSmallIntegerField(default=15, verbose_name='order expiry minutes'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='penalty_multiplier',
            field=models.DecimalField(decimal_places=2, default=Decimal('1.5'), max_digits=4, verbose_name='penalty multiplier'),
        ),
        migrations.AlterField(
            model_name='revolvingproduct',
            name='rate_cap',
            field=models.DecimalField(decimal_places=6, default=Decimal('0.240000'), max_digits=8, verbose_name='rate cap'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statements', to='revolving.revolvingaccount', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='bears_interest',
            field=models.BooleanField(db_default=False, default=False, verbose_name='bears interest'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='converted_amount',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='converted amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='cycle_start',
            field=models.DateField(verbose_name='cycle start'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='due_date',
            field=models.DateField(verbose_name='due date'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='fees_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='fees amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='fees_unpaid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='fees unpaid amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='installment_principal_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='installment principal amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='installment_principal_unpaid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='installment principal unpaid amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='interest_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='interest amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='interest_unpaid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='interest unpaid amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='merchant_fees_amount',
            field=models.DecimalField(db_default=Decimal('0.00'), decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='merchant fees amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='minimum_payment_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='minimum payment amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='minimum_unpaid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='minimum unpaid amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='new_fees_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='new fees amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='new_installment_principal_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='new installment principal amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='new_interest_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='new interest amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='new_penalty_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='new penalty amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='new_revolving_principal_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='new revolving principal amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='pay_by_date',
            field=models.DateField(verbose_name='pay by date'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='penalty_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='penalty amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='penalty_unpaid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='penalty unpaid amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='previous_unpaid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='previous unpaid amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='revolving_principal_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='revolving principal amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='revolving_principal_unpaid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='revolving principal unpaid amount'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='statement_date',
            field=models.DateField(verbose_name='statement date'),
        ),
    ]
