import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_reveal_permission'),
        ('events', '0001_initial'),
        ('servicing', '0001_initial'),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='outboxevent',
                    name='loan',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicing.loan'),
                ),
                migrations.AddField(
                    model_name='outboxevent',
                    name='partner',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.partner'),
                ),
                migrations.AddField(
                    model_name='outboxevent',
                    name='source_event',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicing.loanevent'),
                ),
                migrations.AddField(
                    model_name='webhookdelivery',
                    name='event',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='events.outboxevent'),
                ),
                migrations.AddField(
                    model_name='webhookdelivery',
                    name='loan',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicing.loan'),
                ),
                migrations.AddField(
                    model_name='webhookattempt',
                    name='delivery',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='events.webhookdelivery'),
                ),
                migrations.AddField(
                    model_name='webhooksubscription',
                    name='partner',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.partner'),
                ),
                migrations.AddField(
                    model_name='webhookdelivery',
                    name='subscription',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='events.webhooksubscription'),
                ),
                migrations.AddIndex(
                    model_name='outboxevent',
                    index=models.Index(fields=['partner', 'sequence'], name='outbox_feed_order'),
                ),
                migrations.AddIndex(
                    model_name='outboxevent',
                    index=models.Index(condition=models.Q(('sequence__isnull', True)), fields=['id'], name='outbox_unnumbered'),
                ),
                migrations.AddConstraint(
                    model_name='webhookattempt',
                    constraint=models.UniqueConstraint(fields=('delivery', 'number'), name='webhook_attempt_number'),
                ),
                migrations.AddIndex(
                    model_name='webhooksubscription',
                    index=models.Index(fields=['partner', 'is_active'], name='loans_webho_partner_835e3b_idx'),
                ),
                migrations.AddIndex(
                    model_name='webhookdelivery',
                    index=models.Index(condition=models.Q(('status', 'PENDING')), fields=['next_attempt_at'], name='webhook_delivery_due'),
                ),
                migrations.AddIndex(
                    model_name='webhookdelivery',
                    index=models.Index(fields=['subscription', 'loan', 'event'], name='webhook_delivery_order'),
                ),
                migrations.AddConstraint(
                    model_name='webhookdelivery',
                    constraint=models.UniqueConstraint(fields=('event', 'subscription'), name='webhook_delivery_once_per_subscription'),
                ),
                migrations.AddConstraint(
                    model_name='webhookdelivery',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'DELIVERED'), _negated=True), ('delivered_at__isnull', False), _connector='OR'), name='webhook_delivered_has_time'),
                ),
            ],
            database_operations=[],
        ),
    ]
