# The credit line freezes with a reason (issue #16): past due at close of business, or written off.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_reveal_permission'),
        ('origination', '0003_credit_line_freeze'),
        ('servicing', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='creditline',
            options={'permissions': [('unfreeze_creditline', 'Can unfreeze a credit line')]},
        ),
        migrations.AddField(
            model_name='creditline',
            name='frozen_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='creditline',
            name='frozen_reason',
            field=models.CharField(blank=True, choices=[('PAST_DUE', 'Past due'), ('WRITTEN_OFF', 'Written off')], max_length=12),
        ),
        # Lines frozen before this migration were frozen by a write-off (the only freeze then).
        migrations.RunSQL(
            sql="""
                UPDATE loans_creditline
                SET frozen_reason = 'WRITTEN_OFF',
                    frozen_on = (updated_at AT TIME ZONE 'Asia/Shanghai')::date
                WHERE status = 'FROZEN'
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name='creditline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('frozen_on__isnull', True), ('frozen_reason', ''), ('status', 'ACTIVE')), models.Q(('frozen_on__isnull', False), ('status', 'FROZEN'), models.Q(('frozen_reason', ''), _negated=True)), _connector='OR'), name='credit_line_frozen_says_why'),
        ),
    ]
