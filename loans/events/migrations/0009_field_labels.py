# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_field_labels'),
        ('events', '0008_verbose_names'),
        ('servicing', '0010_field_labels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboxevent',
            name='created_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='data',
            field=models.JSONField(default=dict, verbose_name='data'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='event_type',
            field=models.CharField(choices=[('credit_application.decided', 'Credit application decided'), ('loan.disbursed', 'Loan disbursed'), ('repayment.posted', 'Repayment posted'), ('repayment.reversed', 'Repayment reversed'), ('installment.overdue', 'Installment overdue'), ('loan.bucket_changed', 'Loan bucket changed'), ('loan.paid_off', 'Loan paid off'), ('loan.written_off', 'Loan written off'), ('loan.payout_failed', 'Loan payout failed, loan cancelled'), ('order.captured', 'Checkout order captured'), ('order.refunded', 'Checkout order refunded'), ('statement.issued', 'Revolving bill issued'), ('account.overdue', 'Revolving account overdue')], max_length=40, verbose_name='event type'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='loan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='partner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.partner', verbose_name='partner'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='request_id',
            field=models.CharField(blank=True, db_default='', max_length=64, verbose_name='request ID'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='sequence',
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name='sequence'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='source_event',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicing.loanevent', verbose_name='source event'),
        ),
        migrations.AlterField(
            model_name='webhookattempt',
            name='attempted_at',
            field=models.DateTimeField(verbose_name='attempted at'),
        ),
        migrations.AlterField(
            model_name='webhookattempt',
            name='delivery',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='events.webhookdelivery', verbose_name='delivery'),
        ),
        migrations.AlterField(
            model_name='webhookattempt',
            name='duration_ms',
            field=models.PositiveIntegerField(verbose_name='duration (ms)'),
        ),
        migrations.AlterField(
            model_name='webhookattempt',
            name='error',
            field=models.CharField(blank=True, max_length=500, verbose_name='error'),
        ),
        migrations.AlterField(
            model_name='webhookattempt',
            name='number',
            field=models.PositiveIntegerField(verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='webhookattempt',
            name='status_code',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='status code'),
        ),
        migrations.AlterField(
            model_name='webhookattempt',
            name='succeeded',
            field=models.BooleanField(verbose_name='succeeded'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='attempt_count',
            field=models.PositiveIntegerField(default=0, verbose_name='attempt count'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='created_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='deadline_at',
            field=models.DateTimeField(verbose_name='deadline at'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='delivered_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='delivered at'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='event',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='events.outboxevent', verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='last_error',
            field=models.CharField(blank=True, max_length=500, verbose_name='last error'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='last_status_code',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='last status code'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='loan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='next_attempt_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), verbose_name='next attempt at'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='status',
            field=models.CharField(choices=[('PENDING', 'Pending'), ('DELIVERED', 'Delivered'), ('FAILED', 'Failed: gave up after the retry window')], default='PENDING', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='subscription',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='events.webhooksubscription', verbose_name='subscription'),
        ),
        migrations.AlterField(
            model_name='webhooksubscription',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='webhooksubscription',
            name='deleted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deleted at'),
        ),
        migrations.AlterField(
            model_name='webhooksubscription',
            name='event_types',
            field=models.JSONField(default=list, verbose_name='event types'),
        ),
        migrations.AlterField(
            model_name='webhooksubscription',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='is active'),
        ),
        migrations.AlterField(
            model_name='webhooksubscription',
            name='partner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.partner', verbose_name='partner'),
        ),
        migrations.AlterField(
            model_name='webhooksubscription',
            name='secret_ciphertext',
            field=models.TextField(editable=False, verbose_name='secret (encrypted)'),
        ),
        migrations.AlterField(
            model_name='webhooksubscription',
            name='url',
            field=models.URLField(max_length=500, verbose_name='webhook URL'),
        ),
    ]
