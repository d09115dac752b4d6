# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0004_verbose_names'),
        ('origination', '0008_field_labels'),
        ('servicing', '0010_field_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='approvalrequest',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='decided at'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='decision_note',
            field=models.TextField(blank=True, verbose_name='decision note'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='kind',
            field=models.CharField(choices=[('DISBURSEMENT', 'Disbursement'), ('WRITE_OFF', 'Write-off'), ('WAIVER', 'Waiver'), ('MANUAL_ADJUSTMENT', 'Manual adjustment'), ('PRODUCT_CHANGE', 'Product change'), ('PERIOD_REOPEN', 'Accounting period reopening')], max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='loan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='approval_requests', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='payload',
            field=models.JSONField(blank=True, default=dict, verbose_name='payload'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='product',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='approval_requests', to='origination.loanproduct', verbose_name='product'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='reason',
            field=models.TextField(blank=True, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='requested_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='requested at'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='requested_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by'),
        ),
        migrations.AlterField(
            model_name='approvalrequest',
            name='status',
            field=models.CharField(choices=[('PENDING', 'Waiting for a second officer'), ('APPROVED', 'Approved'), ('REJECTED', 'Rejected')], default='PENDING', max_length=8, verbose_name='status'),
        ),
    ]
