# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cob', '0003_verbose_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='cobchunk',
            name='dispatch_count',
            field=models.PositiveIntegerField(default=0, verbose_name='dispatch count'),
        ),
        migrations.AlterField(
            model_name='cobchunk',
            name='dispatched_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='dispatched at'),
        ),
        migrations.AlterField(
            model_name='cobchunk',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished at'),
        ),
        migrations.AlterField(
            model_name='cobchunk',
            name='first_loan_id',
            field=models.BigIntegerField(verbose_name='first loan ID'),
        ),
        migrations.AlterField(
            model_name='cobchunk',
            name='last_loan_id',
            field=models.BigIntegerField(verbose_name='last loan ID'),
        ),
        migrations.AlterField(
            model_name='cobchunk',
            name='number',
            field=models.PositiveIntegerField(verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='cobchunk',
            name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chunks', to='cob.cobrun', verbose_name='run'),
        ),
        migrations.AlterField(
            model_name='cobchunk',
            name='stats',
            field=models.JSONField(default=dict, verbose_name='stats'),
        ),
        migrations.AlterField(
            model_name='cobchunk',
            name='status',
            field=models.CharField(choices=[('PENDING', 'Pending'), ('DONE', 'Done')], default='PENDING', max_length=8, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='cobrun',
            name='business_date',
            field=models.DateField(unique=True, verbose_name='business date'),
        ),
        migrations.AlterField(
            model_name='cobrun',
            name='chunk_count',
            field=models.PositiveIntegerField(default=0, verbose_name='chunk count'),
        ),
        migrations.AlterField(
            model_name='cobrun',
            name='chunk_size',
            field=models.PositiveIntegerField(verbose_name='chunk size'),
        ),
        migrations.AlterField(
            model_name='cobrun',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished at'),
        ),
        migrations.AlterField(
            model_name='cobrun',
            name='started_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='started at'),
        ),
        migrations.AlterField(
            model_name='cobrun',
            name='status',
            field=models.CharField(choices=[('RUNNING', 'Running'), ('DONE', 'Done')], max_length=8, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='cobrun',
            name='summary',
            field=models.JSONField(default=dict, verbose_name='summary'),
        ),
    ]
