import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('payments', '0001_initial'),
        ('servicing', '0001_initial'),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='portalpayment',
                    name='loan',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='portal_payments', to='servicing.loan'),
                ),
                migrations.AddField(
                    model_name='portalpayment',
                    name='repayment',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='portal_payment', to='servicing.repayment'),
                ),
                migrations.AddConstraint(
                    model_name='portalpayment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='portal_payment_positive'),
                ),
                migrations.AddConstraint(
                    model_name='portalpayment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'PAID'), _negated=True), models.Q(('paid_at__isnull', False), ('repayment__isnull', False)), _connector='OR'), name='portal_payment_paid_has_repayment'),
                ),
            ],
            database_operations=[],
        ),
    ]
