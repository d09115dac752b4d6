import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.datetime
import loans.domain.delinquency
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('loans', '0016_models_move_to_apps'),
        ('accounts', '0005_reveal_permission'),
        ('ledger', '0001_initial'),
        ('origination', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CreditLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('limit_amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('used_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('grade', models.CharField(max_length=1)),
                        ('annual_rate', models.DecimalField(decimal_places=6, max_digits=8)),
                        ('status', models.CharField(choices=[('ACTIVE', 'Active'), ('FROZEN', 'Frozen')], default='ACTIVE', max_length=10)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='origination.creditapplication')),
                        ('borrower', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='credit_line', to='accounts.borrower')),
                    ],
                    options={
                        'db_table': 'loans_creditline',
                    },
                ),
                migrations.CreateModel(
                    name='Loan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('PENDING_DISBURSEMENT', 'Pending disbursement'), ('ACTIVE', 'Active'), ('PAID_OFF', 'Paid off'), ('WRITTEN_OFF', 'Written off'), ('CANCELLED', 'Cancelled')], max_length=24)),
                        ('principal_amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('term', models.PositiveSmallIntegerField()),
                        ('method', models.CharField(choices=[('EQUAL_INSTALLMENT', 'EQUAL_INSTALLMENT'), ('EQUAL_PRINCIPAL', 'EQUAL_PRINCIPAL'), ('INTEREST_ONLY', 'INTEREST_ONLY'), ('BULLET', 'BULLET'), ('INSTALLMENT_FEE', 'INSTALLMENT_FEE')], max_length=20)),
                        ('annual_rate', models.DecimalField(decimal_places=6, max_digits=8)),
                        ('fee_rate', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=8)),
                        ('apr', models.DecimalField(decimal_places=6, max_digits=8)),
                        ('penalty_multiplier', models.DecimalField(decimal_places=2, max_digits=4)),
                        ('grace_days', models.PositiveSmallIntegerField()),
                        ('write_off_days', models.PositiveSmallIntegerField()),
                        ('rate_cap', models.DecimalField(decimal_places=6, max_digits=8)),
                        ('allocation_rules', models.JSONField()),
                        ('drawn_date', models.DateField()),
                        ('disbursed_date', models.DateField(blank=True, null=True)),
                        ('closed_date', models.DateField(blank=True, null=True)),
                        ('contract_version', models.CharField(max_length=32)),
                        ('contract_hash', models.CharField(max_length=64)),
                        ('accepted_at', models.DateTimeField()),
                        ('accepted_ip', models.GenericIPAddressField(blank=True, null=True)),
                        ('accepted_user_agent', models.CharField(blank=True, max_length=500)),
                        ('signature_name', models.CharField(max_length=30)),
                        ('principal_outstanding_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('interest_receivable_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('fee_receivable_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('penalty_receivable_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('advance_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('overpayment_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('days_past_due', models.PositiveIntegerField(default=0)),
                        ('write_off_candidate_since', models.DateField(blank=True, null=True)),
                        ('bucket', models.CharField(choices=[('CURRENT', 'CURRENT'), ('M1', 'M1'), ('M2', 'M2'), ('M3', 'M3'), ('M4_PLUS', 'M4_PLUS')], default=loans.domain.delinquency.Bucket['CURRENT'], max_length=8)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('borrower', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='accounts.borrower')),
                        ('credit_line', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='servicing.creditline')),
                        ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='accounts.partner')),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='origination.loanproduct')),
                    ],
                    options={
                        'db_table': 'loans_loan',
                        'ordering': ['-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Installment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField()),
                        ('period_start', models.DateField()),
                        ('due_date', models.DateField()),
                        ('principal_amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('interest_amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('fee_amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('accrual_start_date', models.DateField()),
                        ('accrual_base_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('interest_accrued_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('fee_charged_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('penalty_charged_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('principal_paid_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('interest_paid_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('fee_paid_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('penalty_paid_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('interest_waived_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('fee_waived_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('penalty_waived_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('paid_date', models.DateField(blank=True, null=True)),
                        ('loan', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='installments', to='servicing.loan')),
                    ],
                    options={
                        'db_table': 'loans_installment',
                        'ordering': ['loan', 'number'],
                    },
                ),
                migrations.CreateModel(
                    name='ContactNote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('PHONE', 'Phone call'), ('SMS', 'SMS'), ('EMAIL', 'Email'), ('VISIT', 'Visit'), ('OTHER', 'Other')], max_length=8)),
                        ('business_date', models.DateField()),
                        ('text', models.TextField(max_length=2000)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('loan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contact_notes', to='servicing.loan')),
                    ],
                    options={
                        'db_table': 'loans_contactnote',
                        'ordering': ['-id'],
                    },
                ),
                migrations.CreateModel(
                    name='CollectionAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('assigned_at', models.DateTimeField(auto_now=True)),
                        ('agent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='collection_assignments', to=settings.AUTH_USER_MODEL)),
                        ('assigned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('loan', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='collection_assignment', to='servicing.loan')),
                    ],
                    options={
                        'db_table': 'loans_collectionassignment',
                    },
                ),
                migrations.CreateModel(
                    name='LoanEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_type', models.CharField(choices=[('installment.overdue', 'Installment overdue'), ('loan.bucket_changed', 'Bucket changed'), ('loan.write_off_candidate', 'Write-off candidate'), ('loan.paid_off', 'Paid off')], max_length=32)),
                        ('business_date', models.DateField()),
                        ('installment_number', models.PositiveSmallIntegerField(default=0)),
                        ('data', models.JSONField(default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('loan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='servicing.loan')),
                    ],
                    options={
                        'db_table': 'loans_loanevent',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='PromiseToPay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('business_date', models.DateField()),
                        ('promised_date', models.DateField()),
                        ('outcome', models.CharField(choices=[('PENDING', 'Pending'), ('KEPT', 'Kept'), ('BROKEN', 'Broken')], default='PENDING', max_length=8)),
                        ('paid_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('resolved_date', models.DateField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('loan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='promises_to_pay', to='servicing.loan')),
                    ],
                    options={
                        'verbose_name': 'promise to pay',
                        'verbose_name_plural': 'promises to pay',
                        'db_table': 'loans_promisetopay',
                        'ordering': ['-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('DUE_SOON', 'Due in 3 days'), ('DUE_TODAY', 'Due today'), ('OVERDUE_1', '1 day overdue'), ('OVERDUE_7', '7 days overdue'), ('OVERDUE_30', '30 days overdue')], max_length=12)),
                        ('channel', models.CharField(choices=[('EMAIL', 'Email'), ('SMS', 'SMS')], max_length=8)),
                        ('business_date', models.DateField()),
                        ('language', models.CharField(max_length=8)),
                        ('send_after', models.DateTimeField()),
                        ('status', models.CharField(choices=[('QUEUED', 'Queued'), ('SENT', 'Sent'), ('CANCELLED', 'Cancelled'), ('FAILED', 'Failed')], default='QUEUED', max_length=10)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('provider_message_id', models.CharField(blank=True, max_length=100)),
                        ('last_error', models.CharField(blank=True, max_length=200)),
                        ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                        ('installment', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='servicing.installment')),
                        ('loan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='servicing.loan')),
                    ],
                    options={
                        'db_table': 'loans_reminder',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='Repayment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('value_date', models.DateField()),
                        ('channel', models.CharField(choices=[('PORTAL', 'Borrower portal'), ('PARTNER', 'Partner API'), ('BACK_OFFICE', 'Back office')], max_length=12)),
                        ('reference', models.CharField(blank=True, max_length=100)),
                        ('prepayment_mode', models.CharField(blank=True, max_length=20)),
                        ('status', models.CharField(choices=[('POSTED', 'Posted'), ('REVERSED', 'Reversed')], default='POSTED', max_length=8)),
                        ('allocation', models.JSONField(default=list)),
                        ('advance_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('overpayment_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('prepaid_principal_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('schedule_before', models.JSONField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('entry', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='repayment', to='ledger.journalentry')),
                        ('loan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='repayments', to='servicing.loan')),
                        ('replay_of', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replayed_by', to='servicing.repayment')),
                    ],
                    options={
                        'db_table': 'loans_repayment',
                        'ordering': ['value_date', 'id'],
                        'permissions': [('reverse_repayment', 'Can reverse a posted repayment')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='creditline',
                    constraint=models.CheckConstraint(condition=models.Q(('limit_amount__gte', 0), ('limit_amount__lte', Decimal('30000.00'))), name='credit_line_limit_within_platform_max'),
                ),
                migrations.AddConstraint(
                    model_name='creditline',
                    constraint=models.CheckConstraint(condition=models.Q(('used_amount__gte', 0), ('used_amount__lte', models.F('limit_amount'))), name='credit_line_used_within_limit'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(fields=['status', 'id'], name='loans_loan_status_262345_idx'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(fields=['borrower', 'status'], name='loans_loan_borrowe_d07c9e_idx'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(fields=['bucket', 'status'], name='loans_loan_bucket_941e3e_idx'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(condition=models.Q(('days_past_due__gt', 0), ('status', 'ACTIVE')), fields=['-days_past_due', '-id'], name='loan_overdue_worklist'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(condition=models.Q(('status', 'ACTIVE')), fields=['bucket'], include=('principal_outstanding_amount', 'disbursed_date'), name='loan_active_stock'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(condition=models.Q(('closed_date__isnull', False)), fields=['closed_date'], name='loan_closed_on'),
                ),
                migrations.AddConstraint(
                    model_name='loan',
                    constraint=models.CheckConstraint(condition=models.Q(('principal_amount__gte', Decimal('100.00')), ('principal_amount__lte', Decimal('30000.00'))), name='loan_principal_within_platform_range'),
                ),
                migrations.AddConstraint(
                    model_name='loan',
                    constraint=models.CheckConstraint(condition=models.Q(('term__gte', 1)), name='loan_term_positive'),
                ),
                migrations.AddConstraint(
                    model_name='loan',
                    constraint=models.CheckConstraint(condition=models.Q(('apr__lte', models.F('rate_cap')), ('annual_rate__lte', models.F('rate_cap'))), name='loan_within_rate_cap'),
                ),
                migrations.AddConstraint(
                    model_name='loan',
                    constraint=models.CheckConstraint(condition=models.Q(('principal_outstanding_amount__gte', 0), ('principal_outstanding_amount__lte', models.F('principal_amount')), ('interest_receivable_amount__gte', 0), ('fee_receivable_amount__gte', 0), ('penalty_receivable_amount__gte', 0), ('advance_amount__gte', 0), ('overpayment_amount__gte', 0)), name='loan_balances_not_negative'),
                ),
                migrations.AddIndex(
                    model_name='installment',
                    index=models.Index(condition=models.Q(('paid_date__isnull', True)), fields=['due_date', 'loan'], name='installment_unpaid_due'),
                ),
                migrations.AddConstraint(
                    model_name='installment',
                    constraint=models.UniqueConstraint(fields=('loan', 'number'), name='installment_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='installment',
                    constraint=models.CheckConstraint(condition=models.Q(('period_start__lt', models.F('due_date')), ('accrual_start_date__gte', models.F('period_start')), ('accrual_start_date__lte', models.F('due_date'))), name='installment_period_ordered'),
                ),
                migrations.AddConstraint(
                    model_name='installment',
                    constraint=models.CheckConstraint(condition=models.Q(('principal_amount__gte', 0), ('interest_amount__gte', 0), ('fee_amount__gte', 0), ('accrual_base_amount__gte', 0), ('accrual_base_amount__lte', models.F('interest_amount'))), name='installment_amounts_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='installment',
                    constraint=models.CheckConstraint(condition=models.Q(('principal_paid_amount__gte', 0), ('principal_paid_amount__lte', models.F('principal_amount')), ('interest_accrued_amount__gte', 0), ('interest_accrued_amount__lte', models.F('interest_amount')), ('interest_paid_amount__gte', 0), ('fee_charged_amount__gte', 0), ('fee_charged_amount__lte', models.F('fee_amount')), ('fee_paid_amount__gte', 0), ('penalty_charged_amount__gte', 0), ('penalty_paid_amount__gte', 0), ('interest_waived_amount__gte', 0), ('fee_waived_amount__gte', 0), ('penalty_waived_amount__gte', 0)), name='installment_progress_within_schedule'),
                ),
                migrations.AddConstraint(
                    model_name='installment',
                    constraint=models.CheckConstraint(condition=models.Q(('interest_paid_amount__lte', django.db.models.expressions.CombinedExpression(models.F('interest_accrued_amount'), '-', models.F('interest_waived_amount'))), ('fee_paid_amount__lte', django.db.models.expressions.CombinedExpression(models.F('fee_charged_amount'), '-', models.F('fee_waived_amount'))), ('penalty_paid_amount__lte', django.db.models.expressions.CombinedExpression(models.F('penalty_charged_amount'), '-', models.F('penalty_waived_amount')))), name='installment_paid_within_charged'),
                ),
                migrations.AddIndex(
                    model_name='contactnote',
                    index=models.Index(fields=['loan', 'id'], name='loans_conta_loan_id_547cb7_idx'),
                ),
                migrations.AddConstraint(
                    model_name='contactnote',
                    constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='contact_note_not_empty'),
                ),
                migrations.AddIndex(
                    model_name='collectionassignment',
                    index=models.Index(fields=['agent', 'loan'], name='loans_colle_agent_i_a2afd7_idx'),
                ),
                migrations.AddIndex(
                    model_name='loanevent',
                    index=models.Index(fields=['event_type', 'business_date'], name='loans_loane_event_t_92ab28_idx'),
                ),
                migrations.AddConstraint(
                    model_name='loanevent',
                    constraint=models.UniqueConstraint(fields=('loan', 'event_type', 'business_date', 'installment_number'), name='loan_event_once_per_day'),
                ),
                migrations.AddIndex(
                    model_name='promisetopay',
                    index=models.Index(condition=models.Q(('outcome', 'PENDING')), fields=['promised_date'], name='promise_pending_due'),
                ),
                migrations.AddIndex(
                    model_name='promisetopay',
                    index=models.Index(fields=['loan', 'id'], name='loans_promi_loan_id_d7cd92_idx'),
                ),
                migrations.AddConstraint(
                    model_name='promisetopay',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='promise_amount_positive'),
                ),
                migrations.AddConstraint(
                    model_name='promisetopay',
                    constraint=models.CheckConstraint(condition=models.Q(('promised_date__gte', models.F('business_date'))), name='promise_date_not_before_it_was_made'),
                ),
                migrations.AddConstraint(
                    model_name='promisetopay',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'PENDING'), ('resolved_date__isnull', True)), models.Q(('outcome__in', ['KEPT', 'BROKEN']), ('resolved_date__isnull', False)), _connector='OR'), name='promise_resolved_has_a_date'),
                ),
                migrations.AddConstraint(
                    model_name='promisetopay',
                    constraint=models.CheckConstraint(condition=models.Q(('paid_amount__gte', 0)), name='promise_paid_positive'),
                ),
                migrations.AddIndex(
                    model_name='reminder',
                    index=models.Index(fields=['status', 'send_after'], name='reminder_status_send_after'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(fields=('installment', 'kind', 'channel'), name='reminder_once_per_channel'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['DUE_SOON', 'DUE_TODAY', 'OVERDUE_1', 'OVERDUE_7', 'OVERDUE_30'])), name='reminder_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.CheckConstraint(condition=models.Q(('channel__in', ['EMAIL', 'SMS'])), name='reminder_channel_valid'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'SENT'), ('sent_at__isnull', False)), models.Q(models.Q(('status', 'SENT'), _negated=True), ('sent_at__isnull', True)), _connector='OR'), name='reminder_sent_at_iff_sent'),
                ),
                migrations.AddIndex(
                    model_name='repayment',
                    index=models.Index(fields=['loan', 'value_date', 'id'], name='loans_repay_loan_id_09f729_idx'),
                ),
                migrations.AddConstraint(
                    model_name='repayment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='repayment_amount_positive'),
                ),
                migrations.AddConstraint(
                    model_name='repayment',
                    constraint=models.CheckConstraint(condition=models.Q(('advance_amount__gte', 0), ('overpayment_amount__gte', 0), ('prepaid_principal_amount__gte', 0)), name='repayment_parts_not_negative'),
                ),
            ],
            database_operations=[],
        ),
    ]
