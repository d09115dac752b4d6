import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('origination', '0001_initial'),
        ('servicing', '0001_initial'),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='payout',
                    name='loan',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='payout', to='servicing.loan'),
                ),
                migrations.AddIndex(
                    model_name='creditapplication',
                    index=models.Index(fields=['status', 'id'], name='loans_credi_status_54b220_idx'),
                ),
                migrations.AddConstraint(
                    model_name='creditapplication',
                    constraint=models.CheckConstraint(condition=models.Q(('credit_limit_amount__gte', 0), ('credit_limit_amount__lte', Decimal('30000.00'))), name='application_limit_within_platform_max'),
                ),
                migrations.AddConstraint(
                    model_name='creditapplication',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'APPROVED'), _negated=True), models.Q(('credit_limit_amount__gte', Decimal('500.00')), ('annual_rate__isnull', False)), _connector='OR'), name='application_approved_has_limit_and_rate'),
                ),
                migrations.AddConstraint(
                    model_name='payout',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='payout_amount_positive'),
                ),
            ],
            database_operations=[],
        ),
    ]
