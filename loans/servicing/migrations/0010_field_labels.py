# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
import django.db.models.functions.datetime
import loans.domain.delinquency
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_field_labels'),
        ('ledger', '0009_field_labels'),
        ('origination', '0008_field_labels'),
        ('servicing', '0009_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='collectionassignment',
            name='agent',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='collection_assignments', to=settings.AUTH_USER_MODEL, verbose_name='agent'),
        ),
        migrations.AlterField(
            model_name='collectionassignment',
            name='assigned_at',
            field=models.DateTimeField(auto_now=True, verbose_name='assigned at'),
        ),
        migrations.AlterField(
            model_name='collectionassignment',
            name='assigned_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned by'),
        ),
        migrations.AlterField(
            model_name='collectionassignment',
            name='loan',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='collection_assignment', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='contactnote',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AlterField(
            model_name='contactnote',
            name='business_date',
            field=models.DateField(verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='contactnote',
            name='channel',
            field=models.CharField(choices=[('PHONE', 'Phone call'), ('SMS', 'SMS'), ('EMAIL', 'Email'), ('VISIT', 'Visit'), ('OTHER', 'Other')], max_length=8, verbose_name='channel'),
        ),
        migrations.AlterField(
            model_name='contactnote',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='contactnote',
            name='loan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contact_notes', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='contactnote',
            name='text',
            field=models.TextField(max_length=2000, verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='annual_rate',
            field=models.DecimalField(decimal_places=6, max_digits=8, verbose_name='annual rate'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='application',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='origination.creditapplication', verbose_name='application'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='borrower',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='credit_line', to='accounts.borrower', verbose_name='borrower'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='frozen_on',
            field=models.DateField(blank=True, null=True, verbose_name='frozen on'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='frozen_reason',
            field=models.CharField(blank=True, choices=[('PAST_DUE', 'Past due'), ('WRITTEN_OFF', 'Written off')], max_length=12, verbose_name='frozen reason'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='grade',
            field=models.CharField(max_length=1, verbose_name='grade'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='limit_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='limit amount'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='status',
            field=models.CharField(choices=[('ACTIVE', 'Active'), ('FROZEN', 'Frozen')], default='ACTIVE', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AlterField(
            model_name='creditline',
            name='used_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='used amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='accrual_base_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='accrual base amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='accrual_start_date',
            field=models.DateField(verbose_name='accrual start date'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='due_date',
            field=models.DateField(verbose_name='due date'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='fee_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='fee amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='fee_charged_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='fee charged amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='fee_paid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='fee paid amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='fee_waived_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='fee waived amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='interest_accrued_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='interest accrued amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='interest_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='interest amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='interest_paid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='interest paid amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='interest_waived_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='interest waived amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='loan',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='installments', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='number',
            field=models.PositiveSmallIntegerField(verbose_name='installment number'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='paid_date',
            field=models.DateField(blank=True, null=True, verbose_name='paid date'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='penalty_charged_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='penalty charged amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='penalty_paid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='penalty paid amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='penalty_waived_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='penalty waived amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='period_start',
            field=models.DateField(verbose_name='period start'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='principal_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='principal amount'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='principal_paid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='principal paid amount'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='accepted_at',
            field=models.DateTimeField(verbose_name='accepted at'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='accepted_ip',
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name='accepted from IP'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='accepted_user_agent',
            field=models.CharField(blank=True, max_length=500, verbose_name='accepted user agent'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='advance_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='advance amount'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='allocation_rules',
            field=models.JSONField(verbose_name='allocation rules'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='annual_rate',
            field=models.DecimalField(decimal_places=6, max_digits=8, verbose_name='annual rate'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='apr',
            field=models.DecimalField(decimal_places=6, max_digits=8, verbose_name='APR'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='borrower',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='accounts.borrower', verbose_name='borrower'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='bucket',
            field=models.CharField(choices=[('CURRENT', 'CURRENT'), ('M1', 'M1'), ('M2', 'M2'), ('M3', 'M3'), ('M4_PLUS', 'M4_PLUS')], default=loans.domain.delinquency.Bucket['CURRENT'], max_length=8, verbose_name='bucket'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='cancel_reason',
            field=models.CharField(blank=True, choices=[('PAYOUT_FAILED', 'Payout failed')], db_default='', max_length=16, verbose_name='cancel reason'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='closed_date',
            field=models.DateField(blank=True, null=True, verbose_name='closed date'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='contract_hash',
            field=models.CharField(max_length=64, verbose_name='contract hash'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='contract_version',
            field=models.CharField(max_length=32, verbose_name='contract version'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='credit_line',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='servicing.creditline', verbose_name='credit line'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='days_past_due',
            field=models.PositiveIntegerField(default=0, verbose_name='days past due'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='disbursed_date',
            field=models.DateField(blank=True, null=True, verbose_name='disbursed date'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='draw_key',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name='draw key'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='drawn_date',
            field=models.DateField(verbose_name='drawn date'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='fee_rate',
            field=models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=8, verbose_name='fee rate'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='fee_receivable_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='fee receivable amount'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='grace_days',
            field=models.PositiveSmallIntegerField(verbose_name='grace days'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='interest_receivable_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='interest receivable amount'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='method',
            field=models.CharField(choices=[('EQUAL_INSTALLMENT', 'EQUAL_INSTALLMENT'), ('EQUAL_PRINCIPAL', 'EQUAL_PRINCIPAL'), ('INTEREST_ONLY', 'INTEREST_ONLY'), ('BULLET', 'BULLET'), ('INSTALLMENT_FEE', 'INSTALLMENT_FEE')], max_length=20, verbose_name='method'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='overpayment_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='overpayment amount'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='partner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='accounts.partner', verbose_name='partner'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='penalty_multiplier',
            field=models.DecimalField(decimal_places=2, max_digits=4, verbose_name='penalty multiplier'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='penalty_receivable_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='penalty receivable amount'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='principal_amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='principal amount'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='principal_outstanding_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='principal outstanding amount'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='product',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='origination.loanproduct', verbose_name='product'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='rate_cap',
            field=models.DecimalField(decimal_places=6, max_digits=8, verbose_name='rate cap'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='signature_name',
            field=models.CharField(max_length=30, verbose_name='signature name'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='status',
            field=models.CharField(choices=[('PENDING_DISBURSEMENT', 'Pending disbursement'), ('ACTIVE', 'Active'), ('PAID_OFF', 'Paid off'), ('WRITTEN_OFF', 'Written off'), ('CANCELLED', 'Cancelled')], max_length=24, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='term',
            field=models.PositiveSmallIntegerField(verbose_name='term'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='write_off_candidate_since',
            field=models.DateField(blank=True, null=True, verbose_name='write off candidate since'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='write_off_days',
            field=models.PositiveSmallIntegerField(verbose_name='write off days'),
        ),
        migrations.AlterField(
            model_name='loanevent',
            name='business_date',
            field=models.DateField(verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='loanevent',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='loanevent',
            name='data',
            field=models.JSONField(default=dict, verbose_name='data'),
        ),
        migrations.AlterField(
            model_name='loanevent',
            name='event_type',
            field=models.CharField(choices=[('installment.overdue', 'Installment overdue'), ('loan.bucket_changed', 'Bucket changed'), ('loan.write_off_candidate', 'Write-off candidate'), ('loan.paid_off', 'Paid off'), ('loan.payout_failed', 'Payout failed, loan cancelled')], max_length=32, verbose_name='event type'),
        ),
        migrations.AlterField(
            model_name='loanevent',
            name='installment_number',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='installment number'),
        ),
        migrations.AlterField(
            model_name='loanevent',
            name='loan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='loanevent',
            name='restated',
            field=models.BooleanField(db_default=False, default=False, verbose_name='restated'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='business_date',
            field=models.DateField(verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='loan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='promises_to_pay', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='outcome',
            field=models.CharField(choices=[('PENDING', 'Pending'), ('KEPT', 'Kept'), ('BROKEN', 'Broken')], default='PENDING', max_length=8, verbose_name='outcome'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='paid_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='paid amount'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='promised_date',
            field=models.DateField(verbose_name='promised date'),
        ),
        migrations.AlterField(
            model_name='promisetopay',
            name='resolved_date',
            field=models.DateField(blank=True, null=True, verbose_name='resolved date'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='business_date',
            field=models.DateField(verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='channel',
            field=models.CharField(choices=[('EMAIL', 'Email'), ('SMS', 'SMS')], max_length=8, verbose_name='channel'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='created_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='installment',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='servicing.installment', verbose_name='installment'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='kind',
            field=models.CharField(choices=[('DUE_SOON', 'Due in 3 days'), ('DUE_TODAY', 'Due today'), ('OVERDUE_1', '1 day overdue'), ('OVERDUE_7', '7 days overdue'), ('OVERDUE_30', '30 days overdue'), ('PAYOUT_FAILED', 'Payout failed'), ('AUTO_DEBIT_STOPPED', 'Auto-debit stopped')], max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='language',
            field=models.CharField(max_length=8, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='last_error',
            field=models.CharField(blank=True, max_length=200, verbose_name='last error'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='loan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='provider_message_id',
            field=models.CharField(blank=True, max_length=100, verbose_name='provider message id'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='send_after',
            field=models.DateTimeField(verbose_name='send after'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='sent at'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='status',
            field=models.CharField(choices=[('QUEUED', 'Queued'), ('SENT', 'Sent'), ('CANCELLED', 'Cancelled'), ('FAILED', 'Failed')], default='QUEUED', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='advance_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='advance amount'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='allocation',
            field=models.JSONField(default=list, verbose_name='allocation'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='channel',
            field=models.CharField(choices=[('PORTAL', 'Borrower portal'), ('PARTNER', 'Partner API'), ('BACK_OFFICE', 'Back office'), ('AUTO_DEBIT', 'Auto-debit')], max_length=12, verbose_name='channel'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='entry',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='repayment', to='ledger.journalentry', verbose_name='entry'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='loan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='repayments', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='overpayment_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='overpayment amount'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='prepaid_principal_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='prepaid principal amount'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='prepayment_mode',
            field=models.CharField(blank=True, max_length=20, verbose_name='prepayment mode'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='reference',
            field=models.CharField(blank=True, max_length=100, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='replay_of',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replayed_by', to='servicing.repayment', verbose_name='replay of'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='schedule_before',
            field=models.JSONField(blank=True, null=True, verbose_name='schedule before'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='status',
            field=models.CharField(choices=[('POSTED', 'Posted'), ('REVERSED', 'Reversed')], default='POSTED', max_length=8, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='repayment',
            name='value_date',
            field=models.DateField(verbose_name='value date'),
        ),
    ]
