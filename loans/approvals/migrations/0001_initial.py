import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('loans', '0016_models_move_to_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApprovalRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('DISBURSEMENT', 'Disbursement'), ('WRITE_OFF', 'Write-off'), ('WAIVER', 'Waiver'), ('MANUAL_ADJUSTMENT', 'Manual adjustment'), ('PRODUCT_CHANGE', 'Product change')], max_length=20)),
                        ('payload', models.JSONField(blank=True, default=dict)),
                        ('status', models.CharField(choices=[('PENDING', 'Waiting for a second officer'), ('APPROVED', 'Approved'), ('REJECTED', 'Rejected')], default='PENDING', max_length=8)),
                        ('requested_at', models.DateTimeField(auto_now_add=True)),
                        ('reason', models.TextField(blank=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decision_note', models.TextField(blank=True)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'loans_approvalrequest',
                        'ordering': ['-id'],
                        'permissions': (('request_disbursement', 'Can request a disbursement above the threshold'), ('approve_disbursement', 'Can approve a disbursement'), ('request_write_off', 'Can request a write-off'), ('approve_write_off', 'Can approve a write-off'), ('request_waiver', 'Can request a waiver'), ('approve_waiver', 'Can approve a waiver'), ('request_manual_adjustment', 'Can request a manual ledger adjustment'), ('approve_manual_adjustment', 'Can approve a manual ledger adjustment'), ('request_product_change', 'Can request a product change'), ('approve_product_change', 'Can approve a product change')),
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
