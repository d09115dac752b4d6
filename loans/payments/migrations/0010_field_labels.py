# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_field_labels'),
        ('ledger', '0009_field_labels'),
        ('payments', '0009_verbose_names'),
        ('revolving', '0008_field_labels'),
        ('servicing', '0010_field_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='cardbinding',
            name='agreement_reference',
            field=models.CharField(max_length=100, verbose_name='agreement reference'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='agreement_version',
            field=models.CharField(max_length=32, verbose_name='agreement version'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='borrower',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='card_bindings', to='accounts.borrower', verbose_name='borrower'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='card_number_ciphertext',
            field=models.TextField(editable=False, verbose_name='card number (encrypted)'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='card_number_digest',
            field=models.CharField(db_index=True, editable=False, max_length=64, verbose_name='card number (digest)'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='card_number_masked',
            field=models.CharField(editable=False, max_length=19, verbose_name='card number (masked)'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='channel',
            field=models.CharField(choices=[('PORTAL', 'Portal'), ('PARTNER', 'Partner API'), ('SYSTEM', "By the bank's answer")], max_length=10, verbose_name='channel'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='consent_at',
            field=models.DateTimeField(verbose_name='consent at'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='consent_ip',
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name='consent from IP'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='consent_user_agent',
            field=models.CharField(blank=True, max_length=500, verbose_name='consent user agent'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='gateway',
            field=models.CharField(max_length=100, verbose_name='gateway'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='revoked at'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='revoked_channel',
            field=models.CharField(blank=True, choices=[('PORTAL', 'Portal'), ('PARTNER', 'Partner API'), ('SYSTEM', "By the bank's answer")], max_length=10, verbose_name='revoked channel'),
        ),
        migrations.AlterField(
            model_name='cardbinding',
            name='status',
            field=models.CharField(choices=[('ACTIVE', 'Active'), ('REVOKED', 'Switched off')], default='ACTIVE', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='account',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='collection_attempts', to='revolving.revolvingaccount', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='binding',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attempts', to='payments.cardbinding', verbose_name='card binding'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='cancel_reason',
            field=models.CharField(blank=True, choices=[('NOTHING_DUE', 'Nothing due: paid meanwhile'), ('AUTO_DEBIT_OFF', 'Auto-debit switched off'), ('LOAN_NOT_ACTIVE', 'Loan not active'), ('WINDOW_CLOSED', "Outside the day's window"), ('ACCOUNT_CLOSED', 'Revolving account closed')], max_length=16, verbose_name='cancel reason'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='chunk',
            field=models.PositiveIntegerField(default=0, verbose_name='chunk'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='outcome at'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='decided_by',
            field=models.CharField(blank=True, max_length=10, verbose_name='outcome from'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='due_date',
            field=models.DateField(verbose_name='due date'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='gateway_reference',
            field=models.CharField(blank=True, max_length=100, verbose_name='gateway reference'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='key',
            field=models.CharField(max_length=64, unique=True, verbose_name='idempotency key'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='loan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='collection_attempts', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='outcome',
            field=models.CharField(blank=True, max_length=20, verbose_name='outcome'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='payments.collectionattempt', verbose_name='parent'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='part',
            field=models.BooleanField(default=False, verbose_name='part of a split charge'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='queried_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='queried at'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='query_count',
            field=models.PositiveIntegerField(default=0, verbose_name='query count'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='repayment',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attempt', to='servicing.repayment', verbose_name='repayment'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='revolving_payment',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attempt', to='revolving.revolvingpayment', verbose_name='revolving payment'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attempts', to='payments.collectionrun', verbose_name='run'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='scheduled_at',
            field=models.DateTimeField(verbose_name='scheduled at'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='sent at'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='sequence',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='sequence'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='collection_attempts', to='revolving.statement', verbose_name='statement'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='status',
            field=models.CharField(choices=[('PLANNED', 'Planned'), ('SENDING', 'Sending'), ('PENDING', 'Outcome unknown'), ('SUCCEEDED', 'Succeeded'), ('FAILED', 'Failed'), ('CANCELLED', 'Not sent')], default='PLANNED', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='collectionattempt',
            name='unapplied',
            field=models.BooleanField(default=False, verbose_name='unapplied'),
        ),
        migrations.AlterField(
            model_name='collectionrun',
            name='business_date',
            field=models.DateField(unique=True, verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='collectionrun',
            name='chunks',
            field=models.PositiveIntegerField(default=0, verbose_name='chunks'),
        ),
        migrations.AlterField(
            model_name='collectionrun',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='collectionrun',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished at'),
        ),
        migrations.AlterField(
            model_name='collectionrun',
            name='planned',
            field=models.PositiveIntegerField(default=0, verbose_name='attempts planned'),
        ),
        migrations.AlterField(
            model_name='collectionrun',
            name='planned_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='planned at'),
        ),
        migrations.AlterField(
            model_name='collectionrun',
            name='status',
            field=models.CharField(choices=[('PLANNED', 'Planned'), ('SENDING', 'Sending'), ('DONE', 'Done')], default='PLANNED', max_length=8, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='backend',
            field=models.CharField(blank=True, max_length=100, verbose_name='backend'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='brought_forward_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='brought forward amount'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='business_date',
            field=models.DateField(verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='created_at',
            field=models.DateTimeField(verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='entry',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.journalentry', verbose_name='entry'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='failed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='failed at'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='failure_code',
            field=models.CharField(blank=True, choices=[('ACCOUNT_CLOSED', 'Account closed'), ('NAME_MISMATCH', 'Name does not match the account'), ('CARD_INVALID', 'Card not valid'), ('ACCOUNT_FROZEN', 'Account frozen'), ('REFUSED', 'Refused by the bank')], max_length=16, verbose_name='failure code'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='failure_reason',
            field=models.CharField(blank=True, max_length=200, verbose_name='failure reason'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='key',
            field=models.CharField(max_length=40, unique=True, verbose_name='idempotency key'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='merchant_fees_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='merchant fees amount'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='net_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='net amount'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='partner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.partner', verbose_name='partner'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='pay_date',
            field=models.DateField(verbose_name='pay date'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='payout_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='payout amount'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='purchases_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='purchases amount'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='queried_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='queried at'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='query_count',
            field=models.PositiveIntegerField(default=0, verbose_name='query count'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='reference',
            field=models.CharField(blank=True, max_length=100, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='refunds_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='refunds amount'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='send_started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='send started at'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='settled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='settled at'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='status',
            field=models.CharField(choices=[('NOTHING_TO_PAY', 'Nothing to pay'), ('DUE', 'To be paid'), ('SENT', 'Sent to the bank'), ('SETTLED', 'Paid out'), ('FAILED', 'Refused by the bank')], max_length=16, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='merchantsettlement',
            name='subsidies_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='subsidies amount'),
        ),
        migrations.AlterField(
            model_name='merchantsettlementday',
            name='business_date',
            field=models.DateField(unique=True, verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='merchantsettlementday',
            name='created_at',
            field=models.DateTimeField(verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='merchantsettlementday',
            name='partners',
            field=models.PositiveIntegerField(verbose_name='partners settled'),
        ),
        migrations.AlterField(
            model_name='merchantsettlementday',
            name='payout_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='payout amount'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='backend',
            field=models.CharField(max_length=100, verbose_name='backend'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='gateway_reference',
            field=models.CharField(blank=True, max_length=100, verbose_name='gateway reference'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='loan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='portal_payments', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='paid_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='paid at'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='prepayment_mode',
            field=models.CharField(blank=True, max_length=20, verbose_name='prepayment mode'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='purpose',
            field=models.CharField(choices=[('NEXT_INSTALLMENT', 'Next installment'), ('AMOUNT', 'Any amount'), ('PAYOFF', 'Pay off')], max_length=20, verbose_name='purpose'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='repayment',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='portal_payment', to='servicing.repayment', verbose_name='repayment'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='status',
            field=models.CharField(choices=[('PENDING', 'Waiting for the payment'), ('PAID', 'Paid'), ('CANCELLED', 'Cancelled')], default='PENDING', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='portalpayment',
            name='token',
            field=models.CharField(max_length=43, unique=True, verbose_name='token'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='action',
            field=models.CharField(choices=[('ASK_GATEWAY', 'Ask the gateway for this transaction: we have no record of it. Have money taken without our order returned.'), ('POST_OR_REFUND', 'Money was taken that we did not post: post the repayment, or refund the borrower.'), ('REVERSE_REPAYMENT', 'The gateway says no money came: reverse the repayment we posted.'), ('REFUND_BORROWER', 'The money came but no loan could take it (the loan was closed): refund it to the borrower.'), ('CORRECT_AMOUNT', 'The amounts differ: ask the gateway which is right, then refund the excess or collect the rest.'), ('QUERY_CHARGE', 'The gateway does not list this charge: query it by its key; if the gateway never saw it, no money moved.'), ('CONFIRM_RECEIVED', 'We posted a repayment the gateway does not list: confirm the money arrived, else reverse the repayment.'), ('FAIL_OR_PAY_PAYOUT', 'The gateway does not list this payout: fail it (REFUSED, the loan is cancelled) or pay it by hand.'), ('CONFIRM_PAYOUT', 'We recorded this payout settled but the gateway does not list it: confirm the borrower was paid.'), ('RECOVER_PAYOUT', 'The bank paid a payout we recorded as refused (the loan is cancelled): recover the money from the borrower or put the loan back by hand.'), ('REPEAT_REFUND', 'The refund did not reach the borrower: pay it again or reverse the refund entry.'), ('NO_MONEY_MOVED', 'A failure for something we never sent: no money moved; note it and close.')], max_length=20, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='difference',
            field=models.CharField(choices=[('NOT_OURS', 'In the file, unknown to us'), ('MISSING', 'Ours, missing from the file'), ('AMOUNT', 'Other amount'), ('STATUS', 'Other status'), ('UNAPPLIED', 'Money taken that no loan took')], max_length=10, verbose_name='difference'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='file',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='differences', to='payments.settlementfile', verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='file_amount',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='file amount'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='file_status',
            field=models.CharField(blank=True, max_length=10, verbose_name='file status'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='gateway_reference',
            field=models.CharField(blank=True, max_length=100, verbose_name='gateway reference'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='kind',
            field=models.CharField(choices=[('CHARGE', 'Auto-debit charge'), ('PAYMENT', 'Portal payment'), ('PAYOUT', 'Payout'), ('REFUND', 'Refund')], max_length=8, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='line_number',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='line number'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='our_amount',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='our amount'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='our_key',
            field=models.CharField(max_length=100, verbose_name='our key'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='our_status',
            field=models.CharField(blank=True, max_length=10, verbose_name='our status'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='resolved_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='resolved at'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='resolved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='resolved by'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='settlement_date',
            field=models.DateField(verbose_name='settlement date'),
        ),
        migrations.AlterField(
            model_name='settlementdifference',
            name='state',
            field=models.CharField(choices=[('OPEN', 'Open'), ('RESOLVED', 'Resolved'), ('SUPERSEDED', 'Replaced by a corrected file')], default='OPEN', max_length=10, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='settlementfile',
            name='completed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='completed at'),
        ),
        migrations.AlterField(
            model_name='settlementfile',
            name='imported_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='imported at'),
        ),
        migrations.AlterField(
            model_name='settlementfile',
            name='line_count',
            field=models.PositiveIntegerField(verbose_name='line count'),
        ),
        migrations.AlterField(
            model_name='settlementfile',
            name='name',
            field=models.CharField(max_length=255, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='settlementfile',
            name='settlement_date',
            field=models.DateField(db_index=True, verbose_name='settlement date'),
        ),
        migrations.AlterField(
            model_name='settlementfile',
            name='sha256',
            field=models.CharField(max_length=64, unique=True, verbose_name='SHA-256'),
        ),
        migrations.AlterField(
            model_name='settlementfile',
            name='summary',
            field=models.JSONField(blank=True, default=dict, verbose_name='summary'),
        ),
    ]
